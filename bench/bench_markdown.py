"""The markdown parser papershelf reads plans with (markdown-it-py with mdit-py-plugins)
beside mistune, mistletoe and marko: correctness, then speed.

1. Correctness. Every parser renders the CommonMark spec examples to HTML twice, once as
   plain CommonMark and once configured the way a plan is read (tables, task lists, bare-URL
   autolinks), and the HTML is compared with the spec's after the normalisation the spec's
   own test runner applies (``normalise`` below). A small plan then checks what papershelf
   needs of the tree: a GitHub table whose cells hold bold, links and an escaped pipe, task
   list boxes, a bare URL turned into a link (and its trailing full stop left out), and the
   source line of every list item and table row.
2. Speed. Parsing to tokens or a tree, no HTML: a generated 4 MB reading plan (phases,
   weeks, nested paper lists, paper tables, task lists, inline code) and a 40 KB one, then
   adversarial inputs at full and half size, whose time ratio is about 2 for a parser that
   stays linear. Runs are interleaved (every parser once per round, the order rotating) and
   medians are quoted; adversarial runs happen in a forked child with a time limit.

The spec examples (CC-BY-SA, not kept in this repository) come from the sdist of the
installed markdown-it-py, which ``make bench`` downloads to bench/.work/commonmark.json.

    python bench/bench_markdown.py [--rounds 3] [--small-rounds 15] [--spec PATH]
"""

from __future__ import annotations

import argparse
import bisect
import json
import multiprocessing
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from html import escape
from html.entities import name2codepoint
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SPEC = HERE / ".work" / "commonmark.json"
REFERENCE = "markdown-it-py"


# --- the parsers -------------------------------------------------------------------------


@dataclass
class Candidate:
    name: str
    package: str
    commonmark_html: Callable[[str], str]  # plain CommonMark
    html: Callable[[str], str]  # configured as a plan is read
    parse: Callable[[str], object]  # the same configuration, to tokens or a tree
    lines: Callable[[str], dict[str, list[int]] | None]  # 1-based lines of items and rows


def markdown_it_py(linkify: bool = True) -> Candidate:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.tasklists import tasklists_plugin

    plain = MarkdownIt("commonmark")
    # "gfm-like" is CommonMark with tables, strikethrough and linkify (linkify-it-py).
    plan = MarkdownIt("gfm-like").use(tasklists_plugin)
    name = "markdown-it-py"
    if not linkify:
        plan.disable("linkify")
        plan.options["linkify"] = False
        name += ", no linkify"

    def lines(text: str) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {"item": [], "row": []}
        for token in plan.parse(text):
            kind = {"list_item_open": "item", "tr_open": "row"}.get(token.type)
            if kind and token.map:
                found[kind].append(token.map[0] + 1)
        return found

    return Candidate(name, "markdown-it-py", plain.render, plan.render, plan.parse, lines)


def papershelf_reader(reference: Candidate) -> Candidate:
    """papershelf's whole plan reader: markdown-it-py's tree, the conventions, the items
    (timed beside the parsers; its HTML is markdown-it-py's)."""
    from papershelf.plan.reader import read

    return Candidate(
        "papershelf plan reader",
        "papershelf",
        reference.commonmark_html,
        reference.html,
        read,
        reference.lines,
    )


def markdown_it_py_without_linkify() -> Candidate:
    return markdown_it_py(linkify=False)


def mistune() -> Candidate:
    import mistune as m

    plugins: Any = ["table", "task_lists", "url"]
    plain = m.create_markdown(escape=False)
    plan = m.create_markdown(escape=False, plugins=plugins)
    tree = m.create_markdown(renderer=None, plugins=plugins)

    def lines(text: str) -> None:
        return None  # its tokens are dicts of type, children, attrs and text: no positions

    return Candidate("mistune", "mistune", plain, plan, tree, lines)


def mistletoe() -> Candidate:
    import mistletoe as m
    from mistletoe.block_token import Document, ListItem, Table, TableRow
    from mistletoe.html_renderer import HtmlRenderer

    # Tables are part of mistletoe's core; task lists and bare-URL autolinks are not.
    def parse(text: str) -> object:
        with HtmlRenderer():
            return Document(text)

    def lines(text: str) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {"item": [], "row": []}

        def walk(token: Any) -> None:
            if isinstance(token, Table) and hasattr(token, "header"):
                walk(token.header)
            if isinstance(token, ListItem | TableRow):
                kind = "item" if isinstance(token, ListItem) else "row"
                found[kind].append(token.line_number)
            for child in token.children or ():
                walk(child)

        walk(parse(text))
        found["row"].sort()
        return found

    return Candidate("mistletoe", "mistletoe", m.markdown, m.markdown, parse, lines)


