"""Every API error in one JSON shape: {"error": {"code": "stable_code", "message": "…", "field": null}}.

`code` is stable (clients branch on it); `message` is in the request's language and, for a refused
comment, is exactly the message the web form shows; `field` names the request field at fault, or null.
"""
from __future__ import annotations

from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from consult.errors import UserError

# Stable codes per HTTP status for errors that carry no code of their own.
STATUS_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "payload_too_large", 415: "bad_request", 422: "invalid", 429: "rate_limited",
    500: "internal_error", 503: "unavailable",
}
ERROR_STATUSES = (400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 503)


def _messages() -> dict:
    return {
        400: _("请求无效。"), 401: _("需要有效的 API 令牌。"), 403: _("该令牌没有执行此操作的权限。"),
        404: _("找不到该资源。"), 405: _("不支持该请求方法。"), 409: _("请求与当前状态冲突。"),
        413: _("请求内容过大。"), 415: _("请求体应为 JSON 对象。"), 422: _("请求内容无效。"),
        429: _("操作过于频繁，请稍后再试。"), 500: _("服务器出错了，请稍后再试。"),
        503: _("服务暂时不可用，请稍后再试。"),
    }


class ApiError(Exception):
    """An API refusal with its HTTP status and stable code."""

    def __init__(self, status: int, code: str | None = None, message: str | None = None,
                 field: str | None = None, headers: dict | None = None):
        super().__init__(message or code)
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.message = message or _messages().get(status, _messages()[500])
        self.field = field
        self.headers = headers or {}


def error_response(error: ApiError):
    """The JSON answer for an ApiError."""
    response = jsonify(error={"code": error.code, "message": error.message, "field": error.field})
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def first_validation_error(messages, prefix: str = "") -> tuple[str | None, str]:
    """(field path, message) of the first marshmallow error, e.g. ("body", "…")."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = "" if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
            return first_validation_error(value, name)
    if isinstance(messages, list) and messages:
        return first_validation_error(messages[0], prefix)
    return (prefix or None), str(messages)


def as_api_error(error: Exception) -> ApiError:
    """Translate what a view or hook raised into an ApiError."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, ValidationError):
        field, message = first_validation_error(error.messages)
        return ApiError(422, "invalid", message, field)
    if isinstance(error, UserError):
        return ApiError(422, "refused", error.message, error.field)
    if isinstance(error, CSRFError):
        return ApiError(400, "csrf_failed", _("没有令牌的写请求需要有效的 CSRF 令牌（X-CSRFToken 请求头）；其他系统请使用 API 令牌。"))
    if isinstance(error, HTTPException):
        status = error.code or 500
        if status == 413:
            return ApiError(413, "payload_too_large")
        if status == 429:
            return ApiError(429, "rate_limited")
        return ApiError(status if status in STATUS_CODES else 400)
    current_app.logger.exception("API call failed", exc_info=error)
    return ApiError(500)
