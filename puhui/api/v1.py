"""/api/v1/: one NinjaAPI for the whole platform.

Every operation needs a token (`Authorization: Bearer …`), every write an `Idempotency-Key`,
and every error has the shape described in `puhui.api.errors`. Each app adds its routers by declaring
`API_ROUTERS` in its `plugin.py` (see `puhui.core.plugins`); they get authentication, idempotency and
the error format without writing any of it.
"""

import functools

from django.http import Http404
from django.urls import URLPattern, include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from puhui.api.auth import token_auth
from puhui.api.docs import ChineseSwagger
from puhui.api.endpoints import router as core_router
from puhui.api.errors import (
    TOO_DEEP,
    error_response,
    install_error_handlers,
    json_nesting_exceeds,
    translate_pydantic_errors,
)
from puhui.api.idempotency import HEADER, WRITE_METHODS, idempotent
from puhui.core import plugins

DESCRIPTION = """县域普惠金融综合示范区平台的数据接口。

* 认证：`Authorization: Bearer <令牌>`；令牌在平台“接口令牌”页面由本机构创建，代表一个机构，只能看到该机构可见的数据。
* 写操作（POST/PUT/PATCH/DELETE）必须带 `Idempotency-Key` 请求头；重试时使用相同的键，不会重复写入。
* 列表接口使用 `limit`/`offset` 分页，返回 `total`。
* 错误统一为 `{"error": {"code", "message", "details": [{"field", "message"}]}}`，信息为中文。

详见平台文档 docs/api.md。"""


class ChineseJSONRenderer(JSONRenderer):
    # Readable Chinese in curl output; JSON is UTF-8 either way.
    json_dumps_params = {"ensure_ascii": False}


class PuhuiAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        from ninja.errors import ValidationError

        return ValidationError(translate_pydantic_errors(error_contexts))

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status, text in ERROR_RESPONSES.items():
                    responses.setdefault(
                        status,
                        {
                            "description": text,
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                            },
                        },
                    )
                if method.upper() in WRITE_METHODS:
                    for status, text in WRITE_ERROR_RESPONSES.items():
                        responses.setdefault(
                            status,
                            {
                                "description": text,
                                "content": {
                                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                                },
                            },
                        )
                    parameters = operation.setdefault("parameters", [])
                    if any(p.get("name") == HEADER for p in parameters):
                        continue
                    parameters.append(
                        {
                            "in": "header",
                            "name": HEADER,
                            "required": True,
                            "schema": {"type": "string", "maxLength": 128},
                            "description": "客户端生成的唯一值（如 UUID）；重试同一请求时保持不变",
                        }
                    )
        return schema


ERROR_SCHEMA = {
    "type": "object",
    "title": "错误",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "example": "not_found"},
                "message": {"type": "string", "example": "未找到该资源，或无权访问"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "field": {"type": ["string", "null"]},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}
ERROR_RESPONSES = {
    "401": "令牌缺失、无效、已吊销或已过期",
    "404": "不存在或无权访问",
    "422": "请求数据有误（逐项列出字段和原因）",
}
WRITE_ERROR_RESPONSES = {
    "400": "缺少 Idempotency-Key 请求头，或请求体不是合法的 JSON",
    "403": "令牌所属机构无权执行此写操作",
    "409": "相同 Idempotency-Key 的请求仍在处理",
}

api = PuhuiAPI(
    title="普惠金融综合示范区平台接口",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=token_auth,
    renderer=ChineseJSONRenderer(),
    # Swagger UI is served from ninja's own static files; no validator badge calling out to the internet.
    docs=ChineseSwagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
install_error_handlers(api)
api.add_decorator(idempotent, mode="view")
api.add_router("", core_router)
for contributed in plugins.api_routers():  # each app's `API_ROUTERS` in its plugin.py
    api.add_router(contributed.prefix, contributed.router)


def _json_errors(view):
    """Errors Django answers before ninja gets the request (405), and a JSON body nested too deeply to parse
    (400), in the API's own format."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except RecursionError:
            # A body like 100000 × "[" overflows the JSON parser's stack wherever it is parsed (the
            # idempotency fingerprint parses it before ninja). Answer 400 when that is the cause.
            if json_nesting_exceeds(getattr(request, "_body", b""), 200):
                return error_response(400, message=TOO_DEEP)
            raise
        except Http404:
            # Raised outside ninja's own handlers, e.g. by its root view (GET /api/v1/).
            return _unknown_endpoint(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            replaced = error_response(405, message=f"不支持 {request.method} 方法，允许：{allowed}")
            replaced["Allow"] = allowed
            return replaced
        return response

    return wrapper


@csrf_exempt  # the API authenticates by token, never by cookie; a POST here must get the JSON 404 too
def _unknown_endpoint(request, *args, **kwargs):
    return error_response(404, message="接口不存在，请查看 /api/v1/docs")


_patterns, _app_name, _namespace = api.urls
urlpatterns = [
    URLPattern(p.pattern, _json_errors(p.callback), p.default_args, p.name)
    if isinstance(p, URLPattern)
    else p
    for p in _patterns
]
urlpatterns = [path("", include((urlpatterns, _app_name), namespace=_namespace))]
urlpatterns.append(re_path(r"^.*$", _unknown_endpoint))