def marko() -> Candidate:
    import marko as m
    from marko.block import ListItem
    from marko.ext.gfm.elements import TableRow

    plain = m.Markdown()
    plan = m.Markdown(extensions=["gfm"])  # tables, task lists, autolinks, strikethrough

    def lines(text: str) -> dict[str, list[int]]:
        starts = [0] + [match.end() for match in re.finditer("\n", text)]
        found: dict[str, list[int]] = {"item": [], "row": []}

        def walk(element: Any) -> None:
            if isinstance(element, ListItem | TableRow) and element.source_span:
                kind = "item" if isinstance(element, ListItem) else "row"
                found[kind].append(bisect.bisect_right(starts, element.source_span[0]))
            children = getattr(element, "children", None)
            if isinstance(children, list):
                for child in children:
                    walk(child)

        walk(plan.parse(text))
        return found

    return Candidate("marko", "marko", plain.convert, plan.convert, plan.parse, lines)


CANDIDATES = (markdown_it_py, markdown_it_py_without_linkify, mistune, mistletoe, marko)


# --- correctness -------------------------------------------------------------------------

BLOCK_TAG_NAMES = (
    "article header aside hgroup blockquote hr iframe body li map button object canvas ol "
    "caption output col p colgroup pre dd progress table dl section dt tbody td fieldset "
    "textarea figcaption tfoot figure th footer thead form tr h1 h2 h3 h4 h5 h6 ul"
)
BLOCK_TAGS = frozenset(BLOCK_TAG_NAMES.split())


class Normaliser(HTMLParser):
    """The CommonMark spec runner's ``normalize.py``, shortened: runs of whitespace become
    one space outside ``<pre>``; whitespace next to a block tag goes; attributes are sorted;
    ``<br />`` is ``<br>``; entity and character references become the characters they
    stand for (``<``, ``>`` and ``&`` stay escaped; unlike ``normalize.py``, a ``"`` in text
    is the same written as ``"`` or ``&quot;``). URLs are compared as written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.last = "starttag"
        self.last_tag = ""
        self.in_pre = False

    def text(self) -> str:
        return "".join(self.out)

    def _rstrip(self) -> None:
        joined = "".join(self.out).rstrip()
        self.out = [joined]

    def handle_data(self, data: str) -> None:
        after_tag = self.last in ("starttag", "endtag")
        if after_tag and self.last_tag == "br":
            data = data.lstrip("\n")
        if not self.in_pre:
            data = re.sub(r"\s+", " ", data)
        if after_tag and self.last_tag in BLOCK_TAGS and not self.in_pre:
            data = data.lstrip() if self.last == "starttag" else data.strip()
        self.out.append(data)
        self.last = "data"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self.in_pre = True
        if tag in BLOCK_TAGS:
            self._rstrip()
        self.out.append("<" + tag)
        for key, value in sorted(attrs, key=lambda pair: (pair[0], pair[1] or "")):
            self.out.append(f" {key}" if value is None else f' {key}="{escape(value)}"')
        self.out.append(">")
        self.last_tag = tag
        self.last = "starttag"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.last = "endtag"

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.in_pre = False
        elif tag in BLOCK_TAGS:
            self._rstrip()
        self.out.append(f"</{tag}>")
        self.last_tag = tag
        self.last = "endtag"

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")
        self.last = "comment"

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")
        self.last = "decl"

    def unknown_decl(self, data: str) -> None:
        self.handle_decl(data)

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")
        self.last = "pi"

    def _char(self, char: str | None, fallback: str) -> None:
        if char is None:
            self.out.append(fallback)
        else:
            self.out.append({"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(char, char))
        self.last = "ref"

    def handle_entityref(self, name: str) -> None:
        code = name2codepoint.get(name)
        self._char(None if code is None else chr(code), f"&{name};")

    def handle_charref(self, name: str) -> None:
        try:
            number = int(name[1:], 16) if name[:1] in "xX" else int(name)
            char: str | None = chr(number)
        except (ValueError, OverflowError):
            char = None
        self._char(char, f"&#{name};")


def normalise(html: str) -> str:
    parser = Normaliser()
    parser.feed(html)
    parser.close()
    return parser.text()


def spec_passes(render: Callable[[str], str], examples: Sequence[dict[str, Any]]) -> int:
    passed = 0
    for example in examples:
        try:
            got = render(example["markdown"])
        except Exception:  # a parser that raises fails the example
            continue
        passed += normalise(got) == normalise(example["html"])
    return passed


# Numbered lines: list items on 3, 4, 5, 12 and 14; table rows on 7, 9 and 10.
PLAN = """\
# Week 1

