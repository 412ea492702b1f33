"""Import every model so that metadata, Alembic and tests see the whole schema."""
from consult.accounts.models import ROLES, DraftFollow, User, user_contact_points  # noqa: F401
from consult.api.models import ApiToken  # noqa: F401
from consult.audit.models import AuditEvent  # noqa: F401
from consult.comments.models import (  # noqa: F401
    Comment, CommentImport, DuplicateDetection, DuplicateGroup, Tag, comment_tags)
from consult.contact_points.models import ContactPoint, Meeting  # noqa: F401
from consult.drafts.models import Article, ArticleLink, Division, Draft, DraftVersion  # noqa: F401
from consult.exports.models import ExportFile, ExportJob  # noqa: F401
from consult.notifications.models import MailOptOut, Notification, NotificationBatch  # noqa: F401
from consult.outbox import SearchOutbox  # noqa: F401
from consult.outreach.models import ShortLink  # noqa: F401
from consult.report.models import ArticleSummary, ReleasedDecision, ReportRelease  # noqa: F401
from consult.themes.models import ArticlePoints, KeyTerm, Theme, ThemeMember, ThemeRun  # noqa: F401
from consult.search.models import SearchDocument  # noqa: F401
