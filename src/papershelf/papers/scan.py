"""Every PDF's identity, read once per blob and kept in ``<git-dir>/papershelf/``.

A blob id names its content exactly, so what a PDF said about itself stays
true: a warm run reads the cache and no PDF. New blobs are read by worker
processes, one per core, each file bounded by a size cap (larger files are
skipped), a time cap (a worker stuck on a file is killed and replaced) and a
memory cap; all of one run's reading by a time budget (:class:`Budget`): a
cold run in CI must not cost 5 s for each of twenty hostile files. What the
budget left unread is matched by name only, kept out of the cache, and read by
a later run. A file read from the work tree is hashed first: when it no longer
holds the staged blob, the blob is read from git instead.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

from papershelf.papers.reading import Identity

CACHE_VERSION = 1
SIZE_CAP = 64 * 1024 * 1024  # bytes: larger PDFs are books or scans, skipped with a note
TIME_CAP = 5.0  # seconds for one PDF
BUDGET = 30.0  # seconds for all the PDFs of one run
BUDGET_VARIABLE = "PAPERSHELF_PDF_BUDGET"  # overrides BUDGET (seconds; 0 reads none)
# The note of a PDF the run's budget left unread (not cached: a later run reads it).
NOT_READ = "not read: this run's time for reading PDFs was spent"
MEMORY_CAP = 1024 * 1024 * 1024  # bytes of address space for a worker
Progress = Callable[[int, int], None]


class Budget:
    """The time one run may spend reading PDFs, shared by all its plan files."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.spent = 0.0

    @classmethod
    def from_environment(cls) -> Budget:
        """``$PAPERSHELF_PDF_BUDGET`` seconds when it is a number (CI may want more), else
        :data:`BUDGET`."""
        try:
            seconds = float(os.environ.get(BUDGET_VARIABLE, ""))
        except ValueError:
            return cls(BUDGET)
        return cls(seconds if seconds == seconds and seconds >= 0 else BUDGET)

    def left(self) -> float:
        return self.seconds - self.spent

    def note(self, count: int) -> str:
        """What a run that left ``count`` PDFs unread says, once."""
        return (
            f"{count} PDF{'s' if count != 1 else ''} not read: this run's {self.seconds:g} s "
            f"for reading PDFs was spent, so {'they were' if count != 1 else 'it was'} matched "
            f"by name only (a later run reads on; ${BUDGET_VARIABLE} sets the seconds)"
        )


def _blob_id(data: bytes, width: int) -> str:
    digest = hashlib.sha256() if width == 64 else hashlib.sha1()
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def _read_blob(root: str, path: str, sha: str) -> bytes | str:
    """The blob's bytes (work tree first, git when the file changed), or a note why not.
    A work-tree file that is not a regular file inside the repository (a FIFO would block,
    a link out would be read) is passed over: git holds the staged blob."""
    from papershelf.repo import repopaths

    base = Path(root)
    try:
        inside = repopaths.confined(base, base / path, path)
        data = repopaths.read_bytes(inside, SIZE_CAP + 1, path, whole=False)
    except (OSError, repopaths.Refused):
        data = b""
    if len(data) > SIZE_CAP:
        return f"larger than {SIZE_CAP // (1024 * 1024)} MB: not read"
    if data and _blob_id(data, len(sha)) == sha:
        return data
    from papershelf.repo import gitfiles

    data = gitfiles.blob_head(Path(root), sha, SIZE_CAP + 1)
    if len(data) > SIZE_CAP:
        return f"larger than {SIZE_CAP // (1024 * 1024)} MB: not read"
    return data


def identify(root: str, path: str, sha: str) -> Identity:
    from papershelf.papers import reading

    data = _read_blob(root, path, sha)
    if isinstance(data, str):
        return Identity.unreadable(data)
    return reading.read(data)


# --- the worker side: a process reading one framed request at a time ---------------------


def _send(stream: IO[bytes], value: Any) -> None:
    body = marshal.dumps(value)
    stream.write(len(body).to_bytes(4, "big") + body)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(4)
    if len(head) < 4:
        raise EOFError
    return marshal.loads(stream.read(int.from_bytes(head, "big")))


