"""Read back what the HTML plan page shows: its elements, counts and links (stdlib parser)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import NamedTuple

VOID = {"meta", "link", "br", "img", "input", "hr", "use", "rect", "path", "circle"}


class Element(NamedTuple):
    tag: str
    attrs: dict[str, str]
    text: str  # all text inside, whitespace collapsed
    ancestors: tuple[str, ...]  # ids and classes of the elements around it


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, dict[str, str], list[str]]] = []
        self.done: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag in VOID:
            self.done.append(Element(tag, values, "", self._ancestors()))
        else:
            self.open.append((tag, values, []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        self.done.append(Element(tag, values, "", self._ancestors()))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.open:
            name, attrs, parts = self.open.pop()
            text = " ".join("".join(parts).split())
            self.done.append(Element(name, attrs, text, self._ancestors()))
            if self.open:
                self.open[-1][2].append("".join(parts))
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1][2].append(data)

    def _ancestors(self) -> tuple[str, ...]:
        marks: list[str] = []
        for _, attrs, _ in self.open:
            if "id" in attrs:
                marks.append("#" + attrs["id"])
            marks += ["." + name for name in attrs.get("class", "").split()]
        return tuple(marks)


def elements(page: str) -> list[Element]:
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return collector.done


def summary_counts(page: str) -> dict[str, int]:
    """The whole plan's counts as the page shows them: attribute and visible number agree."""
    found = {}
    for element in elements(page):
        if "#summary" in element.ancestors and "data-count" in element.attrs:
            count = int(element.attrs["data-count"])
            assert element.text == f"{count} {element.attrs['data-status']}", element
            found[element.attrs["data-status"]] = count
    return found


def item_statuses(page: str) -> list[str]:
    return [
        e.attrs["data-status"]
        for e in elements(page)
        if e.tag == "li" and "item" in e.attrs.get("class", "").split()
    ]
