"""What papershelf shows a person: commands to paste, and lines for a terminal or a CI log.

Every name shown comes from a repository someone else may have written, so a
name is never trusted to be text: :func:`command` quotes each word for a POSIX
shell and puts ``--`` before the paths (a file ``-rf.zip`` is not an option), and
:func:`visible` spells out the characters a terminal or a log would act on
(escape sequences, newlines that start a forged line, bidirectional and
zero-width characters that make ``\\u202efdp.exe`` read as ``exe.pdf``). JSON and
SARIF carry names exactly; everything else a person reads goes through here.
"""

from __future__ import annotations

import re
import shlex

# C0 and C1 controls, DEL, the bidirectional controls, zero-width characters, line and
# paragraph separators, the byte-order mark, and lone surrogates (undecodable bytes).
_HIDDEN = "\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
HIDDEN = re.compile(f"[{_HIDDEN}\ud800-\udfff]")
BIDI_OR_INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


class Placeholder(str):
    """A word the person fills in (``<url>``): shown as it is, never quoted."""


def _spell(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every hidden or terminal-active character written as an escape
    (``\\x1b``, ``\\n``, ``\\u202e``), and a leading ``::`` (a GitHub Actions workflow
    command when it starts a line of a step's output) broken as ``:\\x3a``."""
    shown = HIDDEN.sub(lambda match: _spell(match.group()), text)
    stripped = shown.lstrip()
    if stripped.startswith("::"):
        at = len(shown) - len(stripped)
        shown = shown[: at + 1] + "\\x3a" + shown[at + 2 :]
    return shown


def quote(word: str) -> str:
    """One shell word: ``shlex.quote``, or ANSI-C ``$'…'`` quoting when the word holds a
    character :func:`visible` would spell out (bash and zsh then read the exact name)."""
    if isinstance(word, Placeholder):
        return str(word)
    if not HIDDEN.search(word):
        return shlex.quote(word)
    body = "".join(_spell(c) if HIDDEN.match(c) else "\\" + c if c in "\\'" else c for c in word)
    return f"$'{body}'"


def command(words: str, *paths: str) -> str:
    """A command to paste: ``words`` (papershelf's own, already split by spaces; a word
    in angle brackets is a placeholder) then ``--`` and each path quoted."""
    program = " ".join(
        word if word.startswith("<") and word.endswith(">") else shlex.quote(word)
        for word in words.split()
    )
    if not paths:
        return program
    return f"{program} -- " + " ".join(quote(path) for path in paths)


def visible_lines(text: str) -> str:
    """:func:`visible` for each line of ``text``, its line breaks kept."""
    return "".join(
        visible(line.rstrip("\n")) + ("\n" if line.endswith("\n") else "")
        for line in text.splitlines(keepends=True)
    )
