"""A real HTTP server in a thread, for the fetch tests and benchmark: routes that serve
PDFs, redirects, errors, 429 with Retry-After, slow or cut bodies, byte ranges."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/pdf"
    location: str = ""  # a redirect's target (status 301-308)
    too_busy: int = 0  # answer 429 this many times first
    retry_after: str = "1"
    cut_after: int | None = None  # the first answer stops after this many bytes
    chunk_pause: float = 0.0  # seconds between chunks of 16 KB: a slow body
    ranges: bool = True  # honour Range requests
    length: bool = True  # send Content-Length (else the body ends when the connection does)
    etag: bool = True  # name the body's version (a strong ETag), and honour If-Range
    served: int = 0  # how many answers were given


@dataclass
class Seen:
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    at: float = 0.0  # time.monotonic() when it came


class Server:
    """``with Server(latency=0.1) as server``: ``server.routes[path] = Route(...)``,
    ``server.url(path)``; ``server.seen`` lists each request."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                owner.answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Threading(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

        self.httpd = Threading(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> Server:
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.seen.append(Seen(handler.path, dict(handler.headers.items()), time.monotonic()))
            route = self.routes.get(handler.path)
            if route is not None:
                route.served += 1
        if self.latency:
            time.sleep(self.latency)
        if route is None:
            self._send(handler, 404, "text/plain", b"not found\n")
            return
        if route.served <= route.too_busy:
            handler.send_response(429)
            handler.send_header("Retry-After", route.retry_after)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if route.location:
            handler.send_response(route.status)
            handler.send_header("Location", route.location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if route.status != 200:
            self._send(handler, route.status, "text/plain", b"no\n")
            return
        body, status, start = route.body, 200, 0
        asked = handler.headers.get("Range", "")
        version = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
        same = handler.headers.get("If-Range", version) == version
        if route.ranges and same and asked.startswith("bytes=") and asked.endswith("-"):
            start = int(asked[len("bytes=") : -1])
            if start >= len(body):
                self._send(handler, 416, "text/plain", b"")
                return
            status = 206
        handler.send_response(status)
        handler.send_header("Content-Type", route.content_type)
        if route.etag:
            handler.send_header("ETag", version)
        if status == 206:
            handler.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        if route.length:
            handler.send_header("Content-Length", str(len(body) - start))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        rest = body[start:]
        if route.cut_after is not None and route.served == 1 + route.too_busy:
            rest = rest[: route.cut_after]
            handler.close_connection = True
        try:
            for at in range(0, len(rest), 16384):
                handler.wfile.write(rest[at : at + 16384])
                if route.chunk_pause:
                    time.sleep(route.chunk_pause)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, kind: str, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
