"""Read a plan's markdown into phases, steps and items; nothing in a plan makes it fail.

What is understood (the README's "Writing a plan papershelf understands"):
headings that name a phase or a step in English or Russian, and numbered
headings (``## 3. Detection``); backticked paths, with a plain ``/rest`` after
the closing backtick (`` `06_Engineering_&_Tuning`/Разработка LLM с нуля ``),
and any backticked name a folder word calls a folder (``Папка `неделя 1`.``) or
that a phase or step heading names alone (``## Week 1: `week 1```);
markdown links to local files and folders; papers as bold quoted titles
(``**"LoRA"**``), as links to a paper (arXiv, doi.org, OpenReview, ACL
Anthology, any ``.pdf``) and as list items carrying an arXiv id. A path is read
from the plan root when it starts with a section, else from the folder the
step last sent the reader to. A plan with no headings is one flat list.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from papershelf.papers import ids as paper_ids
from papershelf.readingplan.model import Item, Phase, ReadingPlan, Step, TooManyItems
from papershelf.readingplan.names import DOCUMENT_SUFFIXES

# Heading words, each with the label papershelf uses for it in messages.
PHASE_WORDS: dict[str, str] = {
    "phase": "Phase",
    "stage": "Stage",
    "part": "Part",
    "module": "Module",
    "week": "Week",
    "фаза": "Phase",
    "этап": "Stage",
    "часть": "Part",
    "модуль": "Module",
    "неделя": "Week",
}
STEP_WORDS: dict[str, str] = {
    "step": "step",
    "lesson": "lesson",
    "branch": "branch",
    "track": "track",
    "day": "day",
    "шаг": "step",
    "урок": "lesson",
    "ветка": "branch",
    "трек": "track",
    "день": "day",
}

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBERED = re.compile(r"^\W*(\d+(?:\.\d+)*)[.):]?\s+\S")
_LABEL_NUMBER = re.compile(r"\s*[-–—:]?\s*(\d+(?:\.\d+)*|[A-ZА-ЯЁ]\b)")
# A backticked path, and a plain "/rest" glued after the closing backtick (up to a
# sentence's end: a dot followed by a space or the line's end stops it).
_PATH = re.compile(r"`([^`\n]+)`(/(?:[^`*\n.]|\.(?!\s|$))*[^`*\s.,;:)])?")
# A paragraph opening with a word and a number or letter ("Step 2,", "Branch A:"), and
# where its title ends (a colon, a dash, "go to").
_STEP_LEAD = re.compile(r"^\s*(?:\*\*|__)?([^\W\d_]+)\s+(?:\d+(?:\.\d+)*|[A-ZА-ЯЁ])\b\s*[,.:—–-]")
_STEP_TITLE_END = re.compile(r"\s*(?::|\s[—–-]\s)")
# A glued "/rest" written in quotes: the name is what the quotes hold.
_QUOTED_REST = re.compile(r"/\s*[\"“«]([^\"”»\n]+)[\"”»]")
# A list item that opens with a quoted title, or with "Read" and one: `1. "LoRA": …`.
_LEAD_TITLE = re.compile(
    r"^\s*(?:(?:[-*+]|\d+[.)])\s+)+(?:\[[ xX]\]\s+)?"
    r"(?:(?:read|study|прочитать|прочти|читать|изучить)\s+)?[\"“«]([^\"”»\n]+)[\"”»]",
    re.IGNORECASE,
)
_TITLE = re.compile(r"\*\*\s*[\"“«]([^\"”»\n]+)[\"”»]\s*\*\*")
_LINK = re.compile(r"(?<!!)\[([^\[\]\n]*)\]\(\s*<?([^()<>\s]+(?:\([^()\s]*\)[^()<>\s]*)?)>?\s*\)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LIST_NUMBER = re.compile(r"^\s*(\d+)[.)]\s")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
CHECKBOX = re.compile(r"^\s*(?:(?:[-*+]|\d+[.)])\s+)+\[([ xX])\]\s")
_SECTIONISH = re.compile(r"^(\d\d|xx)_", re.IGNORECASE)
_FILE_SUFFIX = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,5}$")
# A word that says the backticked name beside it is a folder: "Folder: `week 1`",
# "в папке `неделя 1`", "the `week 1` folder".
_FOLDER_WORD = (
    r"(?:folders?|directory|directories|dir|папк[аеиуыой]*|подпапк[аеиуыой]*"
    r"|каталог\w*|директори\w*)"
)
_FOLDER_BEFORE = re.compile(rf"(?i)(?<!\w){_FOLDER_WORD}\s*[:—–-]?\s*$")
_FOLDER_AFTER = re.compile(rf"(?i)\s*[—–-]?\s*{_FOLDER_WORD}(?!\w)")
# Inline code, never a folder: calls, options, operators, quotes, shell commands.
_CODE = re.compile(
    r"[()\[\]{}=<>$|;\"\\]|::|\s-|^(?:pip3?|python3?|conda|git|uv|npm|make|cd|ls|docker|bash|sh"
    r"|apt|apt-get|brew|cargo|jupyter|poetry|pytest)\s"
)
_PAPER_URL = re.compile(
    r"(?i)^https?://(?:[\w-]+\.)*(?:arxiv\.org/(?:abs|pdf)/|doi\.org/|openreview\.net/"
    r"(?:forum|pdf)|aclanthology\.org/|www\.aclweb\.org/anthology/)|\.pdf(?:[?#].*)?$"
)


class Words(NamedTuple):
    """Heading words that open a phase or a step, each mapped to its message label."""

    phase: Mapping[str, str]
    step: Mapping[str, str]

    def find(self, table: Mapping[str, str], title: str) -> tuple[str, str] | None:
        """``(label, number)`` of the first heading word of ``table`` in ``title``."""
        for match in re.finditer(r"\w+", title):
            label = table.get(match[0].casefold())
            if label is not None:
                number = _LABEL_NUMBER.match(title, match.end())
                return label, number[1] if number else ""
        return None


DEFAULT_WORDS = Words(PHASE_WORDS, STEP_WORDS)


def looks_like_path(text: str) -> bool:
    """Backticks also hold terms (``venv``) and suffix lists (``.rar/.zip``): skip those."""
    text = text.strip()
    if not text or text.startswith((".", "-", "$", "#")) or "://" in text:
        return False
    if " " in text and "/" not in text and not _SECTIONISH.match(text):
        return False
    return "/" in text or bool(_SECTIONISH.match(text)) or bool(_FILE_SUFFIX.search(text))


def _clean_heading(text: str) -> str:
    return re.sub(r"[*_`]", "", text).strip().rstrip(":").strip()


def _is_document(path: str) -> bool:
    return path.lower().endswith(DOCUMENT_SUFFIXES) and not path.lower().endswith(".md")


class _Parser:
    def __init__(self, sections: set[str], words: Words, base: str, plan_file: str | None) -> None:
        self.sections = sections
        self.words = words
        self.base = base  # the plan file's folder, relative to the plan root
        self.plan_file = plan_file
        self.title = ""
        self.phases: list[Phase] = []
        self.structured = False
        self.context = ""  # the folder the current step sent the reader to
        self.phase_level = 0
        self.phase_named = False  # the phase was opened by a phase word or a number
        self.in_list = False  # the line being read is a list item
        self.phase_label = ""
        self.step_label = ""
        self.step_numbered = False

    @property
    def step(self) -> Step:
        if not self.phases:
            self.phases.append(Phase("", 0))
        phase = self.phases[-1]
        if not phase.steps:
            phase.steps.append(Step("", phase.line))
        return phase.steps[-1]

    def heading(self, level: int, text: str, number: int) -> str:
        """Open a phase or a step; returns what the heading was taken for."""
        title = _clean_heading(text)
        if level == 1 and not self.title:
            self.title = title
            return "title"
        # a word in backticks is a name (`неделя 1`), not a heading word
        spoken = _clean_heading(re.sub(r"`[^`\n]*`", " ", text))
        phase_word = self.words.find(self.words.phase, spoken)
        step_word = self.words.find(self.words.step, spoken)
        numbered = _NUMBERED.match(title)
        under_phase = 0 < self.phase_level < level
        if phase_word and under_phase and self.phase_named and not step_word:
            # "### Week 1" under "## Phase 1": a part of that phase, named by its word (under
            # a heading that names no phase, "## Action plan", it is a phase of its own)
            step_word = phase_word
            phase_word = None
        # a heading as high as the phase's own ("### Reading method" beside "### Phase 2")
        # ends that phase, word or not
        beside = 0 < level <= self.phase_level
        if phase_word or (not step_word and not under_phase and (level <= 2 or numbered or beside)):
            self.structured = self.structured or bool(phase_word or numbered)
            self.phases.append(Phase(title, number))
            self.phase_level = level
            self.phase_named = bool(phase_word or numbered)
            self.phase_label = f"{phase_word[0]} {phase_word[1]}".strip() if phase_word else title
            self.step_label, self.step_numbered = "", False
            self.context = ""
            return "phase"
        if step_word or numbered:
            self.structured = True
            if not self.phases:
                self.phases.append(Phase("", 0))
            self.phases[-1].steps.append(Step(title, number))
            if step_word:
                self.step_label = f"{step_word[0]} {step_word[1]}".strip()
            else:
                self.step_label = title
            self.step_numbered = bool(step_word and step_word[1])
            self.context = ""
            return "step"
        return "note"  # headings inside a step neither open a step nor change context

    def step_line(self, raw: str, number: int) -> bool:
        """A paragraph that opens with a step word and its number ("Step 2, the cult of
        data — go to `01_Data_Centric_AI`:") opens that step, as its heading would."""
        if _LIST_ITEM.match(raw):
            return False
        lead = _STEP_LEAD.match(raw)
        if lead is None or lead[1].casefold() not in self.words.step:
            return False
        title = _clean_heading(_STEP_TITLE_END.split(raw.strip(), 1)[0])
        self.heading(self.phase_level + 1 if self.phase_level else 3, title, number)
        return True

    def step_name(self, raw: str) -> str:
        listed = _LIST_NUMBER.match(raw)
        phase, step = self.phase_label, self.step_label
        if listed:
            if step and self.step_numbered:
                step = f"{step}.{listed[1]}"
            elif not step and phase:
                step = f"step {listed[1]}"
        return ", ".join(part for part in (phase, step) if part)

    def is_rooted(self, path: str) -> bool:
        first = path.split("/")[0]
        if self.sections:
            return first in self.sections
        return bool(_SECTIONISH.match(first))

    def _item(self, kind: str, name: str, number: int, **extra: object) -> Item:
        item = Item(kind, name, number, plan_file=self.plan_file, end_line=number)
        for key, value in extra.items():
            setattr(item, key, value)
        return item

    def _place(self, item: Item, token: str, linked: bool, slashed: bool = False) -> None:
        """Set where a path reference points: from the root, the link's file or the step."""
        if self.is_rooted(token) and not self._inside_step_folder(token):
            item.path = token
            if item.kind == "folder":
                self.context = token
        elif linked:  # a markdown link starts at the plan file's own folder
            item.path = posixpath.normpath(posixpath.join(self.base, token)) if self.base else token
            if item.kind == "folder":
                self.context = item.path
        elif slashed or (
            looks_like_path(token) and ("/" in token or "_" in token or item.kind == "file")
        ):
            inside = (
                not self.context or token == self.context or token.startswith(self.context + "/")
            )
            item.path = token if inside else posixpath.join(self.context, token)
            # without the shipped sections, the first folder a step names is where it goes
            item.placed = bool(self.context) or not self.sections
            if not self.context and not self.sections and item.kind == "folder":
                self.context = token
        else:
            item.path, item.anywhere = None, True  # a bare word: a folder only if one exists

    def _inside_step_folder(self, token: str) -> bool:
        """Without the shipped sections a numbered name looks top-level; but in a list item
        of a step that sent the reader to ``01_Data_Centric_AI``, ``02_Data_Filtering_Quality``
        is a folder inside it."""
        return (
            not self.sections
            and self.in_list
            and bool(self.context)
            and token.split("/")[0] != self.context.split("/")[0]
        )

    def _link(self, match: re.Match[str], number: int) -> Item | None:
        """``[text](target)``: a paper by its URL or local file, else a local path."""
        text, target = match[1].strip(), match[2]
        if "://" in target or target.startswith(("mailto:", "#")):
            if _PAPER_URL.search(target) and _has_words(text):
                paper = self._item("paper", _clean_title(text), number, remote=True)
                paper.identifiers = (target, *_url_identifiers(target))
                return paper
            return None
        token = target.split("#")[0].strip("/").replace("%20", " ")
        if not token or (token.startswith(".") and not token.startswith(("./", "../"))):
            return None
        if posixpath.normpath(posixpath.join(self.base, token)).split("/")[0] == "..":
            return None  # out of the repository: nothing to check, create or move files into
        if _is_document(token):
            name = _clean_title(text) if _has_words(text) else _stem(token)
            paper = self._item("paper", name, number, written=token)
            self._place(paper, token, linked=True)
            return paper
        kind = "file" if _FILE_SUFFIX.search(token) else "folder"
        item = self._item(kind, token, number, written=token)
        self._place(item, token, linked=True)
        return item

    def _path(self, match: re.Match[str], number: int, folder: bool = False) -> Item | None:
        """A backticked path (with a plain ``/rest`` glued after it); with ``folder``, the
        context calls it a folder, so even a name with spaces (`неделя 1`) is one."""
        rest = match[2] or ""
        quoted = _QUOTED_REST.match(rest)
        if quoted:  # `06_Engineering_&_Tuning`/"Разработка LLM с нуля": the quotes are prose
            rest = "/" + quoted[1]
        token = (match[1] + rest).strip()
        # `evaluation/`, or "Folder: `week 1`": a folder, however short its name
        slashed = token.endswith("/") or (folder and not _CODE.search(token))
        token = token.strip("/")
        if not token or token.startswith((".", "-", "$", "#")) or "://" in token:
            return None
        if token.lower().endswith(DOCUMENT_SUFFIXES) and "/" not in token:
            if token.lower().endswith(".md"):
                return self._item("file", token, number, anywhere=True)
            return self._item("paper", _stem(token), number, written=token)
        if " " in token and "/" not in token and not _SECTIONISH.match(token) and not slashed:
            return None  # a term, not a path
        kind = "file" if token.lower().endswith(DOCUMENT_SUFFIXES) else "folder"
        item = self._item(kind, token, number)
        self._place(item, token, linked=False, slashed=slashed)
        if looks_like_path(token) or slashed:
            item.written = token
        return item

    def heading_folder(self, text: str, number: int, opens: bool) -> list[Item]:
        """The one backticked name of a phase or step heading (`## Week 1: `week 1``), or
        of any heading a folder word names it in (`#### Папка `неделя 1``): the step's
        folder. Two names, or inline code, say nothing about a folder."""
        names = list(_PATH.finditer(text))
        if len(names) != 1 or _CODE.search(names[0][1]):
            return []
        if not opens and not _called_a_folder(text, names[0]):
            return []
        item = self._path(names[0], number, folder=True)
        if item is None or item.kind != "folder":
            return []
        if item.path:
            self.context = item.path
        item.step = self.step_name("")
        item.phase = self.phases[-1].title if self.phases else ""
        self.step.items.append(item)
        return [item]

    def _page_links(self, links: list[re.Match[str]], number: int) -> list[tuple[int, Item]]:
        """Titled links to a web page that is not a paper site, as candidate titles."""
        pages: list[tuple[int, Item]] = []
        for link in links:
            if "://" in link[2] and _has_words(link[1]) and not _PAPER_URL.search(link[2]):
                page = self._item("paper", _clean_title(link[1]), number, remote=True)
                page.identifiers = (link[2], *_url_identifiers(link[2]))
                pages.append((link.start(), page))
        return pages

    def line(self, raw: str, number: int) -> list[Item]:
        self.in_list = bool(_LIST_ITEM.match(raw))
        found: list[tuple[int, Item]] = []
        papers: list[tuple[int, Item]] = []
        links = list(_LINK.finditer(raw))
        paths = [
            match
            for match in _PATH.finditer(raw)
            if not any(link.start() <= match.start() < link.end() for link in links)
        ]
        # In the order written: a folder named first is where the later ones are read from.
        for match in sorted([*links, *paths], key=lambda match: match.start()):
            if match.re is _LINK:
                read = self._link(match, number)
            else:
                read = self._path(match, number, _called_a_folder(raw, match))
            if read is not None:
                (papers if read.kind == "paper" else found).append((match.start(), read))
        local_paper = next((p for _, p in papers if p.kind == "paper" and p.written), None)
        pages: list[
            tuple[int, Item]
        ] = []  # `[📄](x.pdf) [Title](https://dl.acm.org/…)`: titled by a web page's link
        if local_paper is not None and not any(p.remote for _, p in papers):
            pages = self._page_links(links, number)
        for match in _TITLE.finditer(raw):
            papers.append((match.start(), self._item("paper", match[1].strip(), number)))
        lead = _LEAD_TITLE.match(raw) if not papers else None
        if lead is not None and _has_words(lead[1]):
            papers.append((lead.start(1), self._item("paper", lead[1].strip(), number)))
        ids = _identifiers(raw)
        if not papers and ids and _LIST_ITEM.match(raw) and paper_ids.WRITTEN_ARXIV.search(raw):
            papers.append((0, self._item("paper", _title_beside_id(raw), number)))
        papers = _one_paper_per_local_link(papers + pages, local_paper)
        papers = [(at, paper) for at, paper in papers if all(paper is not p for _, p in pages)]
        same_line = next((i.path for _, i in found if i.kind == "folder" and i.path), None)
        for _, paper in papers:
            if paper.path is None:
                paper.path = same_line or self.context or None
            if len(papers) == 1:
                paper.identifiers = tuple(dict.fromkeys((*paper.identifiers, *ids)))
        items = [item for _, item in sorted([*found, *papers], key=lambda pair: pair[0])]
        checkbox = CHECKBOX.match(raw)
        for item in items:
            item.step = self.step_name(raw)
            item.phase = self.phases[-1].title if self.phases else ""
            if checkbox:
                item.read = checkbox[1] != " "
        self.step.items.extend(items)
        return items


def _called_a_folder(raw: str, match: re.Match[str]) -> bool:
    """Whether a folder word stands right before or after the backticked name."""
    return bool(
        _FOLDER_BEFORE.search(raw, 0, match.start()) or _FOLDER_AFTER.match(raw, match.end())
    )


def _has_words(text: str) -> bool:
    return bool(re.search(r"[^\W\d_]{2,}", text))


def _clean_title(text: str) -> str:
    return re.sub(r"[*_`]", "", text).strip().strip("\"“”«»'").strip()


def _stem(path: str) -> str:
    name = path.rpartition("/")[2]
    return name.rpartition(".")[0] or name


def _identifiers(text: str) -> tuple[str, ...]:
    found = [f"arXiv:{match[1]}" for match in paper_ids.WRITTEN_ARXIV.finditer(text)]
    found += [f"doi:{match[1]}" for match in paper_ids.DOI.finditer(text)]
    return tuple(dict.fromkeys(found))


_ARXIV_URL = re.compile(rf"(?i)arxiv\.org/(?:abs|pdf)/({paper_ids.ARXIV_ID})")
_DOI_URL = re.compile(r"(?i)doi\.org/(10\.\d{4,9}/\S+)")


def _url_identifiers(url: str) -> tuple[str, ...]:
    found = [f"arXiv:{match[1]}" for match in _ARXIV_URL.finditer(url)]
    found += [f"doi:{match[1]}" for match in _DOI_URL.finditer(url)]
    return tuple(found)


def _title_beside_id(raw: str) -> str:
    text = _LIST_ITEM.sub("", raw, count=1)
    text = CHECKBOX.sub("", text)
    title = paper_ids.WRITTEN_ARXIV.sub("", text)
    title = re.sub(r"[\[\]()*_`]", " ", title)
    title = re.sub(r"\s+", " ", title).strip(" -–—:,.")
    match = paper_ids.WRITTEN_ARXIV.search(text)
    return title if _has_words(title) else (match[1] if match else text.strip())


def _one_paper_per_local_link(
    papers: list[tuple[int, Item]], local: Item | None
) -> list[tuple[int, Item]]:
    """``* [📄](local.pdf) [Title](https://…)``: one paper, titled, at the local file."""
    if local is None or len(papers) < 2:
        return papers
    titled = [item for _, item in papers if item is not local and item.remote]
    if len(titled) != 1 or (_has_words(local.name) and local.name != _stem(local.written)):
        return papers
    other = titled[0]
    local.name = other.name
    local.identifiers = tuple(dict.fromkeys((*local.identifiers, *other.identifiers)))
    return [(position, item) for position, item in papers if item is not other]


def parse(
    text: str,
    sections: set[str] | None = None,
    *,
    words: Words = DEFAULT_WORDS,
    base: str = "",
    plan_file: str | None = None,
    max_items: int | None = None,
) -> ReadingPlan:
    """The plan's phases, steps and items; ``sections`` are top-level folder names and
    ``base`` the plan file's folder (relative to the plan root), where its links start.
    Past ``max_items`` items it stops: :class:`TooManyItems` names the line."""
    plan, _ = _parse(text, sections, words, base, plan_file, max_items)
    return plan


def explain(
    text: str, sections: set[str] | None = None, *, words: Words = DEFAULT_WORDS, base: str = ""
) -> Iterator[tuple[int, str, str]]:
    """``(line, raw text, what it was taken for)`` for every non-blank line of the plan."""
    _, notes = _parse(text, sections, words, base, None)
    yield from notes


def _parse(
    text: str,
    sections: set[str] | None,
    words: Words,
    base: str,
    plan_file: str | None,
    max_items: int | None = None,
) -> tuple[ReadingPlan, list[tuple[int, str, str]]]:
    parser = _Parser(sections or set(), words, base, plan_file)
    notes: list[tuple[int, str, str]] = []
    fenced = False
    count, limit = 0, max_items if max_items is not None else -1
    for number, raw in enumerate(text.splitlines(), 1):
        if _FENCE.match(raw):
            fenced = not fenced
            notes.append((number, raw, "ignored: code fence"))
            continue
        if fenced:
            notes.append((number, raw, "ignored: inside a code block"))
            continue
        if not raw.strip():
            continue
        heading = _HEADING.match(raw)
        if heading:
            taken = parser.heading(len(heading[1]), heading[2], number)
            label = parser.phase_label if taken == "phase" else parser.step_label
            named = f" ({label})" if taken in ("phase", "step") and label else ""
            opens = taken in ("phase", "step")
            folder = parser.heading_folder(heading[2], number, opens) if taken != "title" else []
            named += "".join(f"; {_describe(item)}" for item in folder)
            count += len(folder)
            if count > limit >= 0:
                raise TooManyItems(number)
            if taken == "note":
                named = _NOTE + named
            notes.append((number, raw, f"{taken}{named}" if taken != "note" else named))
            continue
        opened = parser.step_line(raw, number)
        items = parser.line(raw, number)
        count += len(items)
        if count > limit >= 0:
            raise TooManyItems(number)
        if opened:
            step = f"step ({parser.step_label})"
            described = "; ".join([step, *(_describe(item) for item in items)])
            notes.append((number, raw, described))
        elif items:
            described = "; ".join(_describe(item) for item in items)
            notes.append((number, raw, described))
        else:
            notes.append((number, raw, _ignored(raw)))
    phases = parser.phases
    if not parser.structured:
        items = [item for phase in phases for step in phase.steps for item in step.items]
        for item in items:
            item.step = ""
            item.phase = ""
        phases = [Phase("", 0, [Step("", 0, items)])]
    plan = ReadingPlan(parser.title, phases, parser.structured, plan_file)
    if parser.structured:
        plan.prune()
    return plan, notes


def _ignored(raw: str) -> str:
    """Why a line gave nothing: the backticked words it holds that are not paths."""
    terms = [match[1].strip() for match in _PATH.finditer(raw) if match[1].strip()]
    if terms:
        listed = ", ".join(f"`{term}`" for term in terms[:4])
        return (
            f"ignored: {listed} not taken for a path (a path has a `/`, a file suffix, "
            "a trailing `/`, a `NN_` section prefix or the word folder or папка before it)"
        )
    if _LINK.search(raw):
        return "ignored: its links lead to no local file and no paper (arXiv, doi.org, .pdf …)"
    return "ignored: names no folder, file or paper"


_NOTE = "a heading inside a step: neither a phase nor a step (no phase or step word, no number)"


def _describe(item: Item) -> str:
    bare = " wherever the repository has it (a bare name: ignored when it has none)"
    where = f" at {item.path}" if item.path else (bare if item.anywhere else "")
    step = f" ({item.step})" if item.step else ""
    extra = ", online" if item.remote else ""
    if item.identifiers:
        extra += ", " + ", ".join(item.identifiers)
    if item.read is not None:
        extra += ", read" if item.read else ", not read yet"
    return f"{item.kind} {item.label}{where}{step}{extra}"
