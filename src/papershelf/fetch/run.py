"""A fetch run: every paper tried source by source, hosts asked in parallel, each at its pace.

Each host has its own lane (a queue and as many threads as it allows
connections), so a slow or strict host (arXiv: one request every three
seconds) never holds up the papers served elsewhere. A paper whose source
fails moves to the lane of its next source. A complete download is identified
by papershelf's PDF workers (processes apart, capped in time and memory),
all that waits in one batch, while the lanes download on. Results come back
to the caller's thread, one per paper, as they are known.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from papershelf.fetch import http, verify
from papershelf.fetch.place import Places
from papershelf.fetch.wanted import Paper
from papershelf.papers import blob_ids, scan
from papershelf.papers.reading import Identity
from papershelf.repo import repopaths

FETCHED, PRESENT, WEB_PAGE, FAILED = "fetched", "already present", "web page only", "failed"
OUTCOMES = (FETCHED, PRESENT, WEB_PAGE, FAILED)


class Result(NamedTuple):
    paper: Paper
    outcome: str  # one of OUTCOMES
    host: str  # the host the PDF came from, or the one that failed
    detail: str  # fetched: the evidence; failed: why; web page only: the URL to open

    def line(self) -> str:
        """The one line a person reads about this paper."""
        title = f'"{self.paper.title}"'
        if self.outcome == FETCHED:
            return f"fetched: {title} -> {self.paper.target} ({self.host}, {self.detail})"
        if self.outcome == PRESENT:
            return f"already present: {title} ({self.paper.target}, kept as it is)"
        if self.outcome == WEB_PAGE:
            return f"web page only: {title}: open {self.detail} in a browser"
        return f"failed: {title}: {self.host}: {self.detail}"


class _Lanes:
    """One queue per host, served by as many daemon threads as the host allows connections
    (an interrupted run never waits for them)."""

    def __init__(self, settings: http.Settings) -> None:
        self.settings = settings
        self.queues: dict[str, queue.Queue[Callable[[], None]]] = {}
        self.lock = threading.Lock()
        self.slots = threading.Semaphore(max(settings.jobs, 1))

    def submit(self, host: str, work: Callable[[], None]) -> None:
        with self.lock:
            lane = self.queues.get(host)
            if lane is None:
                lane = self.queues[host] = queue.Queue()
                threads = min(max(self.settings.pace(host).connections, 1), self.settings.jobs)
                for _ in range(max(threads, 1)):
                    threading.Thread(target=self._serve, args=(lane,), daemon=True).start()
        lane.put(work)

    def _serve(self, lane: queue.Queue[Callable[[], None]]) -> None:
        while True:
            work = lane.get()
            with self.slots:
                work()


class _Downloaded(NamedTuple):
    """A complete download waiting to be identified, and where its paper stands."""

    paper: Paper
    tried: int  # the index of the source it came from
    failures: tuple[http.Failed, ...]  # of the sources before
    partial: Path
    host: str


class _Run:
    def __init__(self, places: Places, settings: http.Settings) -> None:
        self.places = places
        self.settings = settings
        self.hosts = http.Hosts(settings)
        self.pool = http.new_pool(settings)
        self.lanes = _Lanes(settings)
        self.results: queue.Queue[Result] = queue.Queue()
        self.downloaded: queue.Queue[_Downloaded] = queue.Queue()
        threading.Thread(target=self._identify_all, daemon=True).start()

    def start(self, paper: Paper, index: int = 0, failures: tuple[http.Failed, ...] = ()) -> None:
        source = paper.sources[index]
        host = http.host_of(self.settings.mirrored(source.url))
        self.lanes.submit(host, lambda: self._attempt(paper, index, failures))

    def _attempt(self, paper: Paper, index: int, failures: tuple[http.Failed, ...]) -> None:
        source = paper.sources[index]
        try:
            if os.path.lexists(self.places.final(paper.target)):  # refused before a byte
                self.results.put(Result(paper, PRESENT, "", ""))
                return
            partial = self.places.partial(paper.target, source.url)
            got = http.download(self.pool, self.hosts, source.url, partial, source.sure)
            host = http.host_of(got.url)
            self.downloaded.put(_Downloaded(paper, index, failures, partial, host))
        except http.Failed as failure:
            self._next_source(paper, index, (*failures, failure))
        except http.Cancelled:
            pass
        except repopaths.Refused as refused:
            self.results.put(Result(paper, FAILED, http.host_of(source.url), refused.reason))
        except Exception as error:  # one paper's bug costs that paper, never the run
            self._crashed(paper, http.host_of(source.url), error)

    def _next_source(self, paper: Paper, index: int, failures: tuple[http.Failed, ...]) -> None:
        if index + 1 < len(paper.sources):
            self.start(paper, index + 1, failures)
        else:
            self.results.put(_given_up(paper, failures))

    def _crashed(self, paper: Paper, host: str, error: Exception) -> None:
        self.results.put(Result(paper, FAILED, host, f"internal error: {error!r}"))

    def _identify_all(self) -> None:
        """Identify what is downloaded in batches (all that waits, each time): the PDF
        workers start once per batch, not once per paper."""
        while True:
            batch = [self.downloaded.get()]
            while not self.downloaded.empty():
                batch.append(self.downloaded.get())
            try:
                identities = self._identities([done.partial for done in batch])
            except Exception as error:
                for done in batch:
                    self._crashed(done.paper, done.host, error)
                continue
            for done in batch:
                try:
                    self.results.put(self._settle(done, identities[done.partial.name]))
                except http.Failed as failure:
                    self._next_source(done.paper, done.tried, (*done.failures, failure))
                except Exception as error:
                    self._crashed(done.paper, done.host, error)

    def _identities(self, partials: list[Path]) -> dict[str, Identity]:
        folder = self.places.partial_dir
        blobs = blob_ids(folder, False, [partial.name for partial in partials])
        found = scan.read_all(folder, {sha: name for name, sha in blobs.items()})
        lost = Identity.unreadable("could not be read")
        return {p.name: found.get(blobs.get(p.name, ""), lost) for p in partials}

    def _settle(self, done: _Downloaded, identity: Identity) -> Result:
        """File the download under the paper's name, or say why not."""
        paper, partial, host = done.paper, done.partial, done.host
        verdict = verify.judge(identity, paper.wanted)
        try:
            if not verdict.ok and verdict.how == verify.UNREADABLE:
                raise http.Failed(host, verdict.what)
            if not verdict.ok:
                aside = self.places.set_aside(partial, paper.target.rpartition("/")[2])
                root = self.places.root
                shown = aside.relative_to(root) if aside.is_relative_to(root) else aside
                why = f"the PDF is another paper ({verdict.what}); kept aside at {shown}"
                raise http.Failed(host, why)
            placed = self.places.put(partial, paper.target)
        finally:  # settled: its sources' partial files are done with
            self.places.discard(paper.target, (source.url for source in paper.sources))
        return (
            Result(paper, FETCHED, host, verdict.how)
            if placed
            else Result(paper, PRESENT, host, "")
        )


