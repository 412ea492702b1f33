"""Keeping the index fresh after each commit (filled in by the search feature)."""


def init_app(app) -> None:
    """Install the after-commit indexing hook for this app."""
