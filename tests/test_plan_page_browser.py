"""The plan page in a real browser: headless Chromium opens it from a file.

It must load without a console error, show the counts ``papershelf plan --format
json`` gives, keep to a phone's width, switch colours with the reader's scheme at
readable contrast, and leave screenshots in ``build/screenshots`` for CI to keep.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from browser import Browser, headless
from page_dom import study_repo
from papershelf.cli import main

pytestmark = pytest.mark.slow
SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"
DESKTOP, PHONE, README_SHOT = (1280, 800), (390, 844), (960, 720)

SUMMARY = """[...document.querySelectorAll('#summary [data-count]')]
  .map(e => [e.dataset.status, Number(e.dataset.count), e.innerText.trim()])"""
STATUS_COLOURS = """[...document.querySelectorAll('.item .status, .finding .status, .readmark')]
  .map(e => [e.innerText.trim(), getComputedStyle(e).color])"""


def _luminance(rgb: str) -> float:
    values = [int(part) / 255 for part in rgb[rgb.index("(") + 1 : -1].split(",")[:3]]
    linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def check_colours(browser: Browser) -> str:
    """Every status word readable on the page's background (WCAG AA, 4.5:1); the background."""
    background: str = browser.evaluate("getComputedStyle(document.body).backgroundColor")
    for text, colour in browser.evaluate(STATUS_COLOURS):
        assert contrast(colour, background) >= 4.5, (text, colour, background)
    muted = browser.evaluate("getComputedStyle(document.querySelector('.detail')).color")
    assert contrast(muted, background) >= 4.5
    return background


def test_the_harness_sees_console_errors_and_failed_loads(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!doctype html><title>x</title><img src='missing.png'>"
        "<script>console.error('said so'); undefined_function();</script>",
        encoding="utf-8",
    )
    with headless(tmp_path / "profile") as browser:
        browser.open(broken.as_uri(), *DESKTOP)
        errors = browser.errors()
    assert any("said so" in error for error in errors), errors
    assert any("undefined_function" in error for error in errors), errors
    assert any("missing.png" in error for error in errors), errors


def test_page_in_chromium(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = study_repo(tmp_path / "Учёба & код")
    assert main(["plan", "--format", "json", str(repo)]) == 0
    document = json.loads(capsys.readouterr().out)
    summary, reading = document["summary"], document["reading"]
    page = repo / "site" / "index.html"
    assert main(["plan", "--format", "html", "--output", str(page), str(repo)]) == 0

    with headless(tmp_path / "profile") as browser:
        browser.open(page.as_uri(), *DESKTOP)
        assert browser.errors() == []
        shown = browser.evaluate(SUMMARY)
        assert {status: count for status, count, _ in shown} == {
            status: count for status, count in summary.items() if count
        }
        for status, count, text in shown:
            assert " ".join(text.split()) == f"{count} {status}"  # as rendered
        total, present = sum(summary.values()), summary["present"]
        share = browser.evaluate("document.querySelector('#summary .share').innerText")
        read, marked = reading["read"], reading["read"] + reading["unread"]
        assert marked, "the study plan has task-list items"
        assert share == (
            f"{present} of {total} present ({round(100 * present / total)}%)"
            f" · {read} of {marked} read"
        )
        shown_marks = browser.evaluate(
            "[...document.querySelectorAll('.readmark')].map(e => e.innerText.trim())"
        )
        assert sorted(shown_marks) == sorted(["read"] * read + ["unread"] * (marked - read))
        assert check_colours(browser) == "rgb(255, 255, 255)"
        browser.screenshot(SCREENSHOTS / "plan-desktop.png")
        browser.set_viewport(*README_SHOT)
        browser.screenshot(SCREENSHOTS / "plan-readme.png", whole=False)  # docs/plan-page.png
        browser.set_viewport(*DESKTOP)

        browser.color_scheme("dark")
        assert check_colours(browser) == "rgb(13, 17, 23)"
        browser.screenshot(SCREENSHOTS / "plan-desktop-dark.png")

        browser.set_viewport(*PHONE)
        browser.color_scheme("light")
        overflow = browser.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow}px wider than a phone"
        browser.screenshot(SCREENSHOTS / "plan-phone.png")
        browser.color_scheme("dark")
        browser.screenshot(SCREENSHOTS / "plan-phone-dark.png")
        assert browser.errors() == []
    for name in ("plan-desktop", "plan-desktop-dark", "plan-phone", "plan-phone-dark"):
        assert (SCREENSHOTS / f"{name}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