def _given_up(paper: Paper, failures: tuple[http.Failed, ...]) -> Result:
    """Every source failed: a link that was only ever a web page says so; otherwise the
    most trusted source's failure is the reason."""
    real = [failure for failure in failures if not failure.web_page]
    if not real:
        page = next(s.url for s in paper.sources if not s.sure)
        return Result(paper, WEB_PAGE, failures[0].host, page)
    return Result(paper, FAILED, real[0].host, real[0].why)


def fetch(
    papers: Sequence[Paper],
    root: Path,
    work: Path,
    settings: http.Settings,
    done: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Fetch ``papers`` into the repository at ``root`` (``work``: git's folder for
    papershelf); ``done`` hears of each paper as it is settled. Results in ``papers``'
    order."""
    run = _Run(Places(root, work), settings)
    for paper in papers:
        run.start(paper)
    settled: dict[int, Result] = {}
    order = {id(paper): index for index, paper in enumerate(papers)}
    try:
        while len(settled) < len(papers):
            try:
                result = run.results.get(timeout=0.2)
            except queue.Empty:
                continue
            settled[order[id(result.paper)]] = result
            if done is not None:
                done(result)
    except BaseException:
        run.hosts.cancel.set()  # the threads stop at their next chunk; partial files stay
        raise
    return [settled[index] for index in range(len(papers))]
