"""`consult review duplicates`."""
import json

from consult.comments.services import submit_online_comment


def test_duplicates_command_groups_copies(runner, db, make_draft):
    draft = make_draft()
    text = "建议民宿登记手续简化，实行一窗受理，减少群众跑腿次数，方便经营者。"
    for body in (text, text, text.replace("跑腿", "跑路"), "景区门票价格应当公开透明。"):
        submit_online_comment(draft, anchor="4", body=body)
    db.session.commit()
    result = runner.invoke(args=["review", "duplicates", str(draft.id), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["groups"] == 1 and data["comments"] == 3


def test_duplicates_command_unknown_draft(runner, db):
    result = runner.invoke(args=["review", "duplicates", "999"])
    assert result.exit_code != 0 and "999" in result.output