- [x] **Adam** (2015) [[pdf]](https://arxiv.org/pdf/1412.6980)
- [ ] see https://arxiv.org/abs/1502.03167 now
  - nested `a/b`

| Title | Link |
|:---|---:|
| 1) **BN** \\| x | [Paper](https://x.org/a.pdf) |
| 2) *LN* | [Paper](https://x.org/b.pdf), [Tweet](https://x.org/t) |

> 1. quoted item
>    continued
> 2. second

Slides at https://example.org/talk.pdf.
"""
EXPECTED_LINES = {"item": [3, 4, 5, 12, 14], "row": [7, 9, 10]}


def features(candidate: Candidate) -> dict[str, str]:
    html = normalise(candidate.html(PLAN))
    rows = re.findall(r"<tr>.*?</tr>", html)
    table = (
        len(rows) == 3
        and re.search(r"<td[^>]*>1\) <strong>BN</strong> \| x</td>", rows[1]) is not None
        and re.search(r'<td[^>]*><a href="https://x.org/a.pdf">Paper</a></td>', rows[1]) is not None
        and rows[2].count("<a ") == 2
    )
    boxes = re.findall(r"<input[^>]*>", html)
    tasks = len(boxes) == 2 and "checked" in boxes[0] and "checked" not in boxes[1]
    bare = '<a href="https://arxiv.org/abs/1502.03167">https://arxiv.org/abs/1502.03167</a>'
    stop = '<a href="https://example.org/talk.pdf">https://example.org/talk.pdf</a>.'
    linked = (bare in html) + (stop in html)
    found = candidate.lines(PLAN)
    if found is None:
        line_maps = {"item": "no", "row": "no"}
    else:
        line_maps = {
            kind: "yes" if found[kind] == want else f"wrong: {found[kind]}"
            for kind, want in EXPECTED_LINES.items()
        }
    return {
        "tables": "yes" if table else "no",
        "task lists": "yes" if tasks else "no",
        "autolinks": {2: "yes", 1: "partly", 0: "no"}[linked],
        "list item lines": line_maps["item"],
        "table row lines": line_maps["row"],
    }


# --- speed -------------------------------------------------------------------------------

TITLES = (
    "Batch Normalization: Accelerating Deep Network Training",
    "Attention Is All You Need",
    "Deep Residual Learning for Image Recognition",
    "Adam: A Method for Stochastic Optimization",
    "Faster R-CNN: Towards Real-Time Object Detection",
    "LoRA: Low-Rank Adaptation of Large Language Models",
    "Обучение представлений без учителя",
    "Layer Normalization",
)


def reading_plan(size: int, seed: int = 16) -> str:
    """A reading plan of about ``size`` characters, written the way real lists are."""
    rng = random.Random(seed)
    out: list[str] = []
    total = 0
    phase = 0
    while total < size:
        phase += 1
        chunk = [f"## Phase {phase}: Foundations {phase}\n\nFolder: `phase{phase:03d}/`.\n"]
        for week in range(1, 5):
            chunk.append(f"### Week {week}. Reading `phase{phase:03d}/week{week}`\n")
            for item in range(6):
                title = rng.choice(TITLES)
                arxiv = f"{rng.randint(1501, 2412)}.{rng.randint(1000, 99999):05d}"
                box = rng.choice(("- [x] ", "- [ ] ", "- ", "1. "))
                chunk.append(
                    f"{box}**{title}** ({rng.randint(1990, 2024)}), A. Author "
                    f"[[pdf]](https://arxiv.org/pdf/{arxiv})"
                )
                if item % 2:
                    chunk.append(
                        f"  - notes in `notes/w{week}_{item}.md`, code: "
                        f"[repo](https://github.com/org/r{item}) *optional*"
                    )
                    chunk.append(f"    - see https://arxiv.org/abs/{arxiv} and `k = O(1/eps^2)`")
            chunk.append("\n| # | Paper | Links |\n|---|---|---|")
            for row in range(1, 6):
                title = rng.choice(TITLES)
                chunk.append(
                    f"| {row}) | **{title}** - summary | [Paper](https://arxiv.org/abs/"
                    f"{rng.randint(1501, 2412)}.{row:05d}), [Tweet](https://x.com/u/{row}) |"
                )
            chunk.append("")
        text = "\n".join(chunk) + "\n"
        out.append(text)
        total += len(text)
    return "".join(out)[:size].rsplit("\n", 1)[0] + "\n"


def adversarial(scale: float) -> dict[str, str]:
    """Inputs that are quadratic for a naive parser, ``scale`` times their full size."""

    def sized(unit: str, total: int) -> str:
        return unit * max(1, int(total * scale) // len(unit))

    return {
        "3 KB heading of spaces": "#" + sized(" ", 3_000) + "a\n",
        "60 KB line of backticked paths": sized("`src/papers/a b.pdf` ", 60_000) + "\n",
        "120 KB of `**“` openers": sized("**“", 120_000) + "\n",
        "65 KB of links": sized("[Paper](https://arxiv.org/abs/1502.03167) ", 65_000) + "\n",
    }


def rotated(items: Sequence[Candidate], turn: int) -> Iterator[Candidate]:
    shift = turn % len(items)
    yield from (*items[shift:], *items[:shift])


def rounds(candidates: Sequence[Candidate], text: str, count: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {c.name: [] for c in candidates}
    for turn in range(count):
        for candidate in rotated(candidates, turn):
            start = time.perf_counter()
            candidate.parse(text)
            samples[candidate.name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def _timed_child(parse: Callable[[str], object], text: str, pipe: Any) -> None:
    start = time.perf_counter()
    parse(text)
    pipe.send(time.perf_counter() - start)


def bounded_rounds(
    candidates: Sequence[Candidate], text: str, count: int, limit: float
) -> dict[str, float | None]:
    """Like ``rounds``, each parse in a forked child; a parser past ``limit`` seconds is
    stopped and given ``None``, and not run again on this text."""
    context = multiprocessing.get_context("fork")
    samples: dict[str, list[float]] = {c.name: [] for c in candidates}
    over: set[str] = set()
    for turn in range(count):
        for candidate in rotated(candidates, turn):
            if candidate.name in over:
                continue
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_timed_child, args=(candidate.parse, text, send))
            child.start()
            if receive.poll(limit):
                samples[candidate.name].append(receive.recv())
            else:
                over.add(candidate.name)
            child.kill()
            child.join()
    return {
        name: None if name in over else statistics.median(values)
        for name, values in samples.items()
    }


# --- report ------------------------------------------------------------------------------


def ms(seconds: float | None, limit: float) -> str:
    if seconds is None:
        return f"> {limit:.0f} s"
    return f"{seconds * 1000:.1f}" if seconds < 0.1 else f"{seconds * 1000:.0f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds on the 4 MB plan")
    parser.add_argument("--small-rounds", type=int, default=15, help="rounds on 40 KB")
    parser.add_argument("--limit", type=float, default=10.0, help="seconds per adversarial run")
    parser.add_argument("--spec", type=Path, default=SPEC, help="the spec's examples (JSON)")
    args = parser.parse_args(argv)
    if not args.spec.is_file():
        raise SystemExit(f"bench: {args.spec} is missing (make bench downloads it)")
    examples = json.loads(args.spec.read_text(encoding="utf-8"))
    candidates = [make() for make in CANDIDATES]

    print(f"Correctness: {len(examples)} CommonMark spec examples, normalised HTML.\n")
    print(
        "| parser | version | spec, CommonMark | spec, as configured for plans | tables "
        "| task lists | autolinks | list item lines | table row lines |"
    )
    print("|---|---|---:|---:|---|---|---|---|---|")
    for candidate in candidates:
        plain = spec_passes(candidate.commonmark_html, examples)
        configured = spec_passes(candidate.html, examples)
        found = features(candidate)
        print(
            f"| {candidate.name} | {version(candidate.package)} | {plain}/{len(examples)} "
            f"| {configured}/{len(examples)} | " + " | ".join(found.values()) + " |",
            flush=True,
        )

    big = reading_plan(4 * 1024 * 1024)
    small = reading_plan(40 * 1024)
    candidates = [*candidates, papershelf_reader(candidates[0])]
    for candidate in candidates:  # warm up: imports, compiled patterns, caches
        candidate.parse(small)
    timings = {
        "4 MB plan": rounds(candidates, big, args.rounds),
        "40 KB plan": rounds(candidates, small, args.small_rounds),
    }
    print(
        f"\nSpeed: parse to tokens or a tree (no HTML), median of {args.rounds} interleaved "
        f"rounds on the 4 MB plan ({len(big.splitlines()):,} lines) and of "
        f"{args.small_rounds} on 40 KB; ms, and the ratio to {REFERENCE}.\n"
    )
    names = [c.name for c in candidates]
    print("| input | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for label, medians in timings.items():
        base = medians[REFERENCE]
        cells = [f"{medians[n] * 1000:.0f} ms ({medians[n] / base:.2f}×)" for n in names]
        print(f"| {label} | " + " | ".join(cells) + " |", flush=True)

    print(
        f"\nAdversarial inputs: median of 3 interleaved rounds, ms at full size, and "
        f"(in brackets) full size ÷ half size: about 2 when linear, 4 when quadratic; "
        f"a run past {args.limit:.0f} s is stopped.\n"
    )
    print("| input | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    full, half = adversarial(1.0), adversarial(0.5)
    for label in full:
        at_full = bounded_rounds(candidates, full[label], 3, args.limit)
        at_half = bounded_rounds(candidates, half[label], 3, args.limit)
        cells = []
        for name in names:
            whole, part = at_full[name], at_half[name]
            growth = f" ({whole / part:.1f})" if whole is not None and part else ""
            cells.append(ms(whole, args.limit) + growth)
        print(f"| {label} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
