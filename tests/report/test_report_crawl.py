"""Once released, every public page of the report is reachable by links from `/` for anyone, and none
answers an error (the permission matrix sees the report before release, when only staff preview it)."""
from __future__ import annotations

import pytest

from tests.core.test_crawl import crawl

PUBLIC_REPORT_PAGES = {"report.show", "report.participation", "report.chart", "report.open_data_csv",
                       "report.open_data_json", "report.dictionary", "report.schema"}


@pytest.mark.parametrize("role", ["anonymous", "citizen"])
def test_released_report_is_reachable_by_links(app, client, auth, make_user, released, role):
    if role != "anonymous":
        auth.login(make_user(role))
    reached, problems = crawl(app, client)
    assert not problems, "\n".join(problems)
    assert PUBLIC_REPORT_PAGES <= set(reached), sorted(PUBLIC_REPORT_PAGES - set(reached))
    assert "report.release_confirm" not in reached


def test_staff_reach_the_release_page_and_the_summary_form(app, client, auth, staff, closed):
    auth.login(staff)
    reached, problems = crawl(app, client)
    assert not problems, "\n".join(problems)
    assert {"report.release_confirm", "report.show", "report.participation"} <= set(reached)
