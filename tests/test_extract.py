"""``papershelf extract``: formats, destinations, manifest, names, passwords, volumes, reports.

The hostile archives are in ``test_extract_safety.py``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

import py7zr
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from archive_builders import (
    make_7z,
    make_tar,
    make_zip,
    make_zip_raw_names,
    patch,
    unicode_path_extra,
    zip_entry,
)
from papershelf import store
from papershelf.cli import main
from papershelf.extract import tools
from papershelf.extract.manifest import MANIFEST
from rar_writer import Member, directory, file, hardlink, symlink, write_rar3, write_rar5

RAR_BACKENDS = ["unar", "bsdtar", *(["unrar"] if shutil.which("unrar") else [])]
NAME = "Статья о трансформерах & заметки.txt"
FILES = {f"курс/{NAME}": "Текст статьи\n".encode() * 50, "курс/код/main.py": b"print(1)\n"}
TOTAL = sum(map(len, FILES.values()))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["extract", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def contents(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def build(kind: str, where: Path) -> Path:
    if kind == "zip":
        return make_zip(where / "курс.zip", FILES)
    if kind.startswith("tar"):
        suffix = {
            "tar": ".tar",
            "tar.gz": ".tar.gz",
            "tgz": ".tgz",
            "tar.bz2": ".tar.bz2",
            "tar.xz": ".tar.xz",
        }[kind]
        mode = {"tar": "w", "tar.gz": "w:gz", "tgz": "w:gz", "tar.bz2": "w:bz2", "tar.xz": "w:xz"}[
            kind
        ]
        return make_tar(where / f"курс{suffix}", FILES, mode=mode)
    if kind == "7z":
        return make_7z(where / "курс.7z", FILES)
    if kind == "rar5":
        return write_rar5(where / "курс.rar", [file(n, d) for n, d in FILES.items()])[0]
    if kind == "rar5-solid":
        members = [
            Member(n, d, compress=True, solid=i > 0) for i, (n, d) in enumerate(FILES.items())
        ]
        return write_rar5(where / "курс.rar", members, solid=True)[0]
    return write_rar3(where / "курс.rar", [file(n, d) for n, d in FILES.items()])[0]


@pytest.mark.parametrize(
    ("kind", "backend"),
    [
        ("zip", "auto"),
        ("tar", "auto"),
        ("tar.gz", "auto"),
        ("tgz", "auto"),
        ("tar.bz2", "auto"),
        ("tar.xz", "auto"),
        ("7z", "7zz"),
        ("7z", "py7zr"),
        *[("rar5", b) for b in RAR_BACKENDS],
        *[("rar3", b) for b in RAR_BACKENDS],
        *[("rar5-solid", b) for b in RAR_BACKENDS],
    ],
)
def test_extracts_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, backend: str
) -> None:
    archive = build(kind, tmp_path)
    dest = tmp_path / "out"
    code, out, err = run(capsys, str(archive), "--dest", str(dest), "--backend", backend)
    assert (code, err) == (0, "")
    assert out == f"{archive} -> {dest / 'курс'} (2 entries, {TOTAL} bytes)\n"
    assert contents(dest) == FILES
    assert sorted(os.listdir(dest)) == [MANIFEST, "курс"]


def test_format_is_decided_by_first_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = make_zip(tmp_path / "notes.rar", FILES)
    code, _out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    assert contents(tmp_path / "out") == FILES
    text = tmp_path / "plain.zip"
    text.write_text("not an archive")
    code, _out, err = run(capsys, str(text), "--dest", str(tmp_path / "o2"))
    assert code == 1
    assert err == (
        f"papershelf: error: {text}: not an archive papershelf knows (zip, rar, 7z, tar)\n"
    )


def test_tarbomb_gets_a_folder_and_collisions_get_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = make_zip(tmp_path / "россыпь файлов.zip", {"a.txt": b"a", "b/c.txt": b"c"})
    dest = tmp_path / "out"
    assert run(capsys, str(bomb), "--dest", str(dest))[0] == 0
    assert contents(dest) == {"россыпь файлов/a.txt": b"a", "россыпь файлов/b/c.txt": b"c"}
    (tmp_path / "again").mkdir()
    other = make_zip(tmp_path / "again" / "россыпь файлов.zip", {"a.txt": b"A", "z": b"z"})
    assert run(capsys, str(other), "--dest", str(dest))[0] == 0
    third = make_zip(tmp_path / "россыпь файлов.tar.zip", {"a.txt": b"3", "y": b"y"})
    assert run(capsys, str(third), "--dest", str(dest))[0] == 0
    assert (dest / "россыпь файлов-1/a.txt").read_bytes() == b"A"
    assert (dest / "россыпь файлов-2/a.txt").read_bytes() == b"3"  # .tar.zip: one stem


def test_default_destination_is_the_repositorys_folder_in_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    archive = make_zip(tmp_path / "a.zip", FILES)
    bad = make_zip(tmp_path / "bad.zip", {"../x": b"x"})
    assert run(capsys, str(bad))[0] == 1
    assert os.listdir(tmp_path / "cache/papershelf/extract") == []  # the failed run's is gone
    code, out, _err = run(capsys, str(archive))
    assert code == 0
    [root] = list((tmp_path / "cache/papershelf/extract").iterdir())
    assert root.name.startswith(f"{tmp_path.name}-")
    assert out == f"{archive} -> {root / 'курс'} (2 entries, {TOTAL} bytes)\n"


def test_manifest_makes_a_second_run_do_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = make_zip(tmp_path / "a.zip", FILES)
    dest = tmp_path / "out"
    assert run(capsys, str(archive), "--dest", str(dest))[0] == 0
    manifest = json.loads((dest / MANIFEST).read_text("utf-8"))
    [record] = manifest["archives"]
    assert record["folder"] == "курс"
    assert record["archive"] == str(archive)
    assert len(record["sha256"]) == 64
    assert record["entries"] == [
        {"name": n.removeprefix("курс/"), "size": len(d)} for n, d in sorted(FILES.items())
    ]
    (dest / "курс" / "код" / "main.py").write_bytes(b"edited")
    code, out, _err = run(capsys, str(archive), "--dest", str(dest))
    assert (code, out) == (0, f"{archive}: already extracted to {dest / 'курс'}\n")
    assert (dest / "курс/код/main.py").read_bytes() == b"edited"
    code, out, _err = run(capsys, str(archive), "--dest", str(dest), "--force")
    assert code == 0
    assert contents(dest) == FILES
    assert sorted(os.listdir(dest)) == [MANIFEST, "курс"]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "core.quotePath=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _repo(path: Path) -> Path:
    path.mkdir()
    _git(path, "init", "-q")
    _git(path, "config", "user.email", "t@example.com")
    _git(path, "config", "user.name", "t")
    return path


def test_destination_in_work_tree_is_excluded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(tmp_path / "repo")
    archive = make_zip(tmp_path / "a.zip", FILES)
    code, _out, err = run(capsys, str(archive), "--dest", str(repo / "распаковано"))
    assert code == 0
    assert "added /распаковано/ to" in err
    assert "/распаковано/\n" in (repo / ".git/info/exclude").read_text("utf-8")
    assert _git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_ignored_destination_needs_no_exclude(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(tmp_path / "repo")
    (repo / ".gitignore").write_text("/tmp/\n")
    archive = make_zip(tmp_path / "a.zip", FILES)
    code, _out, err = run(capsys, str(archive), "--dest", str(repo / "tmp" / "x"))
    assert (code, err) == (0, "")
    assert "/tmp/x/" not in (repo / ".git/info/exclude").read_text("utf-8")


def test_default_folder_inside_a_work_tree_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path / "repo")
    monkeypatch.setenv("XDG_CACHE_HOME", str(repo / "cache"))
    archive = make_zip(tmp_path / "a.zip", FILES)
    code, _out, err = run(capsys, str(archive))
    assert code == 1
    assert "inside the git work tree" in err
    assert os.listdir(repo) == [".git"]


@pytest.mark.parametrize(
    ("raw", "expected", "encoding"),
    [
        ("Лекция 1 & задачи.pdf".encode(), "Лекция 1 & задачи.pdf", None),  # Info-ZIP, no flag
        ("Лекция 1 & задачи.pdf".encode("cp866"), "Лекция 1 & задачи.pdf", None),
        ("Лекция 1 & задачи.pdf".encode("cp1251"), "Лекция 1 & задачи.pdf", None),
        ("Лекция.pdf".encode("cp1251"), "Лекция.pdf", "cp1251"),
        ("Лекция.pdf".encode("cp866"), "Лекция.pdf".encode("cp866").decode("cp1251"), "cp1251"),
    ],
)
def test_zip_name_encodings(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    raw: bytes,
    expected: str,
    encoding: str | None,
) -> None:
    placeholder = b"P" * len(raw)
    archive = make_zip_raw_names(tmp_path / "a.zip", {placeholder: b"data"})
    patch(archive, placeholder, raw)
    args = ["--encoding", encoding] if encoding else []
    code, _out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"), *args)
    assert (code, err) == (0, "")
    assert [p.name for p in (tmp_path / "out" / "a").iterdir()] == [expected]


def test_zip_unicode_path_extra_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = "Конспект & план.md"
    raw = real.encode("cp866")
    placeholder = b"Q" * len(raw)
    archive = make_zip_raw_names(
        tmp_path / "a.zip", {placeholder: b"x"}, extra={placeholder: unicode_path_extra(raw, real)}
    )
    patch(archive, placeholder, raw)
    assert run(capsys, str(archive), "--dest", str(tmp_path / "out"))[0] == 0
    assert [p.name for p in (tmp_path / "out/a").iterdir()] == [real]


def test_unknown_encoding_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = make_zip(tmp_path / "a.zip", FILES)
    assert run(capsys, str(archive), "--encoding", "klingon")[0] == 2


def test_password_from_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = make_7z(tmp_path / "a.7z", FILES, password="пароль 1", header_encryption=True)
    monkeypatch.setenv("PAPERSHELF_PASSWORD", "пароль 1")
    assert run(capsys, str(archive), "--dest", str(tmp_path / "out"))[0] == 0
    assert contents(tmp_path / "out") == FILES


def test_no_prompt_without_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAPERSHELF_PASSWORD", raising=False)
    archive = make_7z(tmp_path / "a.7z", FILES, password="x")
    result = subprocess.run(
        ["papershelf", "extract", str(archive), "--dest", str(tmp_path / "out")],
        stdin=subprocess.PIPE,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"papershelf: error: {archive}: encrypted; give --password or set PAPERSHELF_PASSWORD\n"
    )


def test_multi_volume_rar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = os.urandom(30_000)
    volumes = write_rar5(
        tmp_path / "том.rar",
        [directory("том"), file("том/big.bin", data), file("том/small.txt", b"s")],
        volume_size=8_000,
    )
    assert [v.name for v in volumes] == [f"том.part{i}.rar" for i in range(1, 5)]
    code, _out, err = run(
        capsys, str(volumes[0]), "--dest", str(tmp_path / "out"), "--backend", "unar"
    )
    assert (code, err) == (0, "")
    assert contents(tmp_path / "out") == {"том/big.bin": data, "том/small.txt": b"s"}
    code, _out, err = run(capsys, str(volumes[1]), "--dest", str(tmp_path / "o2"))
    assert code == 1
    assert "not the first volume" in err
    code, _out, err = run(
        capsys, str(volumes[0]), "--dest", str(tmp_path / "o3"), "--backend", "bsdtar"
    )
    assert code == 1  # bsdtar reads the first volume alone: the check sees the rest missing
    assert f"{volumes[0]}: entry 'том/small.txt': missing after extraction" in err
    volumes[2].unlink()
    code, _out, err = run(capsys, str(volumes[0]), "--dest", str(tmp_path / "o4"))
    assert code == 1
    assert "Cannot open next volume" in err
    assert not (tmp_path / "o2").exists() and not (tmp_path / "o4").exists()


def test_old_style_volumes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = os.urandom(5_000)
    volumes = write_rar3(tmp_path / "old.rar", [file("old/a.bin", data)], volume_size=2_000)
    assert [v.name for v in volumes] == ["old.rar", "old.r00", "old.r01"]
    assert run(capsys, str(volumes[0]), "--dest", str(tmp_path / "out"))[0] == 0
    assert contents(tmp_path / "out") == {"old/a.bin": data}
    code, _out, err = run(capsys, str(volumes[1]), "--dest", str(tmp_path / "o2"))
    assert code == 1
    assert "not the first volume" in err
    assert not (tmp_path / "o2").exists()


@pytest.mark.parametrize("backend", RAR_BACKENDS)
def test_rar_side_by_side_are_not_glued(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], backend: str
) -> None:
    four = write_rar5(tmp_path / "paper4.rar", [file("paper4/a", b"4")])[0]
    five = write_rar5(tmp_path / "paper5.rar", [file("paper5/a", b"5")])[0]
    code, _out, err = run(
        capsys, str(four), str(five), "--dest", str(tmp_path / "out"), "--backend", backend
    )
    assert (code, err) == (0, "")
    assert contents(tmp_path / "out") == {"paper4/a": b"4", "paper5/a": b"5"}


@pytest.mark.parametrize(
    "kind", ["zip", "tar", "7z-7zz", "7z-py7zr", *[f"rar-{b}" for b in RAR_BACKENDS]]
)
def test_safe_links_are_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    if kind.startswith("7z"):
        source = tmp_path / "src"
        (source / "top/doc").mkdir(parents=True)
        (source / "top/doc/a.txt").write_bytes(b"a")
        (source / "top/latest").symlink_to("doc/a.txt")
        archive = tmp_path / "a.7z"
        with py7zr.SevenZipFile(archive, "w") as out:
            out.write(source / "top/doc/a.txt", "top/doc/a.txt")
            out.write(source / "top/latest", "top/latest")
        shutil.rmtree(source)
        args = ["--backend", kind.split("-")[1]]
    elif kind == "zip":
        archive = make_zip(
            tmp_path / "a.zip", {"top/doc/a.txt": b"a"}, symlinks={"top/latest": "doc/a.txt"}
        )
        args: list[str] = []
    elif kind == "tar":
        archive = make_tar(
            tmp_path / "a.tar",
            {"top/doc/a.txt": b"a"},
            symlinks={"top/latest": "doc/a.txt"},
            hardlinks={"top/copy": "top/doc/a.txt"},
        )
        args = []
    else:
        archive = write_rar5(
            tmp_path / "a.rar",
            [
                file("top/doc/a.txt", b"a"),
                symlink("top/latest", "doc/a.txt"),
                hardlink("top/copy", "top/doc/a.txt"),
            ],
        )[0]
        args = ["--backend", kind.split("-")[1]]
    code, _out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"), *args)
    assert (code, err) == (0, "")
    assert os.readlink(tmp_path / "out/top/latest") == "doc/a.txt"
    if kind == "tar" or kind.startswith("rar"):
        assert (tmp_path / "out/top/copy").read_bytes() == b"a"


def test_list_marks_unsafe_entries_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = make_zip(tmp_path / "a.zip", {"top/ok.txt": b"ok", "../evil": b"e"})
    before = sorted(os.listdir(tmp_path))
    code, out, _err = run(capsys, "--list", str(archive))
    assert code == 1
    assert out == (
        f"{archive}:\n"
        "             2  top/ok.txt\n"
        "             1  '../evil'  UNSAFE: path traversal ('..')\n"
    )
    assert sorted(os.listdir(tmp_path)) == before
    code, out, _err = run(capsys, "--list", "--format", "json", str(archive))
    assert code == 1
    [record] = json.loads(out)["archives"]
    assert record["entries"][1] == {
        "name": "../evil",
        "kind": "file",
        "size": 1,
        "unsafe": ["path traversal ('..')"],
    }


def test_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = make_zip(tmp_path / "a.zip", FILES)
    bad = make_zip(tmp_path / "b.zip", {"/etc/x": b"x"})
    dest = tmp_path / "out"
    code, out, _err = run(capsys, str(good), str(bad), "--dest", str(dest), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["destination"] == str(dest)
    first, second = report["archives"]
    assert first == {
        "archive": str(good),
        "status": "extracted",
        "destination": str(dest / "курс"),
        "entries": 2,
        "bytes": sum(map(len, FILES.values())),
        "error": None,
        "backend": "zipfile",
        "skipped": {},
        "nested": [],
    }
    assert second["status"] == "failed"
    assert "absolute path" in second["error"]


def test_recursive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inner = make_tar(tmp_path / "inner.tar.gz", {"код/x.py": b"x"}, mode="w:gz").read_bytes()
    archive = make_zip(tmp_path / "outer.zip", {"курс/архив.tar.gz": inner, "курс/a": b"a"})
    code, out, _err = run(capsys, str(archive), "--dest", str(tmp_path / "out"), "--recursive")
    assert code == 0
    assert (tmp_path / "out/курс/код/x.py").read_bytes() == b"x"
    assert out.splitlines()[1].startswith("  ")
    assert run(capsys, str(archive), "--dest", str(tmp_path / "o2"))[0] == 0
    assert not (tmp_path / "o2/курс/код").exists()


def test_no_argument_extracts_the_repositorys_archives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path / "repo")
    make_zip(repo / "материалы.zip", FILES)
    (repo / "notes.md").write_text("# notes\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "add")
    monkeypatch.chdir(repo)
    code, out, _err = run(capsys, "--dest", str(tmp_path / "out"))
    assert code == 0, _err
    assert out.startswith(f"{repo / 'материалы.zip'} -> {tmp_path / 'out' / 'курс'}")
    assert contents(tmp_path / "out") == FILES


def test_doctor(capsys: pytest.CaptureFixture[str]) -> None:
    """What each tool reads comes from probe archives made now: bsdtar decrypts no RAR."""
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines()}
    for name in ("unar", "bsdtar", "7zz"):
        tool = tools.find(name)
        assert tool is not None
        assert lines[name].startswith(f"{name:7} {tools.version(tool):8} {tool.path}  reads: ")
    assert "solid compressed RAR5" in lines["unar"].split("; failed")[0]
    assert "AES-encrypted RAR5" in lines["unar"].split("; failed")[0]
    assert "failed: AES-encrypted RAR5" in lines["bsdtar"]
    assert ("not installed" in lines["unrar"]) == (shutil.which("unrar") is None)


def test_rar_probe_needs_real_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe archive is compressed and solid, and a tool that writes nothing fails it."""
    import rarfile

    probe = tmp_path / "probe.rar"
    probe.write_bytes(tools.probe_rar5({"a": b"a" * 100, "b": b"b" * 100}))
    with rarfile.RarFile(str(probe)) as listing:
        assert listing.is_solid()
        assert {i.compress_type for i in listing.infolist()} == {rarfile.RAR_M3}
    secret = tmp_path / "secret.rar"
    secret.write_bytes(tools.probe_rar5({"a": b"a" * 100}, encrypted=True))
    with rarfile.RarFile(str(secret)) as listing:
        assert listing.needs_password()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "unar").symlink_to(shutil.which("true") or "/bin/true")
    with monkeypatch.context() as patched:
        patched.setenv("PATH", str(bin_dir))
        tools.find.cache_clear()
        tools.reads.cache_clear()
        assert tools.reads("unar", "rar") is False
    tools.find.cache_clear()
    tools.reads.cache_clear()
    assert tools.reads("unar", "rar") is True


