"""A progress bar on a terminal for the first read of many PDFs; nothing elsewhere."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

WIDTH = 30
SHOW_AFTER = 1.0  # seconds the whole read is expected to take before a bar is worth it


def bar(
    stream: TextIO, label: str = "reading PDFs", clock: Callable[[], float] = time.monotonic
) -> Callable[[int, int], None] | None:
    """``update(done, total)`` drawing on ``stream`` when it is a terminal and the work
    looks longer than a second; None when ``stream`` is not a terminal."""
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return None
    state = {"start": 0.0, "shown": False}

    def update(done: int, total: int) -> None:
        now = clock()
        if done == 0 or not state["start"]:
            state["start"] = now
        elapsed = now - state["start"]
        if not state["shown"]:
            expected = elapsed / done * total if done else 0.0
            if done == total or elapsed < 0.2 or expected < SHOW_AFTER:
                return
            state["shown"] = True
        if done >= total:
            stream.write("\r\x1b[K")
        else:
            filled = WIDTH * done // max(total, 1)
            stream.write(f"\r{label} [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total}")
        stream.flush()

    return update
