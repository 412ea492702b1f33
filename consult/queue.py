"""Where background work runs: a thread of the web process (default), or an RQ queue on Redis.

`JOB_QUEUE=thread` (the embedded default): the web worker that took the request builds the job in a
daemon thread, as before. `JOB_QUEUE=rq` with `JOB_QUEUE_URL=redis://…`: the request only enqueues the
job's id on Redis (RQ, a well-kept queue library) and any `consult worker` process on any machine builds
it, so a job survives the web worker that created it.

A job's own row in the database (e.g. `ExportJob`) stays the truth for the pages: the worker writes a
heartbeat on it while it builds (`heartbeat`), and every worker, when it starts and then every
`JOB_STALL_SECONDS / 2`, re-queues a running job whose heartbeat stopped (its worker was killed) once, and
fails it the second time (`consult.exports.jobs.recover_stalled`): a job ends done or failed, never stuck
"running".
"""
from __future__ import annotations

import importlib
import logging
import threading
from contextlib import contextmanager

from flask import current_app

log = logging.getLogger(__name__)
QUEUE_NAME = "consult"
KINDS = ("thread", "rq")
DEFAULT_STALL_SECONDS = 60
_worker_app = None  # the app of this `consult worker` process (RQ calls `run` without one)
_threads: dict[tuple[str, int], threading.Thread] = {}  # JOB_QUEUE=thread: (target, job id) → its thread
_threads_lock = threading.Lock()


def mode(config=None) -> str:
    """"thread" or "rq" (ValueError for anything else)."""
    value = ((config or current_app.config).get("JOB_QUEUE") or "thread").strip().lower()
    if value not in KINDS:
        raise ValueError(f"unknown JOB_QUEUE {value!r} (known: {', '.join(KINDS)})")
    return value


def stall_seconds(config=None) -> int:
    """Seconds without a heartbeat after which a running job's worker is taken for dead."""
    return max(2, int((config or current_app.config).get("JOB_STALL_SECONDS") or DEFAULT_STALL_SECONDS))


def redis_connection(config=None):
    """A Redis client for JOB_QUEUE_URL."""
    from redis import Redis

    return Redis.from_url((config or current_app.config).get("JOB_QUEUE_URL") or "redis://127.0.0.1:6379/0")


def rq_queue(config=None):
    """The RQ queue every app server enqueues on and every worker listens to."""
    from rq import Queue

    return Queue(QUEUE_NAME, connection=redis_connection(config))


def enqueue(target: str, *args, timeout: int = 3600) -> None:
    """Run `target` ("package.module:function") with `args` on a worker (JOB_QUEUE=rq)."""
    rq_queue().enqueue(run, target, *args, job_timeout=timeout, result_ttl=600, failure_ttl=86_400)


def _resolve(target: str):
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def start(app, target: str, job_id: int) -> threading.Thread | None:
    """Build job `job_id` with `target` ("package.module:function", called with the id): on the queue
    (JOB_QUEUE=rq; returns None), else in a daemon thread of this process with its own app context."""
    if mode(app.config) == "rq":
        with app.app_context():
            enqueue(target, job_id)
        return None
    function = _resolve(target)

    def body():
        with app.app_context():
            from consult.extensions import db

            try:
                function(job_id)
            finally:
                db.session.remove()
                with _threads_lock:
                    _threads.pop((target, job_id), None)

    thread = threading.Thread(target=body, name=f"job-{target.rpartition(':')[2]}-{job_id}", daemon=True)
    with _threads_lock:
        _threads[(target, job_id)] = thread
    thread.start()
    return thread


def thread_alive(target: str, job_id: int) -> bool:
    """True while this process's thread for the job runs (JOB_QUEUE=thread)."""
    with _threads_lock:
        thread = _threads.get((target, job_id))
    return thread is not None and thread.is_alive()


