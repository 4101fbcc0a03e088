"""Two gates in front of every page (issue "Security and reliability").

- `FieldKeyCheckMiddleware`: on the first request, compare FIELD_ENCRYPTION_KEY with the check value in the
  database (`puhui.core.keycheck`). A wrong key answers a Chinese 503 page on every request until the
  process is restarted with the right key — instead of a 500 at the first page that decrypts a phone number
  (which is the login: the user's own phone is an encrypted field).
- `PasswordChangeRequiredMiddleware`: a user whose password was set by an administrator (new account,
  reset) is sent to 修改密码 from every page except that page, logout and static files. API requests
  authenticate by token, not by session, and pass untouched.
"""

import logging

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse

from puhui.core import keycheck

logger = logging.getLogger("puhui.security")


class FieldKeyCheckMiddleware:
    verified = False  # per process; a wrong key needs a restart to fix, a right one is checked once

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not FieldKeyCheckMiddleware.verified:
            problem = keycheck.verify()
            if problem:
                logger.error(problem)
                # No request context: the page needs neither the database nor a session.
                response = HttpResponse(render_to_string("503_key.html"), status=503)
                response["Retry-After"] = "300"
                response["Cache-Control"] = "no-store"
                return response
            FieldKeyCheckMiddleware.verified = True
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    EXEMPT_PREFIXES = ("/api/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            change_url = reverse("password_change")
            exempt = {change_url, reverse("logout")}
            path = request.path_info
            static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
            if path not in exempt and not path.startswith((static, *self.EXEMPT_PREFIXES)):
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = change_url
                    return response
                return redirect(change_url)
        return self.get_response(request)