def test_probe_verdicts_are_kept_per_binary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A verdict is read back for the same binary; ``doctor``'s fresh probe replaces it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    tools.reads.cache_clear()
    try:
        assert tools.reads("unar", "rar") is True
        kept = tmp_path / "cache/papershelf/probe-unar-rar"
        stamp, verdict = store.load(kept, 2) or [None, None]
        assert verdict is True and stamp[1] == shutil.which("unar")
        store.store(kept, stamp, False)  # as if this binary had failed its probe
        tools.reads.cache_clear()
        assert tools.reads("unar", "rar") is False
        assert tools.reads("unar", "rar", fresh=True) is True
        assert (store.load(kept, 2) or [None, None])[1] is True
    finally:
        tools.reads.cache_clear()


def test_zip_entry_helper_keeps_mode() -> None:
    info = zip_entry("a", 0o100755)
    assert info.external_attr >> 16 == 0o100755


_NAME_CHARS = st.sampled_from([*"ab./\\", "..", "ё", " ", "&", "\u202e", "\x00", ":", "C:", "CON"])
_ENTRY = st.tuples(
    st.lists(_NAME_CHARS, min_size=1, max_size=8).map("".join),
    st.sampled_from(["file", "dir", "symlink", "hardlink", "fifo"]),
    st.lists(_NAME_CHARS, min_size=1, max_size=8).map("".join),
    st.integers(0, 70_000),
)


