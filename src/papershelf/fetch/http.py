"""One download, as a good network citizen: timeouts, retries, a pace per host, a size limit.

urllib3 carries the requests. Measured by ``bench/bench_fetch.py`` on 400
files of 40 KB from a local server, eight at a time (medians of five
interleaved rounds, two runs): urllib3 1,695 and 2,431 files/s, aiohttp 1,849
and 2,057, httpx 759 and 529, requests 523 and 671, stdlib urllib 618 and 1,219
(a new connection, and on the internet a new TLS handshake, for every
request). Of the two that lead, urllib3 is one distribution of 1.0 MB with no
dependencies, aiohttp ten of 13.8 MB and an event loop. HTTP/2, which httpx
offers, multiplexes many requests on one connection to one host, which the
pace below never makes.

Each host is paced: requests start at least ``interval`` seconds apart (arXiv
asks automated clients for one request every three seconds on one
connection); a ``Retry-After`` pushes the host's next start back for every
download bound there. Redirects are followed by hand, so each hop is paced,
checked for its scheme and counted.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import urllib3

from papershelf import __version__
from papershelf.fetch.place import version_of

USER_AGENT = f"papershelf/{__version__} (+https://pypi.org/project/papershelf/)"
MB = 1024 * 1024
CHUNK = 64 * 1024
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HEAD_BYTES = 1024  # a PDF's ``%PDF-`` header is within its first kilobyte


class Pace(NamedTuple):
    """How a host is asked: seconds between request starts, connections at once."""

    interval: float
    connections: int


# arXiv's published policy for automated clients: one request every three seconds,
# one connection at a time.
HOST_PACE: dict[str, Pace] = {
    "arxiv.org": Pace(3.0, 1),
    "www.arxiv.org": Pace(3.0, 1),
    "export.arxiv.org": Pace(3.0, 1),
}
DEFAULT_PACE = Pace(0.0, 2)


@dataclass(frozen=True)
class Settings:
    """What a run may do to the hosts it asks, and how long it waits for them."""

    timeout: float = 30.0  # seconds to connect, and between two reads
    retries: int = 3  # after the first try, for a cut connection or 408/429/5xx
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    longest_wait: float = 120.0  # a longer Retry-After fails the download instead
    max_bytes: int = 200 * MB
    redirects: int = 5
    interval: float | None = None  # None: each host's own pace (HOST_PACE)
    connections: int | None = None
    jobs: int = 8
    mirrors: tuple[tuple[str, str], ...] = ()  # (URL prefix, base URL it is served from)

    def pace(self, host: str) -> Pace:
        own = HOST_PACE.get(host, DEFAULT_PACE)
        return Pace(
            own.interval if self.interval is None else self.interval,
            own.connections if self.connections is None else self.connections,
        )

    def mirrored(self, url: str) -> str:
        """``url`` as a mirror serves it (the first prefix that matches), else itself."""
        for prefix, base in self.mirrors:
            if url.startswith(prefix):
                return base + url[len(prefix) :]
        return url


class Failed(Exception):
    """A download that did not give a PDF: ``host`` and why, in a few words."""

    def __init__(self, host: str, why: str, web_page: bool = False) -> None:
        super().__init__(f"{host}: {why}")
        self.host = host
        self.why = why
        self.web_page = web_page  # a link that leads to a web page, not a broken one


class Cancelled(Exception):
    """The run was interrupted: the partial file stays for the next run to resume."""


@dataclass
class Hosts:
    """The next moment each host may be asked, shared by every download of a run."""

    settings: Settings
    cancel: threading.Event = field(default_factory=threading.Event)
    _next: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_turn(self, host: str) -> None:
        interval = self.settings.pace(host).interval
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + interval
        self._sleep(start - now)

    def defer(self, host: str, seconds: float) -> None:
        with self._lock:
            now = time.monotonic()
            self._next[host] = max(self._next.get(host, now), now + seconds)

    def _sleep(self, seconds: float) -> None:
        if seconds > 0 and self.cancel.wait(seconds):
            raise Cancelled()


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc or url


def new_pool(settings: Settings) -> urllib3.PoolManager:
    return urllib3.PoolManager(
        num_pools=64,
        maxsize=max(settings.jobs, 1),
        headers={"User-Agent": USER_AGENT},
        timeout=urllib3.Timeout(connect=settings.timeout, read=settings.timeout),
        retries=False,
    )


class Download(NamedTuple):
    url: str  # where the body came from, after redirects
    resumed: int  # bytes the partial file already held


def download(
    pool: urllib3.PoolManager,
    hosts: Hosts,
    url: str,
    partial: Path,
    sure: bool,
) -> Download:
    """Fetch ``url`` into ``partial``, resuming what it holds; :class:`Failed` when no PDF
    came (the partial file is then removed unless the connection was cut)."""
    settings = hosts.settings
    attempt = 0
    while True:
        try:
            return _fetch(pool, hosts, settings.mirrored(url), partial, sure)
        except _Retry as retry:
            attempt += 1
            if attempt > settings.retries:
                raise Failed(retry.host, f"{retry.why}, {attempt} tries") from None
            wait = retry.after
            if wait is None:
                wait = settings.backoff * 2 ** (attempt - 1) * (1 + random.random() / 4)
            if wait > settings.longest_wait:
                raise Failed(
                    retry.host, f"{retry.why}; asked to retry after {wait:.0f} s"
                ) from None
            hosts.defer(retry.host, wait)


class _Retry(Exception):
    def __init__(self, host: str, why: str, after: float | None = None) -> None:
        super().__init__(why)
        self.host, self.why, self.after = host, why, after


def _fetch(
    pool: urllib3.PoolManager,
    hosts: Hosts,
    url: str,
    partial: Path,
    sure: bool,
) -> Download:
    settings = hosts.settings
    validator = version_of(partial)
    # A partial file is resumed only when the server named its version (ETag or
    # Last-Modified): If-Range then gets the whole file anew if it has changed since.
    since = validator.read_text("ascii", "replace") if validator.exists() else ""
    have = partial.stat().st_size if since and partial.exists() else 0
    host = host_of(url)
    for _hop in range(settings.redirects + 1):
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):  # named by the host that sent there
            raise Failed(host, f"redirected to a {scheme}: URL, not http(s)")
        host = host_of(url)
        hosts.wait_turn(host)
        headers = {"User-Agent": USER_AGENT, "Accept": "application/pdf,*/*;q=0.5"}
        if have:
            headers["Range"] = f"bytes={have}-"
            headers["If-Range"] = since
        try:
            response = pool.request(
                "GET", url, headers=headers, redirect=False, preload_content=False
            )
        except urllib3.exceptions.HTTPError as error:
            raise _Retry(host, _network_why(error)) from None
        try:
            if response.status in REDIRECT_STATUSES and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                response.drain_conn()
                continue
            if response.status == 416 and have:  # the partial file was already whole
                response.drain_conn()
                return Download(url, have)
            if response.status in RETRY_STATUSES:
                after = response.headers.get("Retry-After")
                seconds = _retry_after(after) if after else None
                raise _Retry(host, f"HTTP {response.status} {response.reason}", seconds)
            if response.status not in (200, 206):
                raise Failed(host, f"HTTP {response.status} {response.reason}")
            _save(response, host, partial, have, sure, settings.max_bytes, hosts)
            return Download(url, have if response.status == 206 else 0)
        except BaseException:
            response.close()  # a body left unread (too big, endless) is never read to its end
            raise
        finally:
            response.release_conn()
    raise Failed(host_of(url), f"more than {settings.redirects} redirects")


def _retry_after(value: str) -> float | None:
    try:
        return max(0.0, urllib3.util.Retry().parse_retry_after(value))
    except urllib3.exceptions.InvalidHeader:
        return None


def _network_why(error: Exception) -> str:
    if isinstance(error, urllib3.exceptions.MaxRetryError) and error.reason is not None:
        error = error.reason
    if isinstance(error, urllib3.exceptions.TimeoutError):
        return "timed out"
    if isinstance(error, urllib3.exceptions.NameResolutionError):
        return "the host name does not resolve"
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        return "the connection was refused"
    if isinstance(error, urllib3.exceptions.SSLError):
        return "a TLS error"
    return "the connection was cut"


def _save(
    response: urllib3.BaseHTTPResponse,
    host: str,
    partial: Path,
    have: int,
    sure: bool,
    limit: int,
    hosts: Hosts,
) -> None:
    """Write the body after what ``partial`` holds (206) or in its place (200)."""
    resumed = response.status == 206
    if resumed and _range_start(response) != have:
        partial.unlink(missing_ok=True)
        raise _Retry(host, "the server resumed at another byte than asked")
    length = response.headers.get("Content-Length", "")
    total = (have if resumed else 0) + (int(length) if length.isdigit() else 0)
    if total > limit:
        raise Failed(host, f"the file is {total / MB:.0f} MB, over the {limit / MB:.0f} MB limit")
    written = have if resumed else 0
    head = b"" if not resumed else b"%PDF-"  # a resumed file is read whole once complete
    try:
        if not resumed:
            _keep_validator(response, version_of(partial))
        with open(partial, "ab" if resumed else "wb") as out:
            while chunk := response.read1(CHUNK):
                if hosts.cancel.is_set():
                    raise Cancelled()
                out.write(chunk)
                written += len(chunk)
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                    if len(head) >= HEAD_BYTES and b"%PDF-" not in head:
                        raise _not_a_pdf(host, head, response, sure)
                if written > limit:
                    raise Failed(host, f"the body goes past the {limit / MB:.0f} MB limit")
        if b"%PDF-" not in head:
            raise _not_a_pdf(host, head, response, sure)
    except Failed:
        partial.unlink(missing_ok=True)
        version_of(partial).unlink(missing_ok=True)
        raise
    except urllib3.exceptions.HTTPError as error:
        raise _Retry(host, _network_why(error)) from None
    if length.isdigit() and written < total:
        raise _Retry(host, "the connection was cut")


def _keep_validator(response: urllib3.BaseHTTPResponse, validator: Path) -> None:
    """The version the server gave the body (a strong ETag, else Last-Modified)."""
    etag = response.headers.get("ETag", "")
    named = etag if etag and not etag.startswith("W/") else response.headers.get("Last-Modified")
    if named and named.isascii() and "\n" not in named:
        validator.write_text(named, "ascii")
    else:
        validator.unlink(missing_ok=True)


def _range_start(response: urllib3.BaseHTTPResponse) -> int:
    """The first byte a 206's ``Content-Range: bytes START-END/SIZE`` holds (-1 when unsaid)."""
    value = response.headers.get("Content-Range", "")
    start = value.removeprefix("bytes ").partition("-")[0].strip()
    return int(start) if start.isdigit() else -1


def _not_a_pdf(host: str, first: bytes, response: urllib3.BaseHTTPResponse, sure: bool) -> Failed:
    kind = response.headers.get("Content-Type", "").partition(";")[0].strip() or "unknown"
    html = b"<html" in first.lower() or b"<!doctype html" in first.lower()
    if not sure:
        return Failed(host, "a web page, not a PDF", web_page=True)
    if html:
        return Failed(host, "sent an HTML page, not the PDF (a login or captcha page?)")
    return Failed(host, f"sent {kind}, not a PDF")
