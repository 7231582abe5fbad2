from __future__ import annotations

import io

from papershelf.cli.progress import bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_off_a_terminal() -> None:
    assert bar(io.StringIO()) is None


def test_no_bar_for_a_read_shorter_than_a_second() -> None:
    now = [0.0]
    stream = Terminal()
    update = bar(stream, clock=lambda: now[0])
    assert update is not None
    update(0, 10)
    for done in range(1, 11):
        now[0] += 0.05  # 0.5 s in all
        update(done, 10)
    assert stream.getvalue() == ""


def test_a_long_read_draws_a_bar_and_clears_it() -> None:
    now = [0.0]
    stream = Terminal()
    update = bar(stream, clock=lambda: now[0])
    assert update is not None
    update(0, 40)
    for done in range(1, 41):
        now[0] += 0.1  # 4 s in all
        update(done, 40)
    shown = stream.getvalue()
    assert "\rreading PDFs [###...........................] 4/40" in shown
    assert shown.endswith("\r\x1b[K")