def _fuzzed_archive(path: Path, fmt: str, entries: list[tuple[str, str, str, int]]) -> None:
    """A zip or tar of exactly these entries, however hostile (writers' warnings muted)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fmt == "zip":
            with zipfile.ZipFile(path, "w") as out:
                for name, kind, target, size in entries:
                    if kind == "dir":
                        out.writestr(zip_entry(name.rstrip("/") + "/", 0o040755), b"")
                    elif kind in ("symlink", "hardlink"):
                        out.writestr(zip_entry(name, 0o120777, zipfile.ZIP_STORED), target)
                    elif kind == "fifo":
                        out.writestr(zip_entry(name, 0o010644), b"")
                    else:
                        out.writestr(zip_entry(name, 0o100644), b"x" * size)
            return
        with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as out:
            for name, kind, target, size in entries:
                info = tarfile.TarInfo(name)
                info.type = {
                    "file": tarfile.REGTYPE,
                    "dir": tarfile.DIRTYPE,
                    "symlink": tarfile.SYMTYPE,
                    "hardlink": tarfile.LNKTYPE,
                    "fifo": tarfile.FIFOTYPE,
                }[kind]
                info.linkname = target if kind in ("symlink", "hardlink") else ""
                info.size = size if kind == "file" else 0
                out.addfile(info, io.BytesIO(b"x" * info.size))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(["zip", "tar"]),
    entries=st.lists(_ENTRY, min_size=1, max_size=6),
)
def test_fuzzed_archives_are_refused_or_stay_inside(
    fmt: str, entries: list[tuple[str, str, str, int]]
) -> None:
    """Random names, kinds, link targets and sizes: exit 1 with nothing written, or
    exit 0 with every path, links resolved, inside the destination."""
    entries = [(n.replace("\x00", "0"), k, t.replace("\x00", "0"), s) for n, k, t, s in entries]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "in").mkdir()
        archive = base / "in" / f"h.{fmt}"
        _fuzzed_archive(archive, fmt, entries)
        dest = base / "in" / "out"
        code = main(["extract", str(archive), "--dest", str(dest)])
        assert code in (0, 1)
        assert sorted(os.listdir(base)) == ["in"]
        expected = [archive.name, "out"] if code == 0 else [archive.name]
        assert sorted(os.listdir(base / "in")) == expected
        inside = str(dest.resolve())
        for dirpath, dirs, files in os.walk(dest):
            for entry in dirs + files:
                real = os.path.realpath(os.path.join(dirpath, entry))
                assert real == inside or real.startswith(inside + "/")


def _in_terminal(argv: list[str], answer: bytes | None = None) -> tuple[int, str]:
    """Run papershelf with a pseudo-terminal as standard input and error."""
    import pty
    import select

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "papershelf", *argv],
        stdin=slave,
        stdout=subprocess.DEVNULL,
        stderr=slave,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if answer is not None and b"Password for" in seen:
                os.write(master, answer)
                answer = None
        elif process.poll() is not None:
            break
    code = process.wait(timeout=60)
    os.close(master)
    return code, seen.decode("utf-8", "replace")


def test_password_prompt_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERSHELF_PASSWORD", raising=False)
    archive = make_7z(tmp_path / "a.7z", FILES, password="тайна")
    code, screen = _in_terminal(
        ["extract", str(archive), "--dest", str(tmp_path / "out")], "тайна\n".encode()
    )
    assert code == 0, screen
    assert f"Password for {archive}" in screen
    assert contents(tmp_path / "out") == FILES


@pytest.mark.slow
def test_progress_bar_only_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        out.writestr("big/zeros", bytes(80 * 1024 * 1024))
    code, screen = _in_terminal(
        ["extract", str(archive), "--dest", str(tmp_path / "tty"), "--max-ratio", "100000"]
    )
    assert code == 0, screen
    assert "100%" in screen
    code, _out, err = run(
        capsys, str(archive), "--dest", str(tmp_path / "pipe"), "--max-ratio", "100000"
    )
    assert (code, err) == (0, "")


def test_undecodable_tar_names_need_an_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "a.tar"
    with tarfile.open(archive, "w", format=tarfile.GNU_FORMAT, encoding="cp1251") as out:
        info = tarfile.TarInfo("Лекция/конспект.txt")
        info.size = 1
        out.addfile(info, io.BytesIO(b"x"))
    code, _out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"))
    assert code == 1
    assert "not valid UTF-8 (try --encoding)" in err
    code, _out, err = run(
        capsys, str(archive), "--dest", str(tmp_path / "out"), "--encoding", "cp1251"
    )
    assert (code, err) == (0, "")
    assert contents(tmp_path / "out") == {"Лекция/конспект.txt": b"x"}


def test_encrypted_zip_without_password_is_named_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAPERSHELF_PASSWORD", raising=False)
    archive = make_zip(tmp_path / "a.zip", {"top/a": b"secret"})
    data = bytearray(archive.read_bytes())
    for offset, signature in ((6, b"PK\x03\x04"), (8, b"PK\x01\x02")):
        start = data.index(signature)
        data[start + offset] |= 1  # the "encrypted" flag bit
    archive.write_bytes(bytes(data))
    code, _out, err = run(capsys, str(archive), "--dest", str(tmp_path / "out"))
    assert code == 1
    assert err == (
        f"papershelf: error: {archive}: encrypted; give --password or set PAPERSHELF_PASSWORD\n"
    )


def test_readme_documents_the_limits_and_options() -> None:
    """The README's extract section must keep up with the command's options and defaults."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme.split("<!-- section: extract -->")[1].split("<!-- end: extract -->")[0]
    from papershelf.cli.extract import extract
    from papershelf.extract.model import Limits

    limits = Limits()
    for row in (
        f"| `--max-total-size` | {limits.max_total // 1024**3}GiB |",
        f"| `--max-ratio` | {limits.max_ratio:.0f} |",
        f"| `--max-entries` | {limits.max_entries} |",
        f"| `--max-depth` | {limits.max_depth} |",
    ):
        assert row in section
    for param in extract.params:
        for option in getattr(param, "opts", []):
            if option.startswith("--"):
                assert f"`{option}" in section, option


def test_no_argument_outside_git_asks_for_archives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_zip(tmp_path / "материалы.zip", FILES)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--dest", str(tmp_path / "out"))
    assert code == 1
    assert out == ""
    assert err == "papershelf: error: not in a git repository; name the archives to extract\n"
    assert not (tmp_path / "out").exists()
