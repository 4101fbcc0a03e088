"""One error format for every API response that is not a success.

    {"error": {"code": "not_found", "message": "<中文>", "details": [{"field": "...", "message": "<中文>"}]}}

Pydantic's validation errors are rewritten into Chinese sentences that name the field (by its
Chinese title where the schema gives one), Django's ValidationError from a service keeps its
field → message mapping, and missing and forbidden objects are both 404.
"""

import json
import logging
from typing import Any

import pydantic
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, ValidationErrorContext
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import NinjaJSONEncoder

logger = logging.getLogger("puhui.api")

STATUS_DEFAULTS = {
    400: ("bad_request", "请求格式有误"),
    401: ("unauthorized", "缺少或无效的接口令牌，请在 Authorization 请求头中提供 Bearer 令牌"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not_found", "未找到该资源，或无权访问"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "请求与当前状态冲突，请稍后重试"),
    413: ("payload_too_large", "请求体过大"),
    422: ("validation_error", "请求数据有误"),
    429: ("throttled", "请求过于频繁，请稍后再试"),
    500: ("server_error", "服务器内部错误，请稍后重试或联系平台管理员"),
}


class ApiError(HttpError):
    """An error with our code, a Chinese message and optional field details."""

    def __init__(self, status_code: int, code: str | None = None, message: str | None = None, details=None):
        default_code, default_message = STATUS_DEFAULTS.get(status_code, ("error", "请求失败"))
        self.code = code or default_code
        self.details = details or []
        super().__init__(status_code, message or default_message)


def error_body(code: str, message: str, details: list[dict] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or []}}


def error_response(
    status: int, code: str | None = None, message: str | None = None, details=None
) -> HttpResponse:
    default_code, default_message = STATUS_DEFAULTS.get(status, ("error", "请求失败"))
    body = error_body(code or default_code, message or default_message, details)
    return HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


# --- pydantic errors in Chinese --------------------------------------------------------------


def _expected(ctx: dict) -> str:
    return str(ctx.get("expected", "")).replace(" or ", "、").replace(", ", "、")


PYDANTIC_MESSAGES = {
    "missing": lambda c: "为必填项",
    "string_type": lambda c: "应为字符串",
    "string_too_short": lambda c: f"至少需要 {c.get('min_length')} 个字符",
    "string_too_long": lambda c: f"不能超过 {c.get('max_length')} 个字符",
    "string_pattern_mismatch": lambda c: "格式不正确",
    "int_type": lambda c: "应为整数",
    "int_parsing": lambda c: "应为整数",
    "int_from_float": lambda c: "应为整数，不能带小数",
    "float_type": lambda c: "应为数字",
    "float_parsing": lambda c: "应为数字",
    "decimal_type": lambda c: "应为数字",
    "decimal_parsing": lambda c: "应为数字",
    "decimal_max_digits": lambda c: f"数字不能超过 {c.get('max_digits')} 位",
    "decimal_max_places": lambda c: f"小数不能超过 {c.get('decimal_places')} 位",
    "bool_type": lambda c: "应为布尔值 true 或 false",
    "bool_parsing": lambda c: "应为布尔值 true 或 false",
    "date_type": lambda c: "应为 YYYY-MM-DD 格式的日期",
    "date_parsing": lambda c: "应为 YYYY-MM-DD 格式的日期",
    "date_from_datetime_parsing": lambda c: "应为 YYYY-MM-DD 格式的日期",
    "date_from_datetime_inexact": lambda c: "应为日期，不能带时间",
    "datetime_type": lambda c: "应为 ISO 8601 格式的时间",
    "datetime_parsing": lambda c: "应为 ISO 8601 格式的时间",
    "enum": lambda c: f"取值应为以下之一：{_expected(c)}",
    "literal_error": lambda c: f"取值应为以下之一：{_expected(c)}",
    "list_type": lambda c: "应为数组",
    "too_short": lambda c: f"至少需要 {c.get('min_length')} 项",
    "too_long": lambda c: f"最多 {c.get('max_length')} 项",
    "greater_than": lambda c: f"应大于 {c.get('gt')}",
    "greater_than_equal": lambda c: f"不能小于 {c.get('ge')}",
    "less_than": lambda c: f"应小于 {c.get('lt')}",
    "less_than_equal": lambda c: f"不能大于 {c.get('le')}",
    "dict_type": lambda c: "应为 JSON 对象",
    "model_type": lambda c: "应为 JSON 对象",
    "model_attributes_type": lambda c: "应为 JSON 对象",
    "extra_forbidden": lambda c: "不是本接口的字段（请检查拼写）",
    "none_required": lambda c: "应为空",
    "uuid_parsing": lambda c: "应为 UUID",
}