def worker() -> None:
    """``python -m papershelf.papers.scan``: identify the batches of files the parent sends,
    one reply per batch."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    except (ImportError, ValueError, OSError):
        pass
    import warnings

    warnings.simplefilter("ignore")
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a library printing must not corrupt the replies
    while True:
        try:
            root, batch = _receive(requests)
        except EOFError:
            return
        found = []
        for path, sha in batch:
            try:
                found.append(tuple(identify(root, path, sha)))
            except MemoryError:
                found.append(tuple(Identity.unreadable("needs more memory than the cap allows")))
            except Exception as error:  # a hostile file may make the library raise anything
                found.append(tuple(Identity.unreadable(f"damaged: {type(error).__name__}")))
        _send(replies, found)


# --- the parent side ------------------------------------------------------------------------

# Small files go to a worker together (up to this many, or this many bytes), so that
# 25,000 tiny files do not cost 25,000 round trips; a batch that fails or overruns
# the time cap is retried one file at a time, each with the cap to itself.
BATCH_FILES = 32
BATCH_BYTES = 1024 * 1024


class _Worker:
    def __init__(self) -> None:
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, "-m", "papershelf.papers.scan"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.batch: list[tuple[str, str]] = []  # (sha, path) being read
        self.started = 0.0

    def give(self, root: str, batch: list[tuple[str, str]]) -> None:
        assert self.process.stdin is not None
        self.batch, self.started = batch, time.monotonic()
        _send(self.process.stdin, (root, [(path, sha) for sha, path in batch]))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def read_all(
    root: Path,
    pending: Mapping[str, str],
    progress: Progress | None = None,
    budget: Budget | None = None,
) -> dict[str, Identity]:
    """``sha -> Identity`` for ``pending`` (``sha -> one path holding it``), in parallel;
    the blobs ``budget`` leaves no time for are left out."""
    import selectors

    begun = time.monotonic()
    end = begun + budget.left() if budget is not None else float("inf")
    if end <= begun:
        return {}
    jobs = [(sha, path) for sha, path in pending.items()]
    jobs.reverse()
    alone: list[tuple[str, str]] = []  # from a failed batch: each read by itself
    found: dict[str, Identity] = {}
    count = min(os.cpu_count() or 1, max(1, len(jobs) // 2), 8)
    workers = [_Worker() for _ in range(min(count, len(jobs)))]
    selector = selectors.DefaultSelector()
    base = os.fspath(root)

    def feed(worker: _Worker) -> None:
        if alone:
            worker.give(base, [alone.pop()])
            return
        batch: list[tuple[str, str]] = []
        size = 0
        while jobs and len(batch) < BATCH_FILES and size < BATCH_BYTES:
            batch.append(jobs.pop())
            size += _size(os.path.join(base, batch[-1][1]))
        if batch:
            worker.give(base, batch)
        else:
            worker.batch = []

    def failed(worker: _Worker, note: str) -> None:
        if len(worker.batch) == 1:
            found[worker.batch[0][0]] = Identity.unreadable(note)
        else:
            alone.extend(worker.batch)
        _replace(workers, worker, selector)
        feed(workers[-1])

    if progress is not None:
        progress(0, len(pending))
    try:
        for worker in workers:
            assert worker.process.stdout is not None
            selector.register(worker.process.stdout, selectors.EVENT_READ, worker)
            feed(worker)
        while any(worker.batch for worker in workers) and time.monotonic() < end:
            busy = [worker for worker in workers if worker.batch]
            deadline = min(min(worker.started for worker in busy) + TIME_CAP, end)
            for key, _ in selector.select(max(0.0, deadline - time.monotonic())):
                worker = key.data
                assert worker.process.stdout is not None
                try:
                    replies = _receive(worker.process.stdout)
                except (EOFError, ValueError, TypeError):
                    failed(worker, "damaged: the reader stopped on it")
                    continue
                if not (isinstance(replies, list) and len(replies) == len(worker.batch)):
                    failed(worker, "damaged: unreadable reply")
                    continue
                for (sha, _), value in zip(worker.batch, replies):
                    identity = Identity.from_plain(value)
                    found[sha] = identity or Identity.unreadable("damaged: unreadable reply")
                feed(worker)
                if progress is not None:
                    progress(len(found), len(pending))
            now = time.monotonic()
            for worker in list(workers):
                if worker.batch and now - worker.started > TIME_CAP:
                    failed(worker, f"took longer than {TIME_CAP:g} s: not read")
    finally:
        for worker in workers:
            worker.stop()
        selector.close()
        if budget is not None:
            budget.spent += time.monotonic() - begun
    return found


def _replace(workers: list[_Worker], worker: _Worker, selector: Any) -> None:
    """Kill a worker that failed or hung and start a fresh one in its place (at the end)."""
    import selectors

    assert worker.process.stdout is not None
    selector.unregister(worker.process.stdout)
    worker.stop()
    workers.remove(worker)
    fresh = _Worker()
    assert fresh.process.stdout is not None
    selector.register(fresh.process.stdout, selectors.EVENT_READ, fresh)
    workers.append(fresh)


# --- the cache --------------------------------------------------------------------------------


def load_cache(path: Path, stamp: Any) -> dict[str, Identity]:
    """Identities kept by an earlier run; a damaged file or a malformed entry is dropped,
    never trusted."""
    from papershelf import store

    loaded = store.load(path, 2, expect_first=(CACHE_VERSION, stamp))
    body = loaded[1] if loaded is not None else None
    if not isinstance(body, dict):
        return {}
    kept: dict[str, Identity] = {}
    for sha, value in body.items():
        identity = Identity.from_plain(value)
        if isinstance(sha, str) and identity is not None:
            kept[sha] = identity
    return kept


def save_cache(path: Path, stamp: Any, identities: Mapping[str, Identity]) -> None:
    from papershelf import store

    body = {sha: tuple(identity) for sha, identity in identities.items()}
    store.store(path, (CACHE_VERSION, stamp), body)


class Shelf:
    """One run's identities: the cache read once, new blobs read within the run's budget,
    and the cache kept for every PDF the repository tracks (``keep``), not only those of
    the plan file asking: with a README per folder, each is a plan of its own."""

    def __init__(
        self,
        root: Path,
        cache_dir: Path | None,
        keep: Callable[[], set[str]] | None = None,
        progress: Progress | None = None,
        budget: Budget | None = None,
    ) -> None:
        from papershelf import store

        self.root, self.progress, self.budget = root, progress, budget
        self.keep = keep
        self.stamp = store.code_stamp()
        self.cache_file = store.entry(cache_dir, "papers") if cache_dir is not None else None
        self.known = load_cache(self.cache_file, self.stamp) if self.cache_file else {}
        self.pruned = False
        self.unread: set[str] = set()  # blobs the budget left unread, all plan files together

    def identities(self, blobs: Mapping[str, str]) -> dict[str, Identity]:
        """``path -> Identity`` for ``blobs`` (``path -> blob id``), reading only new blobs;
        a blob the budget left unread has the :data:`NOT_READ` note."""
        known = self.known
        pending: dict[str, str] = {}
        for path, sha in blobs.items():
            if sha not in known:
                pending.setdefault(sha, path)
        read = read_all(self.root, pending, self.progress, self.budget) if pending else {}
        known.update(read)
        unread = Identity.unreadable(NOT_READ)
        self.unread.update(sha for sha in pending if sha not in read)
        if self.cache_file is not None and (read or not self.pruned):
            wanted = self.keep() if self.keep is not None else set(blobs.values())
            if read or len(known) > len(wanted & known.keys()):
                save_cache(self.cache_file, self.stamp, {s: known[s] for s in wanted if s in known})
            self.pruned = self.keep is not None  # pruned to every tracked PDF: done
        return {path: known.get(sha, unread) for path, sha in blobs.items()}


def identities(
    root: Path,
    blobs: Mapping[str, str],
    cache_dir: Path | None,
    progress: Progress | None = None,
) -> dict[str, Identity]:
    """``path -> Identity`` for ``blobs`` (``path -> blob id``), reading only new blobs;
    the cache keeps these blobs only."""
    return Shelf(root, cache_dir, None, progress).identities(blobs)


if __name__ == "__main__":
    worker()
