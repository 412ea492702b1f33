"""Workbench actions (POST): each loads, checks permission, validates shape, calls one service, redirects."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.models import User
from consult.accounts.permissions import can_decide, can_moderate
from consult.accounts.views import is_safe_next
from consult.comments.models import DuplicateGroup
from consult.extensions import db
from consult.review import duplicates as dup
from consult.review import queries, services
from consult.review.forms import (
    AssignForm, BulkForm, DecisionForm, NoteForm, RejectForm, TagsForm, first_error)
from consult.review.services import ReviewError
from consult.review.views import bp, comment_or_404, load_draft, require


def _back(comment=None, default=None):
    target = request.form.get("next")
    if is_safe_next(target):
        return redirect(target)
    if default:
        return redirect(default)
    if comment is not None:
        key = comment.article.key if comment.article is not None else comment.anchor_kind
        return redirect(url_for("review.article", draft_id=comment.draft_id, key=key) + f"#c-{comment.id}")
    return redirect(url_for("review.index"))


def _run(form, call, success: str, comment=None, default=None):
    """Validate the form's shape, call the service, commit and flash; roll back on a refusal."""
    if form is not None and not form.validate():
        flash(first_error(form), "error")
        return _back(comment, default)
    try:
        result = call()
    except ReviewError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(comment, default)
    db.session.commit()
    flash(success.format(n=result) if isinstance(result, int) else success, "success")
    return _back(comment, default)


def _comment_for(predicate, comment_id: int):
    comment = comment_or_404(comment_id)
    if not predicate(current_user, comment) if predicate is can_decide else not predicate(current_user):
        abort(403)
    return comment


def _assignee(value: str | None):
    value = (value or "").strip()
    if not value:
        return None
    user = db.session.get(User, int(value)) if value.isdigit() else None
    if user is None:
        raise ReviewError(_("找不到该工作人员。"), "assignee")
    return user


@bp.route("/comments/<int:comment_id>/publish", methods=["POST"])
@require(can_moderate)
def publish(comment_id: int):
    """Publish a pending online comment."""
    comment = _comment_for(can_moderate, comment_id)
    return _run(None, lambda: services.publish_comment(comment, actor=current_user), _("意见已发布。"), comment)


@bp.route("/comments/<int:comment_id>/reject", methods=["POST"])
@require(can_moderate)
def reject(comment_id: int):
    """Reject an online comment with a reason."""
    comment = _comment_for(can_moderate, comment_id)
    form = RejectForm()
    return _run(form, lambda: services.reject_comment(comment, form.reason.data, actor=current_user),
                _("意见已驳回。"), comment)


@bp.route("/comments/<int:comment_id>/decision", methods=["POST"])
@require(can_decide)
def decide(comment_id: int):
    """Set or clear the adoption decision with its reason."""
    comment = _comment_for(can_decide, comment_id)
    form = DecisionForm()
    return _run(form, lambda: services.decide_comment(comment, form.decision.data, form.reason.data,
                                                      actor=current_user), _("采纳情况已保存。"), comment)


@bp.route("/comments/<int:comment_id>/tags", methods=["POST"])
@require(can_decide)
def tags(comment_id: int):
    """Replace the comment's tags."""
    comment = _comment_for(can_decide, comment_id)
    form = TagsForm()
    return _run(form, lambda: services.set_tags(comment, form.tags.data or "", actor=current_user),
                _("标签已保存。"), comment)


@bp.route("/comments/<int:comment_id>/note", methods=["POST"])
@require(can_decide)
def note(comment_id: int):
    """Append an internal note."""
    comment = _comment_for(can_decide, comment_id)
    form = NoteForm()
    return _run(form, lambda: services.add_note(comment, form.note.data, actor=current_user),
                _("备注已添加。"), comment)


@bp.route("/comments/<int:comment_id>/assign", methods=["POST"])
@require(can_decide)
def assign(comment_id: int):
    """Assign the comment to a staff member, or to nobody."""
    comment = _comment_for(can_decide, comment_id)
    form = AssignForm()
    return _run(form, lambda: services.assign_comment(comment, _assignee(form.assignee.data),
                                                      actor=current_user),
                _("分配已保存。"), comment)


