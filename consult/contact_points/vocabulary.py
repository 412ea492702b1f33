"""The words of a contact point's kind (站点类型) and of a meeting's kind (会议形式): their one home.

No models, no database: the export builders read these too.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.vocabulary import Term, Vocabulary

CONTACT_POINT_KIND = Vocabulary("contact_point_kind", [
    Term("legislative_contact_point", _l("基层立法联系点"), "基层立法联系点", 0, ("联系点",)),
    Term("deputy_station", _l("人大代表联络站"), "人大代表联络站", 1, ("联络站", "代表联络站")),
])
CONTACT_POINT_KINDS = CONTACT_POINT_KIND.codes

# How residents' comments were gathered at a contact point.
MEETING_KIND = Vocabulary("meeting_kind", [
    Term("symposium", _l("座谈会"), "座谈会", 0),
    Term("residents_meeting", _l("民情沟通会"), "民情沟通会", 1),
    Term("discussion", _l("恳谈会"), "恳谈会", 2),
    Term("visit", _l("走访"), "走访", 3),
    Term("online", _l("线上"), "线上", 4, ("网上",)),
    Term("other", _l("其他"), "其他", 5),
])
MEETING_KINDS = MEETING_KIND.codes
