"""What a plan's code spans and local links point at: folders, files and local papers.

A path is read from the plan root when it starts with a section (or, without the
shipped sections, a numbered ``NN_`` name), from the plan file's own folder when it
is a link, else from the folder the step sent the reader to.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import unquote

from papershelf.plan.model import Item, Kind
from papershelf.plan.names import DOCUMENT_SUFFIXES, strip_suffix
from papershelf.plan.titles import names_material
from papershelf.plan.tree import Inline, Span

SECTIONISH = re.compile(r"^(\d\d|xx)_", re.IGNORECASE)
FILE_SUFFIX = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,5}$")
# Inline code that is never a folder: calls, options, operators, quotes, formulas, commands.
CODE = re.compile(
    r"[()\[\]{}=<>$|;\"\\^+]|::|\s-|^(?:pip3?|python3?|conda|git|uv|npm|make|cd|ls|docker|bash"
    r"|sh|apt|apt-get|brew|cargo|jupyter|poetry|pytest)\s"
)
# A word that calls the backticked name beside it a folder: "Folder: `week 1`",
# "в папке `неделя 1`", "the `week 1` folder".
_FOLDER_WORD = (
    r"(?:folders?|directory|directories|dir|папк[аеиуыой]*|подпапк[аеиуыой]*"
    r"|каталог\w*|директори\w*)"
)
FOLDER_BEFORE = re.compile(rf"(?i)(?<!\w){_FOLDER_WORD}\s*[:—–-]?\s*$")
FOLDER_AFTER = re.compile(rf"(?i)^\s*[—–-]?\s*{_FOLDER_WORD}(?!\w)")
# A plain "/rest" glued after a closing backtick, up to a sentence's end.
GLUED_REST = re.compile(r"^/(?:[^`*\n.]|\.(?!\s|$))*[^`*\s.,;:)]")
QUOTED_REST = re.compile(r"^/\s*[\"“«]([^\"”»\n]+)[\"”»]")


def looks_like_path(text: str) -> bool:
    """Backticks also hold terms (``venv``), suffix lists (``.rar/.zip``) and formulas."""
    text = text.strip()
    if not text or text.startswith((".", "-", "$", "#", "/")) or "://" in text or CODE.search(text):
        return False
    if " " in text and not SECTIONISH.match(text):
        return False
    return "/" in text or bool(SECTIONISH.match(text)) or bool(FILE_SUFFIX.search(text))


def is_document(path: str) -> bool:
    return path.lower().endswith(DOCUMENT_SUFFIXES) and not path.lower().endswith(".md")


def stem(path: str) -> str:
    """A file's name without its suffix (``x.pdf.gz`` is ``x``), as a paper's title."""
    return strip_suffix(path.rpartition("/")[2])


def local_target(target: str, base: str) -> str | None:
    """A link's target as a path from the plan root (``./week01`` is ``week01``, ``%26``
    is ``&``); None when it leaves the repository or is no file at all."""
    if target.startswith(("#", "mailto:", "/")) or "://" in target:
        return None
    token = unquote(target.split("#")[0].split("?")[0]).strip()
    if not token or (token.startswith(".") and not token.startswith(("./", "../"))):
        return None
    joined = posixpath.normpath(posixpath.join(base, token)) if base else posixpath.normpath(token)
    if joined == "." or joined.split("/")[0] == "..":
        return None  # the plan's own folder, or out of the repository
    return joined


class Spot(NamedTuple):
    """Where a block is read: the folder the reader was sent to, and what the block is."""

    context: str
    in_list: bool = False  # a list item
    alone: bool = False  # one code span is all it says


def called_a_folder(spans: Sequence[Span], index: int) -> bool:
    """Whether a folder word stands right before or after the code span."""
    before = spans[index - 1].text[-40:] if index else ""
    after = spans[index + 1].text[:40] if index + 1 < len(spans) else ""
    return bool(FOLDER_BEFORE.search(before) or FOLDER_AFTER.match(after))


# `(example: `out-of-the-tar-pit.pdf`)`, `e.g. `notes/``: a name shown as an illustration
_EXAMPLE_BEFORE = re.compile(
    r"(?i)(?:\bexamples?|\be\.\s?g\.|\bfor instance|\bsuch as|\bнапример)\s*[:,]?\s*$"
)


def an_example(spans: Sequence[Span], index: int) -> bool:
    """Whether the code span is an example of a name (``example: `x.pdf```), not one."""
    return bool(index and _EXAMPLE_BEFORE.search(spans[index - 1].text[-40:]))


def _code_token(spans: Sequence[Span], index: int) -> str:
    """The code span's text, with a plain ``/rest`` glued after it (without its quotes:
    `` `06_Engineering_&_Tuning`/"Разработка LLM с нуля" ``)."""
    token = spans[index].text
    after = spans[index + 1] if index + 1 < len(spans) else None
    if after is not None and after.kind is Inline.TEXT:
        quoted = QUOTED_REST.match(after.text)
        glued = GLUED_REST.match(after.text)
        if quoted:
            return token + "/" + quoted[1]
        if glued:
            return token + glued[0]
    return token


def _not_a_path(token: str) -> bool:
    if not token or token.startswith((".", "-", "$", "#")) or "://" in token:
        return True
    return CODE.search(token) is not None  # a call, an option, a formula, a command


class _Place(NamedTuple):
    path: str | None  # None: a bare name, wherever the repository has it
    placed: bool  # False: the path is a guess (no section, link or step folder)
    sends: bool  # a folder that sends the reader there


class PathReader:
    """Turns code spans and local links into folder, file and local-paper items."""

    def __init__(self, sections: set[str], base: str, plan_file: str | None) -> None:
        self.sections = sections
        self.base = base  # the plan file's folder, relative to the plan root
        self.plan_file = plan_file

    def is_rooted(self, path: str) -> bool:
        first = path.split("/")[0]
        if self.sections:
            return first in self.sections
        return bool(SECTIONISH.match(first))

    def code(
        self, spans: Sequence[Span], index: int, spot: Spot, folder: bool = False
    ) -> tuple[Item | None, bool]:
        """A code span naming a path, and whether it sends the reader there; with
        ``folder``, a folder word calls it one, so even a name with spaces is one."""
        token, line = _code_token(spans, index).strip(), spans[index].line
        slashed = token.endswith("/") or folder
        token = token.strip("/")
        if _not_a_path(token) or an_example(spans, index):
            return None, False
        if token.lower().endswith(DOCUMENT_SUFFIXES) and "/" not in token:
            if token.lower().endswith(".md"):
                return self._item(Kind.FILE, token, line, anywhere=True), False
            return self._item(Kind.PAPER, stem(token), line, written=token), False
        if " " in token and not SECTIONISH.match(token) and not slashed:
            return None, False  # a term, not a path
        kind = Kind.FILE if FILE_SUFFIX.search(token) and not slashed else Kind.FOLDER
        place = self._place(kind, token, spot, slashed)
        item = self._item(
            kind, token, line, path=place.path, placed=place.placed, anywhere=place.path is None
        )
        if item.path is not None:
            item = item.but(written=token, mentioned=self._in_passing(item, token, spot, slashed))
        return item, place.sends

    def _in_passing(self, item: Item, token: str, spot: Spot, slashed: bool) -> bool:
        """Named in a sentence of a list item (a paragraph's folder is a direction), in a
        step that sends the reader nowhere: perhaps a path in someone else's tree."""
        directed = slashed or spot.alone or SECTIONISH.match(token) is not None
        in_passing = (spot.in_list or item.kind == Kind.FILE) and not spot.context
        return in_passing and not (directed or self.is_rooted(token))

    def _place(self, kind: Kind, token: str, spot: Spot, slashed: bool) -> _Place:
        """Where a code span's path points, and whether it is a folder that sends the
        reader there."""
        context = spot.context
        rooted = self.is_rooted(token)
        if rooted and spot.in_list and context and not self.sections:
            # in a list item of a step that went to `01_Data_Centric_AI`, a numbered name
            # (`02_Data_Filtering_Quality`) is inside it
            rooted = token.split("/")[0] == context.split("/")[0]
        if rooted:
            return _Place(token, True, kind == Kind.FOLDER)
        pathlike = looks_like_path(token) and ("/" in token or "_" in token)
        if slashed or pathlike or (looks_like_path(token) and kind == Kind.FILE):
            inside = not context or token == context or token.startswith(context + "/")
            path = token if inside else posixpath.join(context, token)
            # without the shipped sections, the first folder a step names is where it goes
            sends = not context and not self.sections and kind == Kind.FOLDER
            return _Place(path, bool(context) or not self.sections, sends)
        return _Place(None, True, False)  # a bare word: a folder only if one exists

    def link(self, span: Span, title: str | None) -> Item | None:
        """A link to a local folder, file or document (``title``: its text, when that is a
        title), expected where it points."""
        token = local_target(span.target, "")
        if self.base and (token is None or not self.is_rooted(token)):
            token = local_target(span.target, self.base)  # a section's path is from the root
        if token is None:
            return None
        if is_document(token) and title is None and names_material(span.text):
            return self._item(Kind.FILE, token, span.line, written=token, path=token)  # slides
        if is_document(token):
            name = title or stem(token)
            return self._item(Kind.PAPER, name, span.line, written=token, path=token)
        kind = Kind.FILE if FILE_SUFFIX.search(token) else Kind.FOLDER
        return self._item(kind, token, span.line, written=token, path=token)

    def _item(self, kind: Kind, name: str, line: int, **extra: object) -> Item:
        return Item(kind, name, line, plan_file=self.plan_file, end_line=line, **extra)  # type: ignore[arg-type]
