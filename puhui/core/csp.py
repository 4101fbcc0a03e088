"""Content-Security-Policy on every response (issue "Security and reliability", M3).

Scripts run only from the platform's own static files: no inline <script>, no on*= attributes, no eval.
Templates pass data to scripts with json_script (<script type="application/json">, which the browser never
executes) or data-* attributes; tests/core/test_csp.py scans the templates so none can slip back in.

- style-src keeps 'unsafe-inline': ECharts and Bootstrap set style attributes, htmx adds its indicator <style>,
  templates size chart boxes with style="…". Inline styles cannot run script.
- img-src allows data: and blob: (ECharts "save as image", Bootstrap's SVG icons in CSS, Swagger UI's icons).
- django-ninja's Swagger page (/api/v1/docs) needs no exception: since ninja 1.0 it loads its settings from
  <script type="application/json"> and runs swagger-ui-init.js from static files, with no inline script.
- htmx works without 'unsafe-eval' as long as templates use no hx-on, hx-vars or "js:" hx-vals (they don't).

A view that needs something else sets its own Content-Security-Policy header; this middleware leaves it alone.
"""

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
