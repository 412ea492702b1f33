"""Receipt look-up: rate-limited per address (only look-ups with a code count), exact-code answers only."""
import pytest

from consult.comments.queries import comment_by_receipt
from consult.comments.rules import RECEIPT_ALPHABET
from consult.comments.services import submit_online_comment


@pytest.fixture
def app_config(tmp_path):
    return {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports"),
            "RATELIMIT_ENABLED": True, "RECEIPT_RATE_LIMIT": "3 per minute",
            "LOGIN_FAILURES_PER_ADDRESS": "100 per minute"}


def _wrong(code: str) -> str:
    last = code[-1]
    return code[:-1] + next(c for c in RECEIPT_ALPHABET if c != last)


def test_lookup_finds_only_the_exact_code(db, make_draft):
    comment = submit_online_comment(make_draft(), anchor="4", body="民宿登记手续要简化。", consent_personal_info=True)
    db.session.commit()
    code = comment.receipt_code
    assert comment_by_receipt(code.lower().replace("-", " ")) is comment
    assert comment_by_receipt(_wrong(code)) is None
    assert comment_by_receipt(code[:-1]) is None


def test_guessing_receipt_codes_is_throttled(client, db, make_draft):
    comment = submit_online_comment(make_draft(), anchor="4", body="民宿登记手续要简化。", consent_personal_info=True)
    db.session.commit()
    for _ in range(5):
        assert client.get("/comments/receipt").status_code == 200  # the empty form is not a guess
    for _ in range(3):
        assert client.get(f"/comments/receipt?code={_wrong(comment.receipt_code)}").status_code == 404
    assert client.get(f"/comments/receipt?code={comment.receipt_code}").status_code == 429
    assert client.get(f"/comments/submitted?code={comment.receipt_code}").status_code == 429  # one budget
    other = client.get(f"/comments/receipt?code={comment.receipt_code}", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 200
