"""Workbench actions (POST): each loads, checks permission, then hands the form and one service call to
`consult.actions.perform` (validate → service → commit → flash → redirect; a refusal rolls back and shows
the message beside its field). Destructive steps (split a comment out of a group) have a confirm page."""
from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.access import require
from consult.accounts.models import User
from consult.accounts.permissions import can_decide, can_moderate
from consult.accounts.views import is_safe_next
from consult.actions import perform
from consult.comments import duplicate_jobs
from consult.comments.models import DuplicateGroup
from consult.extensions import db
from consult.review import queries, services
from consult.review.errors import ReviewError
from consult.review.forms import (
    AssignForm, BulkForm, DecisionForm, DuplicateOfForm, NoteForm, RejectForm, TagsForm)
from consult.review.pages import bp, comment_or_404, load_draft, render_article_for, render_duplicates


def _back(comment=None, default=None) -> str:
    """Where the staff member came from (a safe `next`), else the comment on its article page."""
    target = request.form.get("next")
    if is_safe_next(target):
        return target
    if default:
        return default
    if comment is not None:
        key = comment.article.key if comment.article is not None else comment.anchor_kind
        return url_for("review.article", draft_id=comment.draft_id, key=key) + f"#c-{comment.id}"
    return url_for("review.index")


def _counted(message: str):
    return lambda n: message.format(n=n)


def _comment_for(predicate, comment_id: int):
    comment = comment_or_404(comment_id)
    if not (predicate(current_user, comment) if predicate is can_decide else predicate(current_user)):
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
    return perform(lambda: services.publish_comment(comment, actor=current_user), success=_("意见已公开。"),
                   redirect_to=_back(comment))


@bp.route("/comments/<int:comment_id>/reject", methods=["POST"])
@require(can_moderate)
def reject(comment_id: int):
    """Refuse to publish an online comment, with a reason."""
    comment = _comment_for(can_moderate, comment_id)
    form = RejectForm()
    return perform(lambda: services.reject_comment(comment, form.reason.data, actor=current_user), form=form,
                   success=_("意见不予公开。"), redirect_to=_back(comment))


@bp.route("/comments/<int:comment_id>/decision", methods=["POST"])
@require(can_decide)
def decide(comment_id: int):
    """Set or clear the adoption decision with its reason; a refusal shows again beside the reason."""
    comment = _comment_for(can_decide, comment_id)
    form = DecisionForm().for_target(str(comment.id))
    return perform(lambda: services.decide_comment(comment, form.decision.data, form.reason.data,
                                                   actor=current_user),
                   form=form, success=_("采纳情况已保存。"), redirect_to=_back(comment),
                   rerender=lambda: render_article_for(comment, form, "decision"))


@bp.route("/comments/<int:comment_id>/duplicate-of", methods=["POST"])
@require(can_decide)
def duplicate_of(comment_id: int):
    """Mark by hand that this comment repeats another (given by its receipt code)."""
    comment = _comment_for(can_decide, comment_id)
    form = DuplicateOfForm().for_target(str(comment.id))
    return perform(lambda: services.mark_duplicate(
        comment, queries.comment_by_receipt(comment.draft, form.other.data), actor=current_user),
        form=form, success=_("已标为重复意见，并确认该重复组。"), redirect_to=_back(comment),
        rerender=lambda: render_article_for(comment, form, "duplicate"))


@bp.route("/comments/<int:comment_id>/tags", methods=["POST"])
@require(can_decide)
def tags(comment_id: int):
    """Replace the comment's tags."""
    comment = _comment_for(can_decide, comment_id)
    form = TagsForm()
    return perform(lambda: services.set_tags(comment, form.tags.data or "", actor=current_user), form=form,
                   success=_("标签已保存。"), redirect_to=_back(comment))


@bp.route("/comments/<int:comment_id>/note", methods=["POST"])
@require(can_decide)
def note(comment_id: int):
    """Append an internal note."""
    comment = _comment_for(can_decide, comment_id)
    form = NoteForm()
    return perform(lambda: services.add_note(comment, form.note.data, actor=current_user), form=form,
                   success=_("备注已添加。"), redirect_to=_back(comment))


@bp.route("/comments/<int:comment_id>/assign", methods=["POST"])
@require(can_decide)
def assign(comment_id: int):
    """Assign the comment to a staff member, or to nobody."""
    comment = _comment_for(can_decide, comment_id)
    form = AssignForm()
    return perform(lambda: services.assign_comment(comment, _assignee(form.assignee.data), actor=current_user),
                   form=form, success=_("分配已保存。"), redirect_to=_back(comment))


