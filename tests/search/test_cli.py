"""`consult search …`: the JSON contract, sync, verify exit codes, rebuild."""
from __future__ import annotations

import json

from consult.search.services import current_backend


def test_comments_json_contract(runner, db, make_draft, add_comment):
    draft = make_draft()
    a = add_comment(draft, "民宿要登记。", anchor="第四条")
    g = add_comment(draft, "民宿总体意见。", anchor="总体")
    n = add_comment(draft, "建议增加民宿条款。", anchor="新增")
    t = add_comment(draft, "名称加民宿。", anchor="名称")
    s = add_comment(draft, "民宿和游客。", anchor="第三条")
    result = runner.invoke(args=["search", "comments", "民宿", "--draft", str(draft.id), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"total", "groups"} and data["total"] == 5
    assert [g_["anchor"] for g_ in data["groups"]] == ["总体意见", "名称", "第三条", "第四条", "新增条款"]
    assert all(set(g_) == {"anchor", "article_id", "count", "comment_ids"} for g_ in data["groups"])
    assert [g_["comment_ids"] for g_ in data["groups"]] == [[g.id], [t.id], [s.id], [a.id], [n.id]]
    assert data["groups"][0]["article_id"] is None and data["groups"][3]["article_id"] == a.article_id
    filtered = runner.invoke(args=["search", "comments", "民宿", "--draft", str(draft.id), "--article-id",
                                   str(a.article_id), "--json"])
    assert json.loads(filtered.output)["total"] == 1


def test_comments_malformed_query_exits_with_message(runner, db):
    result = runner.invoke(args=["search", "comments", "(民宿", "--json"])
    assert result.exit_code != 0 and "括号" in result.output


def test_sync_verify_rebuild(app, runner, db, make_draft, add_comment):
    draft = make_draft()
    app.config["SEARCH_INDEXING"] = "external"
    add_comment(draft, "索道票价太高。")
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 1 and "missing 1" in result.output
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    current_backend().delete(["draft:%d" % draft.id])
    assert runner.invoke(args=["search", "verify"]).exit_code == 1
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_worker_once_drains_the_outbox(app, runner, db, make_draft, add_comment):
    draft = make_draft()
    app.config["SEARCH_INDEXING"] = "external"
    add_comment(draft, "索道票价太高。")
    result = runner.invoke(args=["search", "worker", "--once"])
    assert result.exit_code == 0 and "indexed" in result.output
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_comments_for_an_unknown_draft_fails_in_one_line(runner, db):
    result = runner.invoke(args=["search", "comments", "民宿", "--draft", "999"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == ["Error: no draft with id 999"]


def test_comments_bad_filter_fails_in_one_line(runner, db, make_draft):
    draft = make_draft()
    result = runner.invoke(args=["search", "comments", "民宿", "--draft", str(draft.id), "--channel", "飞鸽"])
    assert result.exit_code != 0 and "飞鸽" in result.output and "Traceback" not in result.output


def test_comments_accept_vocabulary_words(runner, db, make_draft, add_comment):
    draft = make_draft()
    letter = add_comment(draft, "民宿来信。", channel="letter")
    add_comment(draft, "民宿座谈。")
    result = runner.invoke(args=["search", "comments", "民宿 渠道:来信", "--draft", str(draft.id), "--json"])
    assert json.loads(result.output)["groups"][0]["comment_ids"] == [letter.id]
    result = runner.invoke(args=["search", "comments", "民宿", "--draft", str(draft.id), "--channel", "来信",
                                 "--json"])
    assert json.loads(result.output)["total"] == 1