@bp.route("/comments/<int:comment_id>/lock", methods=["POST"])
@require(can_decide)
def lock(comment_id: int):
    """Lock the comment against facilitators' corrections, or unlock it."""
    comment = _comment_for(can_decide, comment_id)
    locked = request.form.get("locked") == "1"
    return _run(None, lambda: services.set_locked(comment, locked, actor=current_user),
                _("已锁定。") if locked else _("已解锁。"), comment)


@bp.route("/comments/<int:comment_id>/split", methods=["POST"])
@require(can_decide)
def split(comment_id: int):
    """Take the comment out of its near-duplicate group."""
    comment = _comment_for(can_decide, comment_id)
    return _run(None, lambda: dup.split_from_group(comment, actor=current_user) and None,
                _("已移出重复组。"), comment, url_for("review.duplicates", draft_id=comment.draft_id))


@bp.route("/drafts/<int:draft_id>/bulk", methods=["POST"])
@require(can_decide)
def bulk(draft_id: int):
    """Apply one action (tag, decide, assign, lock/unlock) to the selected comments, all or none."""
    draft = load_draft(draft_id)
    form = BulkForm()
    comments = queries.comments_in_draft(draft, request.form.getlist("comment_ids"))

    def call():
        action = form.action.data
        params = {"tag": lambda: {"names": form.tags.data or ""},
                  "decide": lambda: {"decision": form.decision.data, "reason": form.reason.data},
                  "assign": lambda: {"user": _assignee(form.assignee.data)},
                  "lock": lambda: {"locked": form.locked.data != "0"}}.get(action)
        if params is None:
            raise ReviewError(_("未知的批量操作：%(a)s。", a=action or ""), "action")
        return services.bulk_apply(comments, action, actor=current_user, **params())

    return _run(form, call, _("已处理 {n} 条意见。"), default=url_for("review.draft", draft_id=draft.id))


@bp.route("/moderation/bulk", methods=["POST"])
@require(can_moderate)
def moderation_bulk():
    """Publish or reject (with one reason) every selected pending comment, all or none."""
    comments = queries.pending_comments(request.form.getlist("comment_ids"))
    action = request.form.get("action")
    form = RejectForm() if action == "reject" else None

    def call():
        if action not in ("publish", "reject"):
            raise ReviewError(_("未知的批量操作：%(a)s。", a=action or ""), "action")
        reason = form.reason.data if form is not None else None
        return services.bulk_apply(comments, action, actor=current_user, reason=reason)

    return _run(form, call, _("已处理 {n} 条意见。"), default=url_for("review.moderation"))


@bp.route("/drafts/<int:draft_id>/duplicates/refresh", methods=["POST"])
@require(can_decide)
def duplicates_refresh(draft_id: int):
    """Recompute the candidate near-duplicate groups of a draft (confirmed groups are kept)."""
    draft = load_draft(draft_id)
    return _run(None, lambda: len(dup.find_duplicate_groups(draft, actor=current_user)),
                _("检测完成：共 {n} 组。"), default=url_for("review.duplicates", draft_id=draft.id))


def _group_or_404(group_id: int) -> DuplicateGroup:
    group = db.session.get(DuplicateGroup, group_id)
    if group is None:
        abort(404)
    return group


@bp.route("/groups/<int:group_id>/confirm", methods=["POST"])
@require(can_decide)
def group_confirm(group_id: int):
    """Confirm a near-duplicate group."""
    group = _group_or_404(group_id)
    return _run(None, lambda: dup.confirm_group(group, actor=current_user) and None, _("已确认该组为重复意见。"),
                default=url_for("review.duplicates", draft_id=group.draft_id) + f"#g-{group.id}")


@bp.route("/groups/<int:group_id>/decision", methods=["POST"])
@require(can_decide)
def group_decide(group_id: int):
    """Decide once for every comment of a confirmed group."""
    group = _group_or_404(group_id)
    form = DecisionForm()
    return _run(form, lambda: dup.decide_group(group, form.decision.data, form.reason.data,
                                               actor=current_user),
                _("已对 {n} 条意见统一作出处理。"),
                default=url_for("review.duplicates", draft_id=group.draft_id) + f"#g-{group.id}")