@bp.route("/comments/<int:comment_id>/lock", methods=["POST"])
@require(can_decide)
def lock(comment_id: int):
    """Lock the comment against facilitators' corrections, or unlock it."""
    comment = _comment_for(can_decide, comment_id)
    locked = request.form.get("locked") == "1"
    return perform(lambda: services.set_locked(comment, locked, actor=current_user),
                   success=_("已锁定。") if locked else _("已解锁。"), redirect_to=_back(comment))


@bp.route("/comments/<int:comment_id>/split", methods=["GET"])
@require(can_decide)
def split_confirm(comment_id: int):
    """Ask before taking a comment out of its duplicate group (it then stays out of automatic grouping)."""
    comment = _comment_for(can_decide, comment_id)
    if comment.duplicate_group is None:
        abort(404)
    back = request.args.get("next")
    if not is_safe_next(back):
        back = url_for("review.duplicates", draft_id=comment.draft_id) + f"#g-{comment.duplicate_group_id}"
    return render_template("review/split_confirm.html", comment=comment, group=comment.duplicate_group, back=back)


@bp.route("/comments/<int:comment_id>/split", methods=["POST"])
@require(can_decide)
def split(comment_id: int):
    """Take the comment out of its near-duplicate group (confirmed on the page before)."""
    comment = _comment_for(can_decide, comment_id)
    return perform(lambda: services.split_from_group(comment, actor=current_user), success=_("已移出重复组。"),
                   redirect_to=_back(comment, url_for("review.duplicates", draft_id=comment.draft_id)))


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

    return perform(call, form=form, success=_counted(_("已处理 {n} 条意见。")),
                   redirect_to=_back(default=url_for("review.draft", draft_id=draft.id)))


@bp.route("/moderation/bulk", methods=["POST"])
@require(can_moderate)
def moderation_bulk():
    """Publish or refuse (with one reason) every selected pending comment, all or none."""
    comments = queries.pending_comments(request.form.getlist("comment_ids"))
    action = request.form.get("action")
    form = RejectForm() if action == "reject" else None

    def call():
        if action not in ("publish", "reject"):
            raise ReviewError(_("未知的批量操作：%(a)s。", a=action or ""), "action")
        reason = form.reason.data if form is not None else None
        return services.bulk_apply(comments, action, actor=current_user, reason=reason)

    return perform(call, form=form, success=_counted(_("已处理 {n} 条意见。")),
                   redirect_to=_back(default=url_for("review.moderation")))


@bp.route("/drafts/<int:draft_id>/duplicates/refresh", methods=["POST"])
@require(can_decide)
def duplicates_refresh(draft_id: int):
    """Start near-duplicate detection over a draft in the background (confirmed groups are kept)."""
    draft = load_draft(draft_id)

    def started(run) -> str:
        """After the commit: launch the run, give it a moment, and say where it stands."""
        duplicate_jobs.launch(current_app._get_current_object(), run.id)
        duplicate_jobs.settle(run.id)
        db.session.refresh(run)
        if run.status == "done":
            return _("检测完成。")
        return _("已开始检测重复意见，完成后本页显示结果。")

    return perform(lambda: duplicate_jobs.request_detection(draft, actor=current_user), success=started,
                   redirect_to=url_for("review.duplicates", draft_id=draft.id),
                   failure_redirect=url_for("review.duplicates", draft_id=draft.id))


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
    back = _back(default=url_for("review.duplicates", draft_id=group.draft_id) + f"#g-{group.id}")
    return perform(lambda: services.confirm_group(group, actor=current_user), success=_("已确认该组为重复意见。"),
                   redirect_to=back)


@bp.route("/groups/<int:group_id>/decision", methods=["POST"])
@require(can_decide)
def group_decide(group_id: int):
    """Decide once for every comment of a confirmed group; a refusal shows again beside the group's reason."""
    group = _group_or_404(group_id)
    draft = load_draft(group.draft_id)
    form = DecisionForm().for_target(f"g{group.id}")
    back = _back(default=url_for("review.duplicates", draft_id=group.draft_id) + f"#g-{group.id}")
    return perform(lambda: services.decide_group(group, form.decision.data, form.reason.data, actor=current_user),
                   form=form, success=_counted(_("已对 {n} 条意见统一作出处理。")), redirect_to=back,
                   rerender=lambda: render_duplicates(draft, request.form.get("page", 1, type=int),
                                                      {"group": group.id, "form": form}))
