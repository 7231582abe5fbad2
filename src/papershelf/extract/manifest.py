"""``.papershelf-extract.json``: which archive (by sha256) went to which folder of a destination.

The manifest lies in a folder anyone may have written to, so it is input like
any other: its shape is checked when read, every folder it names must be a
plain name inside the destination, and a record is believed only while its
folder is the very directory papershelf made (same inode, not a symlink) —
otherwise ``--force`` would remove, or "already extracted" would point to,
whatever a planted record names.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from papershelf.extract.model import ArchiveError

MANIFEST = ".papershelf-extract.json"
VERSION = 2
_TMP_PREFIX = f"{MANIFEST}."
_TMP_SUFFIX = ".tmp"
_MAX_BYTES = 64 * 1024**2
_FIELDS: Mapping[str, type] = {
    "archive": str,
    "sha256": str,
    "size": int,
    "mtime_ns": int,
    "folder": str,
    "inode": int,
    "bytes": int,
    "entries": list,
}


def is_temporary(name: str) -> bool:
    """A manifest being written (or left behind by a killed run)."""
    return name.startswith(_TMP_PREFIX) and name.endswith(_TMP_SUFFIX)


def plain_name(name: str) -> bool:
    """A single folder name: no separator, not ``.`` or ``..``, no NUL."""
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\0")


def _shape_error(record: object) -> str | None:
    """What is wrong with one record, or None."""
    if not isinstance(record, dict):
        return "a record is not an object"
    for key, kind in _FIELDS.items():
        value = record.get(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return f"a record's {key!r} is missing or not a {kind.__name__}"
    if not plain_name(record["folder"]):
        return f"a record names the folder {record['folder']!r}, which is not inside it"
    for entry in record["entries"]:
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("name"), str)
            or not isinstance(entry.get("size"), int)
        ):
            return "a record's 'entries' are not {name, size} objects"
    return None


class Manifest:
    """The records of one destination; read once, validated, rewritten atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / MANIFEST
        self.records: list[dict[str, Any]] = []
        try:
            st = os.lstat(self.path)
        except FileNotFoundError:
            return
        except OSError as error:
            raise self._damaged(error.strerror or str(error)) from None
        if not stat.S_ISREG(st.st_mode):
            raise self._damaged("not a regular file")
        if st.st_size > _MAX_BYTES:
            raise self._damaged(f"larger than {_MAX_BYTES} bytes")
        try:
            document = json.loads(self.path.read_bytes().decode("utf-8"))
        except (ValueError, RecursionError):
            raise self._damaged("not valid JSON") from None
        except OSError as error:
            raise self._damaged(error.strerror or str(error)) from None
        if not isinstance(document, dict) or document.get("version") != VERSION:
            raise self._damaged(f"not a version {VERSION} manifest")
        records = document.get("archives")
        if not isinstance(records, list):
            raise self._damaged("'archives' is not a list")
        for record in records:
            problem = _shape_error(record)
            if problem is not None:
                raise self._damaged(problem)
        self.records = records

    def _damaged(self, why: str) -> ArchiveError:
        return ArchiveError(
            f"{self.path}: damaged manifest ({why}); remove it or choose another --dest"
        )

    def seen(self, archive: Path) -> bool:
        """Whether this path, with this size and mtime, was extracted here before."""
        st = archive.stat()
        return any(
            r["archive"] == str(archive.absolute())
            and r["size"] == st.st_size
            and r["mtime_ns"] == st.st_mtime_ns
            for r in self.records
        )

    def made_by_us(self, record: Mapping[str, Any]) -> bool:
        """The record's folder is still the directory papershelf moved into place."""
        try:
            st = os.lstat(self.root / record["folder"])
        except OSError:
            return False
        return stat.S_ISDIR(st.st_mode) and st.st_ino == record["inode"]

    def find(self, sha256: str) -> dict[str, Any] | None:
        """The record of this content whose folder is still papershelf's own, if any."""
        for record in self.records:
            if record["sha256"] == sha256 and self.made_by_us(record):
                return record
        return None

    def prepare(self, record: dict[str, Any]) -> Path:
        """Write the manifest with ``record`` to a private temporary file; commit() renames it.

        Writing comes first, so a full disk fails before any folder appears.
        """
        records = [r for r in self.records if r["sha256"] != record["sha256"]]
        records.append(record)
        document = {"version": VERSION, "archives": records}
        try:
            text = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
        except UnicodeEncodeError:  # a name kept as undecodable bytes: escape it
            text = json.dumps(document, indent=1).encode("ascii")
        fd, name = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=_TMP_SUFFIX, dir=self.root)
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(text)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        self._pending = records
        return tmp

    def commit(self, tmp: Path) -> None:
        os.replace(tmp, self.path)
        self.records = self._pending
