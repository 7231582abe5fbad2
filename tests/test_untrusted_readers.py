"""The last readers of repository content go through ``repopaths``: a FIFO in the work tree
is never opened blocking, a link out of the repository is never read through. Also: a
plan's UTF-8 BOM, and 7z coders py7zr lacks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gitrepo import COMPLETE_PLAN, make_repo
from papershelf import papers
from papershelf.mkexp import interpreters
from papershelf.mkexp.model import Experiment
from papershelf.mkexp.state import declaration_digest
from papershelf.repo import magic
from pdf_builders import pdf
from test_untrusted_repository import check, fifo_in_work_tree, no_hang, papershelf

__all__ = ["no_hang"]  # the fixture, used by name

PAPER = pdf(["Attention Is All You Need", "Ashish Vaswani"])
SECRET = pdf(["Secret Outside Title", "Nobody"], title="Secret Outside Title")


def outside(tmp_path: Path, name: str, data: bytes) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


# --fix reading .gitignore


def test_fix_never_opens_a_fifo_gitignore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_hang: None
) -> None:
    repo = make_repo(tmp_path / "study", {**COMPLETE_PLAN, "05_Alignment/__pycache__/m.pyc": b"\0"})
    os.mkfifo(repo / ".gitignore")
    code, _, err = check(capsys, "--fix", "--rule", "committed-artifact", str(repo))
    assert code == 1
    assert err == (
        "repo-check: error: .gitignore: a FIFO, not a regular file: papershelf reads only files\n"
    )


# plan --update and --mark-read


def test_plan_update_never_opens_a_fifo_readme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_hang: None
) -> None:
    repo = make_repo(tmp_path / "study", {**COMPLETE_PLAN, "README.md": "# Study\n"})
    fifo_in_work_tree(repo, "README.md")
    code, out, err = papershelf(capsys, "plan", "--update", str(repo / "README.md"), str(repo))
    assert (code, out) == (1, "")
    assert err.endswith("README.md: a FIFO, not a regular file: papershelf reads only files\n")


def test_plan_update_does_not_read_a_readme_linked_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = outside(tmp_path, "notes.md", b"# Secret notes\n")
    repo = make_repo(tmp_path / "study", COMPLETE_PLAN)
    os.symlink(secret, repo / "README.md")
    code, out, err = papershelf(capsys, "plan", "--update", str(repo / "README.md"), str(repo))
    assert (code, out) == (1, "")
    # refused before it is read: a link is never written through (nor read from)
    assert "a symbolic link; papershelf does not write through it" in err
    assert "Secret" not in err
    assert secret.read_bytes() == b"# Secret notes\n" and (repo / "README.md").is_symlink()


# PDFs: the work-tree copy is read only when it is a regular file inside


def test_a_pdf_that_is_a_fifo_or_a_link_out_in_the_work_tree_is_read_from_git(
    tmp_path: Path, no_hang: None
) -> None:
    repo = make_repo(tmp_path / "study", {"a.pdf": PAPER, "b.pdf": PAPER + b"%b"})
    fifo_in_work_tree(repo, "a.pdf")
    (repo / "b.pdf").unlink()
    os.symlink(outside(tmp_path, "secret.pdf", SECRET), repo / "b.pdf")
    blobs = papers.blob_ids(repo, True, ["a.pdf", "b.pdf"])
    found = papers.identities(repo, blobs, None)
    assert {path: identity.head[0] for path, identity in found.items()} == {
        "a.pdf": "attentionisallyouneed",
        "b.pdf": "attentionisallyouneed",
    }


def test_outside_git_blob_ids_skip_fifos_and_links_out(tmp_path: Path, no_hang: None) -> None:
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "c.pdf").write_bytes(PAPER)
    os.mkfifo(folder / "a.pdf")
    os.symlink(outside(tmp_path, "secret.pdf", SECRET), folder / "b.pdf")
    assert list(papers.blob_ids(folder, False, ["a.pdf", "b.pdf", "c.pdf"])) == ["c.pdf"]


# magic.sniff_file


def test_sniffing_never_opens_a_fifo_nor_a_link_out(tmp_path: Path, no_hang: None) -> None:
    folder = tmp_path / "study"
    folder.mkdir()
    os.mkfifo(folder / "a.zip")
    zipped = outside(tmp_path, "b.zip", b"PK\x03\x04" + b"\0" * 60)
    os.symlink(zipped, folder / "b.zip")
    assert magic.sniff_file(folder / "a.zip") is None
    assert magic.sniff_file(folder / "b.zip", folder) is None
    assert magic.sniff_file(zipped) == "zip"


# extract's exclude file


@pytest.mark.parametrize("kind", ["fifo", "link"])
def test_extract_does_not_read_an_exclude_file_that_is_a_fifo_or_a_link_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_hang: None, kind: str
) -> None:
    import zipfile

    repo = make_repo(tmp_path / "study", {"notes.md": "# notes\n"})
    exclude = repo / ".git" / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    exclude.unlink(missing_ok=True)
    secret = outside(tmp_path, "ignore", b"secret-pattern\n")
    if kind == "fifo":
        os.mkfifo(exclude)
    else:
        os.symlink(secret, exclude)
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("top/a.txt", "a\n")
    code, _, err = papershelf(capsys, "extract", str(archive), "--dest", str(repo / "course"))
    assert code == 1
    assert f"{exclude}: cannot read it to exclude --dest from git" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert secret.read_bytes() == b"secret-pattern\n"


# mkexp: the declarations' digest and pyvenv.cfg


def test_declaration_digest_skips_a_fifo_and_a_link_out(tmp_path: Path, no_hang: None) -> None:
    repo = make_repo(tmp_path / "study", {"exp/main.py": "print(1)\n"})
    experiment = Experiment(repo / "exp", ("requirements.txt", "pyproject.toml"), False)
    bare = declaration_digest(experiment)
    os.mkfifo(repo / "exp" / "requirements.txt")
    os.symlink(outside(tmp_path, "pyproject.toml", b"[project]\n"), repo / "exp" / "pyproject.toml")
    assert declaration_digest(experiment) == bare  # neither opened nor read


def test_pyvenv_cfg_that_is_a_fifo_or_a_link_out_is_not_read(tmp_path: Path, no_hang: None) -> None:
    env = tmp_path / "exp" / ".venv"
    env.mkdir(parents=True)
    os.mkfifo(env / "pyvenv.cfg")
    assert interpreters.pyvenv_cfg(env) == {}
    (env / "pyvenv.cfg").unlink()
    os.symlink(outside(tmp_path, "pyvenv.cfg", b"home = /secret\n"), env / "pyvenv.cfg")
    assert interpreters.pyvenv_cfg(env) == {}


# a UTF-8 BOM before the plan's title


def test_a_bom_does_not_hide_the_plans_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = '\ufeff# My Plan\n\n## Phase 1\n\n### Step 1\n\n- **"Attention Is All You Need"**\n'
    repo = make_repo(tmp_path / "study", {"STUDY_PLAN.md": plan})
    code, out, _ = papershelf(capsys, "plan", "--format", "json", str(repo))
    assert code == 0
    assert json.loads(out)["title"] == "My Plan"


# 7z coders py7zr does not implement


@pytest.mark.skipif(shutil.which("7zz") is None, reason="7zz is installed by make system-tools")
@pytest.mark.parametrize(
    ("switch", "method"), [("-mf=ARM64", "ARM64"), ("-mf=BCJ2", "BCJ2"), ("-m0=PPMd", "PPMd")]
)
def test_py7zr_names_a_coder_it_lacks_instead_of_calling_the_archive_damaged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], switch: str, method: str
) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.bin").write_bytes(os.urandom(20_000))
    (source / "b.txt").write_text("line\n" * 3000)
    archive = tmp_path / "a.7z"
    subprocess.run(
        ["7zz", "a", "-bso0", str(archive), "a.bin", "b.txt", switch],
        cwd=source,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    code, _, err = papershelf(
        capsys, "extract", "--backend", "py7zr", str(archive), "--dest", str(tmp_path / "out")
    )
    if method == "PPMd" and code == 0:  # pyppmd installed: py7zr unpacks it
        assert (tmp_path / "out" / "a" / "b.txt").read_text() == "line\n" * 3000
        return
    assert code == 1
    assert err == (
        f"papershelf: error: {archive}: py7zr cannot unpack the {method} method (7-Zip can)\n"
    )
    assert "damaged" not in err


def test_a_nested_fifo_gitignore_is_refused_before_git_waits_on_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_hang: None
) -> None:
    """`git check-ignore` reads each `.gitignore` on the way to a path and would wait on a
    FIFO for ever: `extract --dest` inside the repository names it and stops."""
    import zipfile

    repo = make_repo(tmp_path / "study", {"sub/.gitignore": "*.log\n", "notes.md": "x"})
    fifo_in_work_tree(repo, "sub/.gitignore")
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("top/a.txt", "a\n")
    code, _, err = papershelf(capsys, "extract", str(archive), "--dest", str(repo / "sub" / "out"))
    assert code != 0
    assert "sub/.gitignore: not a regular file; git would wait on it forever" in err