def _walk_title(model: Any, loc: tuple) -> str | None:
    """The Chinese title the schema gives the field at `loc`, if any."""
    title = None
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return None
        info = fields[part]
        title = info.title
        annotation = info.annotation
        current = (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel)
            else None
        )
    return title


def _field_path(parts: tuple) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def translate_pydantic_errors(contexts: list[ValidationErrorContext]) -> list[dict]:
    """Pydantic errors → [{"field", "message"}] with Chinese messages."""
    details = []
    for context in contexts:
        model = context.model
        source = model.__ninja_param_source__
        reverse = getattr(model, "__ninja_flatten_map_reverse__", {}) or {}
        single_attr = getattr(model, "__read_from_single_attr__", None)
        for err in context.pydantic_validation_error.errors(include_url=False):
            raw_loc = tuple(err["loc"])
            loc = reverse.get(raw_loc, raw_loc)
            if source == "body" and single_attr and loc and loc[0] == single_attr:
                loc = loc[1:]
            field = _field_path(loc)
            label = _walk_title(model, raw_loc)
            translate = PYDANTIC_MESSAGES.get(err["type"])
            if translate is not None:
                reason = translate(err.get("ctx") or {})
            elif err["type"] in {"value_error", "assertion_error"}:
                reason = str((err.get("ctx") or {}).get("error", "取值无效"))
            else:
                reason = "取值无效"
            if not field:
                message = "请求体不能为空" if err["type"] == "missing" else f"请求体{reason}"
            elif label:
                message = f"“{label}”（{field}）{reason}"
            else:
                message = f"字段 {field} {reason}"
            details.append({"field": field or None, "message": message})
    return details


# --- handlers ----------------------------------------------------------------------------------


def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = []
    for err in exc.errors:
        if "message" in err and "field" in err:
            details.append({"field": err["field"], "message": err["message"]})
        else:  # raised by ninja itself (e.g. a bad pagination cursor): keep what it says
            details.append({"field": None, "message": str(err)})
    return error_response(422, message=f"请求数据有误，共 {len(details)} 处", details=details)


def _django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    details = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                details.append({"field": None if field == "__all__" else field, "message": message})
    else:
        details = [{"field": None, "message": m} for m in exc.messages]
    return error_response(422, message=f"请求数据有误，共 {len(details)} 处", details=details)


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, ApiError):
        return error_response(exc.status_code, exc.code, exc.message, exc.details)
    # Raised inside ninja with an English message; keep only the status.
    message = None
    if exc.status_code == 400 and "parse request body" in exc.message:
        message = TOO_DEEP if isinstance(exc.__cause__, RecursionError) else "请求体不是合法的 JSON"
    return error_response(exc.status_code, message=message)


TOO_DEEP = "请求体的 JSON 嵌套层数过多，无法解析"


def json_nesting_exceeds(body: bytes, limit: int) -> bool:
    """Whether brackets in a JSON text nest deeper than `limit` (outside strings); no recursion."""
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if isinstance(exc, ApiError):
        return _http_error(request, exc)
    return error_response(401)


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404)


def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or None
    return error_response(403, message=message)


def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(500)


def install_error_handlers(api) -> None:
    api.add_exception_handler(Exception, _server_error)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(PermissionDenied, _forbidden)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(AuthenticationError, _authentication_error)
    api.add_exception_handler(NinjaValidationError, _validation_error)
    api.add_exception_handler(DjangoValidationError, _django_validation_error)
