"""Titles compared the way a reader compares them.

A title is reduced to its letters and digits (case, accents, punctuation,
spacing, hyphenation and line breaks gone; ``π`` read as ``pi``, ``ﬁ`` as
``fi``). A PDF's text is cut into *segments* — its lines, split again at a
colon or dash that opens a subtitle — and a plan's title is found only as a
run of whole segments: "Functional Programming" is not found in "Why
Functional Programming Matters", and a title cited in an abstract is not the
paper's title. Small spelling differences are tolerated through an edit-distance
ratio (rapidfuzz), stricter the shorter the title.

A plan's label often carries more than the title — ``“Title” (1905) — Author``,
``Author, Title``, ``Title (NeurIPS 2017)`` — and :func:`forms` gives the title
a librarian would read in it, tried after the label as written.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence

# How much of a first page is its title region: the lines before the abstract, at most.
HEAD_LINES = 40
HEAD_CHARACTERS = 2000
MAX_SEGMENTS_PER_SPAN = 4
# No paper's title is longer: a longer metadata title is not one, and what is compared
# (a first-page line, a guess at a title) is cut there, so matching costs the same for
# a hostile PDF as for a paper.
TITLE_MAX = 300
HEAD_SEGMENTS_MAX = 60
_SEGMENT_BREAK = re.compile(r"\s*(?::|—|–|\s-\s)\s*")
_NOT_WORD = re.compile(r"[\W_]+")
_HEAD_END = re.compile(r"^\s*(?:abstract|summary|(?:1\.?\s*|i\.\s*)?introduction)\b", re.I)
# Metadata titles that name the file or the tool, not the paper: what an editor, a
# note-taking app or a scanner writes by default, and file names.
_JUNK_TITLE = re.compile(
    r"(?i)^(?:untitled|microsoft (?:word|powerpoint|excel)|arxiv:|powerpoint presentation"
    r"|google (?:docs|slides)|без названия|безымянный)\b"
    r"|^(?:new|blank|my|empty|scanned)\s+(?:note|document|page|presentation|file|scan|pdf)s?\b"
    r"|^(?:title|document|slide|paper|main|root|note|notes|page|scan|image|presentation|doc"
    r"|draft|slides|lecture notes|новая заметка|новый документ|презентация|документ)\W*\d*$"
    r"|^(?:your|paper|insert|enter) (?:paper )?title\b|\(use style:"
    r"|\.(?:dvi|tex|pdf|ps|eps|docx?|pptx?|xlsx?|odt|odp|key|pages|rtf|indd|qxd|fm|txt|md"
    r"|html?)\s*$"
)


def _greek(character: str) -> str:
    name = unicodedata.name(character, "")
    return name.rsplit(" ", 1)[-1].lower() if name.startswith("GREEK") else character


def fold(text: str) -> str:
    """Lower case, ligatures and accents undone, Greek letters spelled out."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(_greek(c) if "\u0370" <= c <= "\u03ff" else c for c in text)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


def compact(text: str) -> str:
    """A title's letters and digits only: what two spellings of it share."""
    return _NOT_WORD.sub("", fold(text))


def _lines(text: str) -> list[str]:
    """PDFium ends lines with CRLF; a lone CR stands for a glyph it could not map."""
    return text.replace("\r\n", "\n").replace("\r", "").split("\n")


def segments(text: str) -> tuple[str, ...]:
    """``text``'s lines and subtitles, each compacted; empty ones dropped. A part that a
    subtitle follows on its line ends with ``:`` (a main title, see :func:`spans`)."""
    found = []
    for line in _lines(text):
        parts = [compact(part) for part in _SEGMENT_BREAK.split(line)]
        parts = [part for part in parts if part]
        found += [part + ":" for part in parts[:-1]] + parts[-1:]
    return tuple(found)


def head_segments(first_page: str) -> tuple[str, ...]:
    """The segments of a first page's title region: its lines up to the abstract."""
    lines: list[str] = []
    total = 0
    for line in _lines(first_page):
        if _HEAD_END.match(line) or len(lines) >= HEAD_LINES or total >= HEAD_CHARACTERS:
            break
        if line.strip():
            lines.append(line[:TITLE_MAX])
            total += len(line)
    return segments("\n".join(lines))[:HEAD_SEGMENTS_MAX]


# What a label carries besides its title (see :func:`bare_title`). A name is a capitalised
# word or an initial, with particles ("van", "de") and "and"/"et al." between names.
_NAME = r"(?:[A-Z][\w'’.-]*|(?:van|von|de|der|la|le|di|da|and|&|et al\.?))"
_NAMES = rf"{_NAME}(?:\s+{_NAME}){{0,5}}"
_YEAR = r"(?:19|20)\d\d[a-z]?"
_EMPHASIS = re.compile(r"(?<![\w*_])[*_]+|[*_]+(?![\w*_])")
_QUOTED_LEAD = re.compile(r"^[\"“«„‘](?P<title>[^\"“”«»„]+?)[\"”»“’](?=\W|$)")
_QUOTED_AFTER_NAMES = re.compile(
    rf"^{_NAMES}\s*[,:.]\s*[\"“«„](?P<title>[^\"“”«»„]+?)(?:[\"”»“]|$)"
)
_CLOSE_QUOTE = re.compile(r"^(?P<title>[^\"“”«»„]+?)[”»](?=\W|$)")
_EXTRAS = (
    re.compile(rf"\s*[(\[][^()\[\]]*\b{_YEAR}\b[^()\[\]]*[)\]]\s*$"),  # (2015), (NeurIPS 2017)
    re.compile(r"\s*[(\[][A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2}[)\]]\s*$"),  # (ICML), (Kay)
    re.compile(rf"^\s*[(\[]?{_YEAR}[)\]]?(?:\s*[-–—:.]\s*|\s+)"),  # (2015) Title, 2015 - Title
    re.compile(rf"\s*[,.]?\s*(?:[A-Z][\w-]*\s+)?{_YEAR}\s*$"),  # Title, 2009 / Title. ICML 2019
    re.compile(rf"\s*[-–—,(]\s*by\s+{_NAMES}\)?\s*$"),  # …, by Alan Kay
    re.compile(rf"\s+[-–—]+\s*{_NAMES}\s*$"),  # … — Einstein
)
_AUTHOR_FIRST = re.compile(rf"^{_NAMES}\s*(?:\({_YEAR}\))?,\s+(?!{_NAME},)(?=\S+\s+\S+)")


