"""The workbench's refusal: a user-facing reason why a review action changed nothing."""
from consult.errors import UserError


class ReviewError(UserError):
    """A user-facing reason why a review action was refused; nothing was changed."""
