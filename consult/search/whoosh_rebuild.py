"""Forked rebuild workers for the Whoosh backend: each writes the documents of one partition as segments."""
from __future__ import annotations

import multiprocessing
import queue
import traceback

from whoosh import index as whoosh_index

from consult.search.whoosh_internals import finalize_segment, unlocked_segment_writer

SEGMENT_DOCS = 12_500  # documents per segment written by a worker (Whoosh's pool sorts superlinearly)


def _segment_worker(path: str, make_docs, messages) -> None:
    """Forked worker: write the documents of one partition into segments of the new generation."""
    try:
        ix = whoosh_index.open_dir(path)
        segments, count, writer, in_segment = [], 0, None, 0
        for doc in make_docs():
            if writer is None:
                writer = unlocked_segment_writer(ix)
            writer.add_document(**doc)
            count += 1
            in_segment += 1
            if count % 1000 == 0:
                messages.put(("progress", 1000))
            if in_segment >= SEGMENT_DOCS:
                segments.append(finalize_segment(writer))
                writer, in_segment = None, 0
        if writer is not None:
            segments.append(finalize_segment(writer))
        messages.put(("progress", count % 1000))
        messages.put(("done", segments, count))
    except BaseException:  # noqa: BLE001 - report to the parent, which cancels the rebuild
        messages.put(("error", traceback.format_exc()))


def start_segment_workers(path: str, partitions):
    """Fork one worker per partition; returns (processes, message queue)."""
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    processes = [context.Process(target=_segment_worker, args=(path, part, messages), daemon=True)
                 for part in partitions]
    for process in processes:
        process.start()
    return processes, messages


def join_segment_workers(processes, messages, progress=None):
    """Collect (segments, document count) from the workers; RuntimeError if one failed or died."""
    segments, count, done = [], 0, 0
    while done < len(processes):
        try:
            message = messages.get(timeout=1.0)
        except queue.Empty:
            if any(not p.is_alive() and p.exitcode not in (0, None) for p in processes):
                raise RuntimeError("a search rebuild worker died") from None
            continue
        if message[0] == "progress":
            if progress is not None and message[1]:
                progress(message[1])
        elif message[0] == "done":
            done += 1
            count += message[2]
            segments.extend(message[1])
        else:
            raise RuntimeError("a search rebuild worker failed:\n" + message[1])
    for process in processes:
        process.join()
    return segments, count


def kill_segment_workers(processes) -> None:
    """Stop every worker of a cancelled rebuild."""
    for process in processes:
        process.kill()


def write_generation(path: str, docs, procs: int = 1, progress=None, partitions=None) -> int:
    """Write every document into the (new, empty) generation at `path`; returns the document count."""
    ix = whoosh_index.open_dir(path)
    workers = start_segment_workers(path, partitions) if partitions else None
    if procs > 1 and not partitions:
        writer = ix.writer(procs=procs, multisegment=True, limitmb=256, batchsize=500)
    else:
        writer = ix.writer(limitmb=256)
    count, segments = 0, []
    try:
        for doc in docs:
            writer.add_document(**doc)
            count += 1
            if progress is not None:
                progress(1)
        if workers is not None:
            segments, written = join_segment_workers(*workers, progress=progress)
            count += written
    except BaseException:
        writer.cancel()
        if workers is not None:
            kill_segment_workers(workers[0])
        raise
    if segments:
        writer.commit(mergetype=lambda _writer, existing: [*existing, *segments])
    else:
        writer.commit()
    return count
