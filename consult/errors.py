"""Error pages: a clear message in the user's language, never a stack trace."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: lambda: _("请求无效。"),
    403: lambda: _("您没有权限执行此操作。"),
    404: lambda: _("找不到该页面。"),
    405: lambda: _("不支持该请求方法。"),
    413: lambda: _("上传的文件过大。"),
    429: lambda: _("操作过于频繁，请稍后再试。"),
    500: lambda: _("服务器出错了，请稍后再试。"),
}


def register(app: Flask) -> None:
    """Render every HTTP error with templates/errors/error.html (JSON for API clients)."""

    def handle(error):
        code = getattr(error, "code", 500) or 500
        message = MESSAGES.get(code, MESSAGES[500])()
        description = getattr(error, "description", "") if code not in (500,) else ""
        if isinstance(error, CSRFError):
            code, message, description = 400, _("表单已过期或来源无效，请刷新页面后重试。"), ""
        if request.accept_mimetypes.best == "application/json":
            return jsonify(error=message, detail=str(description or "")), code
        stock = getattr(type(error), "description", None)
        if not isinstance(description, str) or code == 429 or description == stock:
            description = ""  # werkzeug's stock text and the limiter's "5 per 1 minute" are English only
        return render_template("errors/error.html", code=code, message=message, description=description), code

    for code in MESSAGES:
        app.register_error_handler(code, handle)
    app.register_error_handler(CSRFError, handle)
    app.register_error_handler(413, upload_too_large)


def upload_too_large(error):
    """A clear page for an upload above MAX_CONTENT_LENGTH: the limit, and that nothing was saved."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    shown = f"{limit / 1024 / 1024:.0f} MB" if limit >= 1024 * 1024 else f"{max(1, limit // 1024)} KB"
    message = _("上传的文件过大（上限 %(limit)s），未保存任何内容。请拆分或压缩文件后重新上传。", limit=shown)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=message, detail=""), 413
    return render_template("errors/error.html", code=413, message=message, description=""), 413


class UserError(ValueError):
    """A refusal a person can act on: `message` in their language, `field` names the form field at fault.

    Every service raises a subclass (CommentError, IntakeError, ReviewError, ExportError, SelectionError …);
    `consult.actions.perform` rolls back, puts the message beside its field and re-renders the form.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
