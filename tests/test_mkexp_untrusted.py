"""mkexp in a cloned, untrusted repository: it reads and writes nothing outside it, never
prints a file from outside, and never opens a FIFO or device blocking."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from papershelf.cli import mkexp_main
from papershelf.mkexp import interpreters
from test_untrusted_repository import no_hang
from wheels import offline_index, offline_settings

__all__ = ["no_hang", "offline_index", "offline_settings"]
SECRET = "TOP-SECRET-LINE"


@pytest.fixture(autouse=True)
def sandbox(offline_index: Path) -> Path:
    return offline_index


@pytest.fixture
def study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A git repository with one experiment ``exp``; the working directory is its root."""
    root = tmp_path / "study"
    (root / "exp").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / "exp" / "requirements.txt").write_text("beta\n", encoding="utf-8")
    monkeypatch.chdir(root)
    yield root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "creds.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = mkexp_main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# 3. mkexp writes through tracked links


def test_a_gitignore_linked_out_of_the_repository_is_not_appended_to(
    study: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = outside / "gitconfig"
    shared.write_text("[user]\n", encoding="utf-8")
    os.symlink(shared, study / ".gitignore")
    code, _, err = run(capsys, "exp")
    assert code == 0
    assert shared.read_text(encoding="utf-8") == "[user]\n"
    assert (
        f"mkexp: did not add .venv/ to .gitignore: .gitignore: refusing to write outside "
        f"the repository {study} (nothing was written)\n"
    ) in err


def test_a_fifo_gitignore_is_not_opened(
    study: Path, capsys: pytest.CaptureFixture[str], no_hang: None
) -> None:
    os.mkfifo(study / ".gitignore")
    code, _, err = run(capsys, "exp")
    assert code == 0
    assert "did not add .venv/ to .gitignore: " in err and "a FIFO, not a regular file" in err


@pytest.mark.parametrize("venv", [False, True])
def test_an_experiment_linked_out_of_the_repository_gets_no_environment(
    study: Path, outside: Path, capsys: pytest.CaptureFixture[str], venv: bool
) -> None:
    (outside / "requirements.txt").write_text("beta\n", encoding="utf-8")
    if venv:
        os.symlink(outside, study / "exp" / ".venv")
        name, env = "exp", "exp/.venv"
    else:
        os.symlink(outside, study / "linked")
        name, env = "linked", "linked/.venv"
    before = sorted(os.listdir(outside))
    code, out, err = run(capsys, name)
    assert (code, out) == (1, "")
    assert err == (
        f"mkexp: error: {env}: refusing to write outside the repository {study} "
        "(nothing was written)\n"
    )
    assert sorted(os.listdir(outside)) == before


@pytest.mark.parametrize("name", ["-rf", "--help"])
def test_an_experiment_named_like_an_option_gets_its_prompt(
    study: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (study / name).mkdir()
    (study / name / "requirements.txt").write_text("", encoding="utf-8")
    code, _, err = run(capsys, f"./{name}")
    assert code == 0, err
    assert interpreters.pyvenv_cfg(study / name / ".venv")["prompt"].strip('"') == name


# 7. mkexp check follows requirement files out of the repository; 11. FIFOs and devices


@pytest.mark.parametrize(
    "line",
    ["-r ../../outside/creds.txt", "-r /etc/hostname", "-r /dev/stdin", "-r /dev/zero", "-e /dev"],
)
def test_check_refuses_a_requirements_line_naming_a_path_outside(
    study: Path, outside: Path, capsys: pytest.CaptureFixture[str], no_hang: None, line: str
) -> None:
    (study / "exp" / "requirements.txt").write_text(f"beta\n{line}\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "exp")
    assert SECRET not in out + err
    assert (code, out) == (2, "")
    assert err == (
        f"mkexp: error: exp/requirements.txt:2: {line}: leads outside the repository "
        f"{study}; mkexp does not read it\n"
    )


def test_check_refuses_a_requirements_file_linked_outside(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (study / "exp" / "requirements.txt").unlink()
    os.symlink("/etc/passwd", study / "exp" / "requirements.txt")
    code, out, err = run(capsys, "check", "exp")
    assert (code, out) == (2, "")
    assert err == (
        "mkexp: error: exp/requirements.txt: a link to a file outside the repository; "
        "papershelf does not read it\n"
    )
    assert "root:" not in err


def test_check_refuses_a_fifo_requirements_file(
    study: Path, capsys: pytest.CaptureFixture[str], no_hang: None
) -> None:
    os.mkfifo(study / "exp" / "more.txt")
    (study / "exp" / "requirements.txt").write_text("beta\n-r more.txt\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "exp")
    assert (code, out) == (1, "")
    assert err == (
        "mkexp: error: exp/more.txt: a FIFO, not a regular file: papershelf reads only files\n"
    )
