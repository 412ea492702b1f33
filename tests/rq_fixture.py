"""The RQ job queue for tests: a Redis database of its own per test module, emptied before and after."""
from __future__ import annotations

from contextlib import contextmanager


def redis_ok(url: str) -> bool:
    """True when Redis answers at `url` (tests needing the queue are skipped otherwise)."""
    try:
        from redis import Redis

        return bool(Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


@contextmanager
def rq_mode(app, url: str, **config):
    """The app switched to JOB_QUEUE=rq on the empty Redis database `url` (plus `config`)."""
    from redis import Redis

    Redis.from_url(url).flushdb()
    app.config.update(JOB_QUEUE="rq", JOB_QUEUE_URL=url, **config)
    try:
        yield app
    finally:
        Redis.from_url(url).flushdb()