def abandoned(target: str, job_id: int, status: str, created_at, after, now=None) -> bool:
    """A job row still queued/running `after` its creation with no live thread of this process: its
    worker died (a thread's process exited, or no `consult worker` took it from the queue)."""
    from consult.database import utcnow

    if status not in ("queued", "running"):
        return False
    if mode() != "rq" and thread_alive(target, job_id):
        return False
    return (now or utcnow()) - created_at >= after


def run_row(model, row_id: int, compute, failure_message: str):
    """Run the job of a queued row (a ThemeRun, a DuplicateRun): mark it running, `compute(row)`, then done
    (unless compute set the status itself) or failed with a one-line reason the page shows; commits.

    Whatever goes wrong, the row ends in a state its page can show: a UserError's own message, else
    `failure_message` (the exception is logged, never shown).
    """
    from consult.database import utcnow
    from consult.errors import UserError
    from consult.extensions import db

    row = db.session.get(model, row_id)
    if row is None or row.status != "queued":
        return row
    row.status = "running"
    db.session.commit()
    try:
        compute(row)
        if row.status == "running":
            row.status, row.finished_at = "done", utcnow()
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 - see the docstring
        db.session.rollback()
        if isinstance(exc, UserError):
            message = exc.message
        else:
            current_app.logger.exception("%s %s failed", model.__tablename__, row_id)
            message = failure_message
        row = db.session.get(model, row_id)
        row.status, row.error, row.finished_at = "failed", message[:500], utcnow()
        db.session.commit()
    return row


def wait_for(target: str, job_id: int, timeout: float = 60.0) -> bool:
    """Wait for this process's thread of the job; True when it has finished (or none was started)."""
    with _threads_lock:
        thread = _threads.get((target, job_id))
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()


def wait_all(prefix: str = "", timeout: float = 60.0) -> bool:
    """Wait for every job thread of this process whose target starts with `prefix` (tests, shutdown)."""
    with _threads_lock:
        threads = [t for (target, _), t in _threads.items() if target.startswith(prefix)]
    for thread in threads:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in threads)


def run(target: str, *args):
    """What an RQ worker executes: `target(*args)` inside this worker's app context."""
    function = _resolve(target)
    if _worker_app is None:  # pragma: no cover - only a worker started outside `consult worker`
        from consult import create_app

        app = create_app(command_line=True)
    else:
        app = _worker_app
    with app.app_context():
        from consult.extensions import db

        try:
            return function(*args)
        finally:
            db.session.remove()


@contextmanager
def heartbeat(write, every: float):
    """Call `write()` every `every` seconds in a thread while the block runs (a building job's pulse)."""
    stop = threading.Event()

    def beat():
        while not stop.wait(every):
            try:
                write()
            except Exception:  # noqa: BLE001 - a missed beat is logged; the next one retries
                log.exception("job heartbeat failed")

    thread = threading.Thread(target=beat, name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)


def work(app, *, burst: bool = False, recover=None) -> None:
    """Run an RQ worker in this process (`consult worker`): recover stalled jobs, then take jobs."""
    global _worker_app
    from rq import SimpleWorker

    _worker_app = app
    stop = threading.Event()

    def recover_loop():
        while True:
            if recover is not None:
                with app.app_context():
                    try:
                        recover()
                    except Exception:  # noqa: BLE001 - logged; retried on the next round
                        log.exception("recovering stalled jobs failed")
            if stop.wait(stall_seconds(app.config) / 2):
                return

    with app.app_context():
        queue = rq_queue(app.config)
    recoverer = threading.Thread(target=recover_loop, name="job-recovery", daemon=True)
    recoverer.start()
    try:
        # SimpleWorker runs each job in this process (no fork per job): the app, its pools and the
        # Chinese analysis stay loaded; run several `consult worker` processes for parallel jobs.
        SimpleWorker([queue], connection=queue.connection).work(burst=burst, with_scheduler=False)
    finally:
        stop.set()
