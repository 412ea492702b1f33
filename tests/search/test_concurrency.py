"""Several processes submitting at once (file SQLite, one shared index) lose nothing."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from consult import create_app
from consult.extensions import db

ROOT = Path(__file__).resolve().parents[2]
WORKER = textwrap.dedent('''
    import os, sys
    from consult import create_app
    from consult.extensions import db
    from consult.accounts.models import User
    from consult.contact_points.models import ContactPoint
    from consult.comments.services import enter_comment
    from consult.drafts.models import Draft

    uri, index_dir, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SEARCH_INDEX_DIR": index_dir, "SEARCH_INDEXING": "inline",
                      "RATELIMIT_ENABLED": False, "SECRET_KEY": "x"})
    with app.app_context():
        draft = db.session.query(Draft).one()
        point = db.session.query(ContactPoint).one()
        staff = db.session.query(User).filter_by(role="staff").one()
        for i in range(count):
            enter_comment(draft, contact_point=point, anchor=str(1 + i % 5), body=f"并发提交{worker}号第{i}条意见",
                          actor=staff)
            db.session.commit()   # wakes this process's background indexer; several indexers share the index
    if worker == 0:
        os._exit(0)  # a worker killed without a clean shutdown: its queued rows must survive
''')


def test_concurrent_processes_lose_nothing(tmp_path):
    from datetime import timedelta

    from consult.accounts.services import create_user
    from consult.contact_points.imports import import_contact_points
    from consult.comments.models import Comment
    from consult.database import utcnow
    from consult.drafts.services import import_draft, publish_draft
    from consult.search.queries import search_comments
    from consult.search.services import sync_pending, verify

    uri = f"sqlite:///{tmp_path / 'consult.db'}"
    index_dir = str(tmp_path / "index")
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SEARCH_INDEX_DIR": index_dir, "TESTING": True,
                      "SEARCH_INDEXING": "inline", "RATELIMIT_ENABLED": False, "SECRET_KEY": "x"})
    workers, per_worker = 4, 25
    with app.app_context():
        db.create_all()
        version = import_draft((ROOT / "drafts" / "tourism_promotion_draft.txt").read_bytes(), "draft.txt")
        now = utcnow()
        publish_draft(version.draft, now - timedelta(days=1), now + timedelta(days=30))
        import_contact_points("code,name,district\nQJ-C-01,并发测试联系点,测试区\n")
        create_user("staffc", "password123", "staff")
        db.session.commit()
        db.engine.dispose()
        script = tmp_path / "worker.py"
        script.write_text(WORKER, encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        procs = [subprocess.Popen([sys.executable, str(script), uri, index_dir, str(w), str(per_worker)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for w in range(workers)]
        for proc in procs:
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err.decode("utf-8", "replace")[-2000:]
        assert db.session.query(Comment).count() == workers * per_worker
        sync_pending()
        report = verify()
        assert report["ok"], {k: report[k][:5] for k in ("missing", "stale", "orphaned")}
        results = search_comments("并发提交", draft_id=version.draft_id, per_group=0)
        assert results.total == workers * per_worker
        assert sum(g.count for g in results.groups) == workers * per_worker
        db.session.remove()
        db.engine.dispose()
