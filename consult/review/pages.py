"""The workbench blueprint and what its GET pages and POST actions share: loading the draft or comment
(404), and rendering the article and duplicates pages — also when a refused form is shown again in place
(status 422, the message beside its field)."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, abort, render_template, request, url_for

from consult.comments.models import Comment
from consult.drafts.models import Draft
from consult.drafts.queries import find_article
from consult.extensions import db
from consult.review import queries
from consult.review.carried import (
    DELETED_ANCHOR, carried_into, carried_statuses, deleted_article_ids, workbench_place)
from consult.comments import duplicate_jobs
from consult.comments.duplicates import last_detection
from consult.review.forms import decision_form, duplicate_of_form
from consult.review.highlight import diff_html
from consult.review.structure import anchor_fragment, anchor_label, article_structure

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.context_processor
def _anchor_helpers():
    return {"anchor_label": anchor_label, "anchor_fragment": anchor_fragment}


def load_draft(draft_id: int) -> Draft:
    """The draft with a current version, or 404."""
    draft = db.session.get(Draft, draft_id)
    if draft is None or draft.current_version is None:
        abort(404)
    return draft


def comment_or_404(comment_id: int) -> Comment:
    """The comment, or 404."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    return comment


def render_article(draft: Draft, key: str, selection, page: int, failed: dict | None = None) -> str:
    """The article workbench page; `failed` = {"comment": id, "form": the refused form, "kind": …}."""
    version = draft.current_version
    art = None
    statuses = carried_statuses(draft)  # earlier readings' comments show on the article they became
    if key not in (*queries.NON_ARTICLE_ANCHORS, DELETED_ANCHOR):
        art = find_article(version, key)
        if art is None:
            abort(404)
    carried = (carried_into(draft, art, statuses) if art is not None else
               deleted_article_ids(draft, statuses) if key == DELETED_ANCHOR else [])
    comments, total, page = queries.anchor_page(draft, article=art, anchor_kind=None if art else key,
                                                selection=selection, page=page, carried=carried)
    failed = failed or {}
    forms = {c.id: {"decision": decision_form(str(c.id), c), "duplicate": duplicate_of_form(str(c.id))}
             for c in comments}
    if failed.get("comment") in forms:
        forms[failed["comment"]][failed["kind"]] = failed["form"]
    articles = version.articles
    position = articles.index(art) if art is not None else -1
    return render_template(
        "review/article.html", draft=draft, version=version, article=art, key=key, comments=comments,
        total=total, page=page, pages=max(1, -(-total // queries.PAGE_SIZE)), forms=forms,
        open_comment=failed.get("comment"),
        structure=article_structure(art, queries.paragraph_counts(draft, art, selection)) if art else [],
        previous=articles[position - 1] if position > 0 else None,
        following=articles[position + 1] if 0 <= position < len(articles) - 1 else None,
        selection=selection, args=queries.filter_args(selection), staff=queries.staff_users(),
        tags=queries.draft_tags(draft), carried=statuses,
        here=url_for("review.article", draft_id=draft.id, key=key, page=page, **queries.filter_args(selection)))


def render_article_for(comment: Comment, form, kind: str) -> str:
    """The article page the refused form came from, on the page showing `comment`, the form in error."""
    draft = comment.draft
    article, anchor_kind, _carried = workbench_place(comment)
    key = article.address if article is not None else anchor_kind
    selection = queries.workbench_selection(_args_of(request.form.get("next")), draft)
    page = queries.page_of(comment, selection)
    if page is None:  # the filters in use hide the comment now: show it unfiltered
        selection = queries.workbench_selection({}, draft)
        page = queries.page_of(comment, selection) or 1
    return render_article(draft, key, selection, page, {"comment": comment.id, "form": form, "kind": kind})


def _args_of(url: str | None) -> dict:
    return dict(parse_qsl(urlsplit(url or "").query)) if url else {}


def render_duplicates(draft: Draft, page: int, failed: dict | None = None) -> str:
    """The duplicates page; `failed` = {"group": id, "form": the refused decision form}."""
    groups, total, page = queries.group_page(draft, page)
    failed = failed or {}
    forms = {g.id: decision_form(f"g{g.id}") for g, *_rest in groups}
    if failed.get("group") in forms:
        forms[failed["group"]] = failed["form"]
    run = duplicate_jobs.latest_run(draft)
    state, error = duplicate_jobs.state_of(run)
    return render_template("review/duplicates.html", draft=draft, groups=groups, total=total, page=page,
                           pages=max(1, -(-total // queries.GROUPS_PER_PAGE)), forms=forms,
                           counts=queries.group_counts(draft), detection=last_detection(draft),
                           run=run, state=state, error=error, diff_html=diff_html, shown=queries.MEMBERS_SHOWN)
