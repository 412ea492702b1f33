"""Search fixtures: comments created through the comments and review services."""
from __future__ import annotations

import pytest


@pytest.fixture
def staff(make_user):
    """A staff user (法工委)."""
    return make_user("staff")


@pytest.fixture
def point(make_contact_point):
    """A contact point in 测试区."""
    return make_contact_point()


@pytest.fixture
def add_comment(db, staff, point):
    """Record a comment through the comments service and commit (the hook indexes it synchronously)."""
    from consult.comments.services import enter_comment, submit_online_comment
    from consult.review.services import publish_comment

    def factory(draft, body, anchor="第三条", *, channel="meeting", online=False, published=False,
                commit=True, **kwargs):
        if online or published:
            comment = submit_online_comment(draft, anchor=anchor, body=body, **kwargs)
            if published:
                publish_comment(comment, actor=staff)
        else:
            comment = enter_comment(draft, contact_point=point, anchor=anchor, body=body, channel=channel,
                                    actor=staff, **kwargs)
        if commit:
            db.session.commit()
        return comment

    return factory


SEARCH_BACKENDS = ("whoosh", "postgres")


@pytest.fixture(params=SEARCH_BACKENDS)
def search_backend(request):
    """Every search test runs on both backends; the PostgreSQL one needs TEST_DATABASE_URL=postgresql://…"""
    import os

    marker = request.node.get_closest_marker("whoosh_only")
    if request.param == "postgres":
        if marker is not None:
            pytest.skip(f"Whoosh-specific: {marker.args[0] if marker.args else 'index files on disk'}")
        if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"):
            pytest.skip("the PostgreSQL search backend runs when TEST_DATABASE_URL is PostgreSQL (CI's second run)")
    return request.param


@pytest.fixture
def app_config(app_config, search_backend):
    """The base configuration with the backend under test."""
    return {**app_config, "SEARCH_BACKEND": search_backend}
