"""What a token may do. Public reads (drafts, versions, articles, published comments, receipts) need no scope."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

SUBMIT = "comments:submit"
STAFF_COMMENTS = "staff:comments"
STAFF_DECISIONS = "staff:decisions"

SCOPES = {
    SUBMIT: _l("提交意见"),
    STAFF_COMMENTS: _l("工作人员：查看并筛选全部意见"),
    STAFF_DECISIONS: _l("工作人员：查看采纳情况"),
}
