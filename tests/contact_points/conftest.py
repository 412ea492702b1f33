"""Fixtures: a facilitator bound to a point, an open draft, a meeting (shared with the intake tests)."""
from tests.point_fixtures import *  # noqa: F401,F403
