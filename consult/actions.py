"""The one pattern every POST follows: load → check → call a service → commit → flash and redirect.

Views load their objects and check permission first (404 / 403), then hand the rest to `perform`:

    return perform(lambda: services.decide(comment, ...), form=form,
                   success=_("已保存。"), redirect_to=url_for(...), rerender=lambda: render_page(form))

- the form's shape is validated (required, lengths, choices);
- the service runs; it flushes, never commits;
- success: one commit, a flash, a redirect (Post/Redirect/Get);
- a `UserError` from the service: rollback, the message goes beside its field (`form[field].errors`)
  and the page is re-rendered with status 422 (or, without `rerender`, flashed and redirected back).
The entry point owns the transaction: no other view calls `db.session.commit()`.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import flash, redirect

from consult.errors import UserError
from consult.extensions import db

Message = str | Callable[[Any], str]
Target = str | Callable[[Any], str]


def _resolve(value, result):
    return value(result) if callable(value) else value


def first_error(form) -> str:
    """The first validation message of a form (for pages that flash instead of re-rendering)."""
    for field in form:
        if field.errors:
            return f"{field.label.text}：{field.errors[0]}"
    return ""


def mark_error(form, error: UserError) -> None:
    """Attach a service's message to its form field (or to the form as a whole) and focus it."""
    field = getattr(form, error.field, None) if (form is not None and error.field) else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*list(field.errors or []), error.message]
        form.focus_field = error.field
    elif form is not None:
        form.form_errors.append(error.message)


def perform(call: Callable[[], Any], *, success: Message | None, redirect_to: Target, form=None,
            rerender: Callable[[], Any] | None = None, failure_redirect: Target | None = None,
            redirect_code: int = 302):
    """Run one service call as one transaction and answer the POST (see the module docstring)."""
    if form is not None and not form.validate():
        return _refuse(form, None, rerender, failure_redirect or redirect_to)
    try:
        result = call()
    except UserError as error:
        db.session.rollback()
        return _refuse(form, error, rerender, failure_redirect or redirect_to)
    db.session.commit()
    message = _resolve(success, result)
    if message:
        flash(message, "success")
    return redirect(_resolve(redirect_to, result), redirect_code)


def _refuse(form, error: UserError | None, rerender, target):
    if error is not None:
        mark_error(form, error)
    if form is not None and getattr(form, "focus_field", None) is None:
        form.focus_field = next((f.name for f in form if f.errors), None)
    if rerender is not None:
        response = rerender()
        return (response, 422) if isinstance(response, str) else response
    flash(error.message if error is not None else first_error(form), "error")
    return redirect(_resolve(target, None))