@functools.lru_cache(maxsize=8192)  # the resolver asks for each title's more than once
def bare_title(label: str) -> str:
    """The title a label names, without what a librarian would not call the title: the
    quotes around it, markdown emphasis, a year or venue in parentheses before or after
    it, a trailing year, ``by …`` or ``— Author``, a leading ``Author,``. ``""`` when
    nothing is left to strip, or nothing of a title would be left (or the label is longer
    than any title: the patterns then cost a bounded time, whatever a plan holds)."""
    if len(label) > TITLE_MAX:
        return ""
    text = " ".join(_EMPHASIS.sub("", label).split())
    for quoted in (_QUOTED_LEAD, _QUOTED_AFTER_NAMES, _CLOSE_QUOTE):
        found = quoted.match(text)
        if found is not None:
            text = found["title"].strip()
            break
    for _ in range(3):  # "(1905) — Einstein": one extra after another, from the end
        before = text
        for pattern in _EXTRAS:
            text = _without(pattern, text)
        if text == before:
            break
    text = _without(_AUTHOR_FIRST, text)  # once: "Turing, On Computable Numbers, with …"
    return text if compact(text) != compact(label) else ""


def _without(pattern: re.Pattern[str], text: str) -> str:
    """``text`` without what ``pattern`` finds, unless that leaves no title."""
    rest = pattern.sub("", text, count=1).strip(" ,.;:-–—")
    return rest if len(_NOT_LETTER.sub("", rest)) >= 4 else text


_NOT_LETTER = re.compile(r"[\W\d_]+")


def forms(written: Iterable[str]) -> list[str]:
    """The titles to look for, in order: each title as written, then each bare title."""
    written = list(written)
    return list(dict.fromkeys([*written, *filter(None, map(bare_title, written))]))


def good_metadata_title(title: str) -> str:
    """The metadata title when it names the paper, else ``""``: a file name (``fpca.dvi``,
    ``lecture_03``), an app's default ("Untitled", "New Note", "Slide 1", "Microsoft Word
    - x.doc"), or longer than any title. Such a title is no identity: two lecture notes
    that both say "New Note" are not one paper."""
    title = " ".join(title[: 4 * TITLE_MAX].split())
    if len(title) > TITLE_MAX:
        return ""
    words = re.findall(r"\w+", title)
    if len(words) < 2 or _JUNK_TITLE.search(title) or _FILE_NAME.fullmatch(title):
        return ""
    return title


_FILE_NAME = re.compile(r"[\w.-]*[_.][\w.-]*|[\w-]*\d[\w-]*")  # lecture_03, final-v2


def spans(parts: Sequence[str]) -> dict[str, bool]:
    """Every run of up to four consecutive segments, joined: where a title may stand.
    Maps each run to whether it stops before a subtitle on the same line (a main title:
    "Programming Languages" of "Programming Languages: Application and Interpretation")."""
    found: dict[str, bool] = {}
    for start in range(len(parts)):
        joined = ""
        for part in parts[start : start + MAX_SEGMENTS_PER_SPAN]:
            joined += part.rstrip(":")
            found[joined] = found.get(joined, True) and part.endswith(":")
    return found


def stands_for_its_subtitle(title: str) -> bool:
    """Whether ``title`` may name a paper by its main title alone: a name ("LoRA",
    "FrTime") or a phrase of three words or more ("Tackling the Awkward Squad"); two
    words ("Programming Languages") are too generic to claim a paper with a subtitle."""
    return len(re.findall(r"\w+", fold(title))) != 2


def cutoff(title: str) -> float:
    """The similarity (0-100) a spelling must reach to count as ``title``: one edit in a
    short title, a few in a long one, none in a very short one."""
    if len(title) < 12:
        return 100.0
    if len(title) < 24:
        return 95.0
    return 90.0


def missing_allowed(title: str) -> int:
    """How many of the plan title's letters may be absent from the PDF's spelling: a typo,
    a ligature or glyph PDFium lost — never a word ("… Matters Less" is not "… Matters")."""
    return 0 if len(title) < 12 else 1 if len(title) < 24 else 2 if len(title) < 40 else 3


def extends(span: str, title: str) -> bool:
    """Whether ``span`` is ``title`` (both compacted) with words more before or after it:
    "Textbooks Are All You Need II" is a sequel, not a misspelling (a lone letter or digit
    more is a footnote mark or a plural)."""
    return len(span) >= len(title) + 2 and (span.startswith(title) or span.endswith(title))


def similarity(title: str, candidates: Iterable[str]) -> tuple[float, str]:
    """The best ``(score, candidate)`` for ``title`` (both compacted) among ``candidates``;
    ``(0, "")`` when none reaches the title's cutoff."""
    from rapidfuzz import fuzz, process

    pool = list(candidates)
    if title in pool:
        return 100.0, title
    limit = cutoff(title)
    if limit >= 100.0 or not pool:
        return 0.0, ""
    best = process.extractOne(title, pool, scorer=fuzz.ratio, score_cutoff=limit)
    return (float(best[1]), str(best[0])) if best is not None else (0.0, "")
