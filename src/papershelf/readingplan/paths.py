"""What a plan's code spans and local links point at: folders, files and local papers."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from papershelf.readingplan.names import DOCUMENT_SUFFIXES

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
    name = path.rpartition("/")[2]
    return name.rpartition(".")[0] or name


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
