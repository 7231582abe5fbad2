"""The public test archives of rarfile, py7zr and libarchive, extracted by papershelf and by
7zz, bsdtar and unar, compared file by file (names, sizes, SHA-256, link targets).

The archives are not kept here: ``make corpus`` fetches rarfile's and py7zr's sdists
from PyPI and libarchive's Debian source package, and this module's ``unpack`` takes
out the zip, RAR, 7z and tar archives (libarchive's are uuencoded) into a git-ignored
folder. ``compare`` says, for one archive, whether papershelf wrote what the best
reference wrote, refused it for a named reason, or differs.

    python tests/extract_corpus.py unpack tests/.corpus
"""

from __future__ import annotations

import binascii
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# sdist name prefix -> the members holding test archives
SOURCES = {
    "rarfile": re.compile(r"^rarfile-[^/]+/test/files/[^/]+\.(rar|r\d\d|sfx)$"),
    "py7zr": re.compile(r"^py7zr-[^/]+/tests/data/[^/]+\.(7z(\.\d+)?|zip|tar(\.\w+)?)$"),
    "libarchive": re.compile(
        r"^libarchive-[^/]+/libarchive/test/test_read_format_"
        r"(zip|rar|rar5|7zip|gtar|tar|ustar|pax|v7tar)[^/]*\.uu$"
    ),
}
REFERENCES = ("7zz", "bsdtar", "unar")
Tree = dict[str, tuple[str, ...]]


def unpack(root: Path) -> list[Path]:
    """Take the test archives out of the fetched source tarballs in ``root/src``."""
    found = []
    for tarball in sorted((root / "src").iterdir()):
        project = next((p for p in SOURCES if tarball.name.startswith(p)), None)
        if project is None or not tarball.name.endswith((".tar.gz", ".tar.xz")):
            continue
        target = root / "archives" / project
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as source:
            for member in source.getmembers():
                if not member.isfile() or not SOURCES[project].match(member.name):
                    continue
                stream = source.extractfile(member)
                assert stream is not None
                data = stream.read()
                name = Path(member.name).name
                if name.endswith(".uu"):
                    data, name = _uudecode(data), name[: -len(".uu")]
                (target / name).write_bytes(data)
                found.append(target / name)
    return found


def _uudecode(data: bytes) -> bytes:
    out = bytearray()
    lines = iter(data.splitlines())
    for line in lines:
        if line.startswith(b"begin "):
            break
    for line in lines:
        if line.strip() in (b"end", b"`", b""):
            if line.strip() == b"end":
                break
            continue
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:  # lines some encoders pad: decode the declared length
            count = (((line[0] - 32) & 63) * 4 + 5) // 3
            out += binascii.a2b_uu(line[:count])
    return bytes(out)


def archives(root: Path) -> list[Path]:
    """The archives to extract: every file but the later volumes of a multi-volume set."""
    later = re.compile(r"(\.part(?!0*1\.)\d+\.rar|\.r\d\d|\.7z\.(?!001)\d+)$")
    return sorted(
        path
        for path in (root / "archives").rglob("*")
        if path.is_file() and not later.search(path.name)
    )


def tree(folder: Path) -> Tree:
    """Every file and symlink under ``folder``: kind, size and SHA-256, or link target."""
    result: Tree = {}
    for dirpath, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(dirpath, d))]:
            path = Path(dirpath, name)
            rel = path.relative_to(folder).as_posix()
            if name == ".papershelf-extract.json":
                continue
            if path.is_symlink():
                result[rel] = ("symlink", os.readlink(path))
            else:
                digest, size = hashlib.sha256(), 0
                with open(path, "rb") as stream:
                    while chunk := stream.read(1 << 20):
                        digest.update(chunk)
                        size += len(chunk)
                result[rel] = ("file", str(size), digest.hexdigest())
    return result


def reference_command(name: str, archive: Path, out: Path) -> list[str]:
    if name == "7zz":
        return ["7zz", "x", "-y", "-bso0", "-bsp0", "-p", f"-o{out}", str(archive)]
    if name == "bsdtar":
        return ["bsdtar", "-x", "-f", str(archive), "-C", str(out)]
    return ["unar", "-q", "-f", "-D", "-p", "", "-o", str(out), str(archive)]


@dataclass(frozen=True)
class Verdict:
    """What papershelf did with one archive, next to what the references did."""

    archive: str
    kind: str  # same | refused | all-fail | papershelf-failed | differs
    detail: str


def _run_reference(name: str, archive: Path, out: Path) -> Tree | None:
    out.mkdir(parents=True)
    try:
        done = subprocess.run(
            reference_command(name, archive, out),
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    return tree(out) if done.returncode == 0 else None


def compare(archive: Path, work: Path) -> Verdict:
    """papershelf's output against every reference's that extracted the archive."""
    label = archive.relative_to(archive.parents[1]).as_posix()
    if work.exists():
        shutil.rmtree(work)
    references = {
        name: found
        for name in REFERENCES
        if (found := _run_reference(name, archive, work / name)) is not None
    }
    dest = work / "papershelf"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from papershelf.cli import main; sys.exit(main(sys.argv[1:]))",
            "extract",
            "--format",
            "json",
            "--dest",
            str(dest),
            str(archive),
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PAPERSHELF_PASSWORD": ""},
        timeout=300,
        check=False,
    )
    report = json.loads(done.stdout)["archives"][0] if done.stdout.strip() else {}
    if report.get("status") != "extracted":
        error = str(report.get("error") or done.stderr.strip())
        error = error.replace(f"{archive}: ", "")
        if " refused: " in f" {error}" or "refused:" in error:
            return Verdict(label, "refused", error)
        wrote = sorted(name for name, found in references.items() if found)
        if not wrote:
            return Verdict(label, "all-fail", error)
        return Verdict(label, "papershelf-failed", f"{error} (extracted by {wrote})")
    folder = Path(report["destination"])
    mine = tree(folder)
    for name, theirs in references.items():
        top = folder.name
        if mine == theirs or {f"{top}/{k}": v for k, v in mine.items()} == theirs:
            return Verdict(label, "same", name)
    if not references:
        return Verdict(label, "differs", "no reference extracted it; papershelf did")
    best = max(references, key=lambda n: len(references[n]))
    theirs = references[best]
    mine_named = {f"{folder.name}/{k}": v for k, v in mine.items()}
    mine_cmp = mine if set(mine) & set(theirs) else mine_named
    only_mine = sorted(set(mine_cmp) - set(theirs))[:3]
    only_theirs = sorted(set(theirs) - set(mine_cmp))[:3]
    changed = sorted(k for k in set(mine_cmp) & set(theirs) if mine_cmp[k] != theirs[k])[:3]
    return Verdict(
        label,
        "differs",
        f"vs {best}: only papershelf {only_mine}, only {best} {only_theirs}, differ {changed}",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) == 2 and args[0] == "unpack":
        print(f"{len(unpack(Path(args[1])))} test archives unpacked under {args[1]}/archives")
        return 0
    if len(args) >= 2 and args[0] == "compare":
        root = Path(args[1])
        for archive in [Path(a) for a in args[2:]] or archives(root):
            verdict = compare(archive, root / "work")
            print(f"{verdict.kind:18} {verdict.archive}: {verdict.detail}", flush=True)
        return 0
    print("usage: extract_corpus.py unpack DIR | compare DIR [ARCHIVE...]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
