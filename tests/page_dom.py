"""The plan page's study repository, and reading back what the page shows (stdlib parser)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

from organize_repo import PLAN_RU, ZIP_BYTES, make_repo

PLAN_FILE = "00_The_Guidebook_&_Roadmap/README_Reading_Order.md"


# Two of the plan's list items made task-list items: one read, one not.
TASK_PLAN = (
    PLAN_RU.read_text(encoding="utf-8")
    .replace('1. Прочитать **"Attention', '1. [x] Прочитать **"Attention')
    .replace('2. Прочитать **"Llama', '2. [ ] Прочитать **"Llama')
)


def study_repo(root: Path) -> Path:
    """The plan, two papers (one read), one misfiled, one only in an archive, one empty."""
    return make_repo(
        root,
        {
            PLAN_FILE: TASK_PLAN,
            "02_Model_Backbones/01_Transformer_Evolution/Attention Is All You Need.pdf": b"%PDF",
            "02_Model_Backbones/01_Transformer_Evolution/The Llama 3 Herd of Models.pdf": b"",
            "xx_prompting/Chain-of-Thought Prompting.pdf": b"%PDF",
            "06_Engineering_&_Tuning/LoRA.zip": ZIP_BYTES,
            "01_Data_Centric_AI/04_Instruction_Tuning_Data/UltraChat/train.json": "{}",
        },
    )


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
