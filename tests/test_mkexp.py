"""mkexp end to end: real environments made by virtualenv in tmp_path, local wheels only."""

from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from papershelf import mkexp as experiments
from papershelf.cli import mkexp_main
from papershelf.cli.mkexp import mkexp
from papershelf.mkexp import State, interpreters
from wheels import offline_index, offline_settings, write_local_project

__all__ = ["offline_index", "offline_settings"]

EXPERIMENT = "Код & опыты/UltraChat"


@pytest.fixture(autouse=True)
def sandbox(offline_index: Path) -> Path:
    return offline_index


@pytest.fixture
def study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A git repository with one experiment; the working directory is its root."""
    root = tmp_path / "учёба & study"
    (root / EXPERIMENT).mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / EXPERIMENT / "requirements.txt").write_text("beta\ngamma==1.0\n", encoding="utf-8")
    monkeypatch.chdir(root)
    yield root


def listing(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    capsys.readouterr()
    assert mkexp_main(["--list", "--format", "json"]) == 0
    return {row["path"]: row for row in json.loads(capsys.readouterr().out)}


def env_version(env: Path) -> str:
    return interpreters.pyvenv_cfg(env)["version_info"]


def run_in(env: Path, code: str) -> str:
    python = env / "bin" / "python"
    return subprocess.run(
        [str(python), "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.mark.parametrize("installer", ["auto", "pip"])
def test_creates_a_virtualenv_named_after_the_experiment(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    """With uv on PATH uv makes it, seeding no pip (uv installs); else virtualenv, with pip."""
    assert mkexp_main([EXPERIMENT, "--installer", installer]) == 0
    env = study / EXPERIMENT / ".venv"
    out = capsys.readouterr().out
    assert f"activate:    source '{env}/bin/activate'" in out
    assert f"interpreter: {env}/bin/python" in out
    cfg = interpreters.pyvenv_cfg(env)
    assert cfg["prompt"] in ("UltraChat", '"UltraChat"')
    assert ("uv" in cfg) == (installer == "auto")
    assert run_in(env, "import sys; print(sys.prefix)") == str(env)
    has_pip = "import importlib.util as u; print(u.find_spec('pip') is not None)"
    assert run_in(env, has_pip) == str(installer == "pip")
    sourced = subprocess.run(
        ["bash", "-c", 'source "$1" && echo "$VIRTUAL_ENV"', "_", str(env / "bin" / "activate")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert sourced.stdout.strip() == str(env)


def test_gitignore_gets_venv_once_and_git_sees_no_environment(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (study / ".gitignore").write_text("*.pyc", encoding="utf-8")
    (study / "second").mkdir()
    (study / "second" / "run.py").write_text("print(1)\n")
    assert mkexp_main([EXPERIMENT]) == 0
    assert "added .venv/ to" in capsys.readouterr().err
    assert mkexp_main(["second", "--clear"]) == 0
    assert (study / ".gitignore").read_text(encoding="utf-8") == (
        "*.pyc\n\n# virtual environments made by mkexp, one per experiment\n.venv/\n"
    )
    status = subprocess.run(
        ["git", "status", "--porcelain", "-z", "-uall"], cwd=study, capture_output=True, check=True
    ).stdout.decode()
    assert ".venv" not in status


def test_gitignore_is_left_alone_when_git_already_ignores_venv(study: Path) -> None:
    (study / ".gitignore").write_text("**/.venv\n", encoding="utf-8")
    assert mkexp_main([EXPERIMENT]) == 0
    assert (study / ".gitignore").read_text(encoding="utf-8") == "**/.venv\n"


def test_gitignore_is_never_given_a_second_venv_line(study: Path) -> None:
    (study / ".gitignore").write_text(".venv/\n!Код & опыты/UltraChat/.venv\n", encoding="utf-8")
    assert mkexp_main([EXPERIMENT]) == 0
    assert (study / ".gitignore").read_text(encoding="utf-8") == (
        ".venv/\n!Код & опыты/UltraChat/.venv\n"
    )


def test_list_names_a_root_experiment_dot(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (study / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.9"\n')
    rows = listing(capsys)
    assert rows["."]["declarations"] == ["pyproject.toml"]
    assert rows["."]["python"] == ">=3.9 (pyproject.toml)"
    assert rows[EXPERIMENT]["state"] == "none"


def test_list_shows_every_state(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("ready", "stale", "broken", "foreign"):
        (study / name).mkdir()
        (study / name / "requirements.txt").write_text("alpha\n")
    (study / "none").mkdir()
    (study / "none" / ".python-version").write_text("3.9\n")
    (study / "none" / "notebook.ipynb").write_text("{}")
    assert mkexp_main(["ready", "stale", "broken"]) == 0
    (study / "stale" / "requirements.txt").write_text("alpha\ngamma\n")
    python = study / "broken" / ".venv" / "bin" / "python"
    python.unlink()
    python.symlink_to(study / "uninstalled-pyenv-version" / "python3")
    (study / "foreign" / ".venv").mkdir()
    rows = listing(capsys)
    states = {path: row["state"] for path, row in rows.items()}
    assert states == {
        EXPERIMENT: "none",
        "broken": "broken",
        "foreign": "foreign",
        "none": "none",
        "ready": "ready",
        "stale": "stale",
    }
    ours = ".".join(map(str, sys.version_info[:3]))
    assert rows["ready"]["python"] == ours
    assert rows["none"]["python"] == "3.9 (.python-version)"
    assert rows["none"]["notebooks"] is True
    assert mkexp_main(["--list"]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[0].split() == ["STATE", "PYTHON", "EXPERIMENT", "DECLARATION"]
    assert ["stale", ours, "stale", "requirements.txt"] in [line.split() for line in text]
    assert any(line.split()[:2] == ["none", "-"] and EXPERIMENT in line for line in text)


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_install_writes_a_lock_file(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    assert mkexp_main([EXPERIMENT, "--install", "--installer", installer]) == 0
    err = capsys.readouterr().err
    assert f"installing requirements.txt with {installer}" in err
    folder = study / EXPERIMENT
    lock = (folder / "requirements.lock.txt").read_text(encoding="utf-8").splitlines()
    assert lock[0].startswith("# written by mkexp")
    assert [line for line in lock if not line.startswith("#")] == [
        "alpha==1.0",
        "beta==1.0",
        "gamma==1.0",
    ]
    assert run_in(folder / ".venv", "import beta, gamma; print(gamma.VERSION)") == "1.0"
    assert listing(capsys)[EXPERIMENT]["state"] == "ready"


def test_install_into_a_stale_environment_makes_it_ready(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = study / EXPERIMENT
    (folder / "requirements.txt").write_text("alpha\n", encoding="utf-8")
    assert mkexp_main([EXPERIMENT, "--install"]) == 0
    (folder / "requirements.txt").write_text("alpha\ngamma==1.0\n", encoding="utf-8")
    assert listing(capsys)[EXPERIMENT]["state"] == "stale"
    assert mkexp_main([EXPERIMENT, "--install"]) == 0
    assert listing(capsys)[EXPERIMENT]["state"] == "ready"
    assert "gamma==1.0" in (folder / "requirements.lock.txt").read_text(encoding="utf-8")


def test_unsatisfiable_requirements_are_reported_with_their_lines(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = study / EXPERIMENT
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text(
        "# research code from 2020\nalpha\noldonly==1.4.0\nno-such-package\n", encoding="utf-8"
    )
    capsys.readouterr()
    assert mkexp_main(["check", EXPERIMENT]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3
    fitting = [
        interpreters.format_version(item.version)
        for item in interpreters.find_interpreters()
        if item.version[:2] in ((3, 7), (3, 8))
    ]
    ours = interpreters.format_version(interpreters.current_interpreter().version)
    assert out == [
        f"{requirements}:3: oldonly==1.4.0: no release for Python {ours}; "
        f"installed Pythons that have one: {', '.join(fitting)}",
        f"{requirements}:4: no-such-package: no such package on the index",
        f"{EXPERIMENT}: cannot install for {interpreters.current_interpreter().path} "
        "(listed above)",
    ]
    assert mkexp_main([EXPERIMENT, "--install", "--installer", "pip"]) == 1
    captured = capsys.readouterr()
    assert f"{requirements}:3: oldonly==1.4.0" in captured.err
    assert "1 requirement(s) cannot be installed" in captured.err
    assert not (folder / ".venv").exists()
    assert not (folder / "requirements.lock.txt").exists()


def test_check_passes_when_everything_resolves(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert mkexp_main(["check", EXPERIMENT]) == 0
    assert capsys.readouterr().out.endswith(
        f"{interpreters.current_interpreter().path}: alpha 1.0, beta 1.0, gamma 1.0\n"
    )
    assert not (study / EXPERIMENT / ".venv").exists()


def test_existing_environment_is_kept_unless_clear(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert mkexp_main([EXPERIMENT]) == 0
    marker = study / EXPERIMENT / ".venv" / "made-before"
    marker.write_text("")
    assert mkexp_main([EXPERIMENT]) == 0
    assert "keeping its environment (ready; --clear remakes it)" in capsys.readouterr().err
    assert marker.exists()
    assert mkexp_main([EXPERIMENT, "--clear"]) == 0
    assert not marker.exists()
    assert (study / EXPERIMENT / ".venv" / "pyvenv.cfg").exists()


def test_clear_keeps_the_old_environment_when_the_new_one_fails(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = study / EXPERIMENT
    assert mkexp_main([EXPERIMENT]) == 0
    (folder / ".venv" / "made-before").write_text("")
    (folder / "requirements.txt").write_text("no-such-package\n", encoding="utf-8")
    assert mkexp_main([EXPERIMENT, "--clear", "--install", "--installer", "pip"]) == 1
    assert "kept the old environment" in capsys.readouterr().err
    assert sorted(os.listdir(folder)) == [".venv", "requirements.txt"]
    assert (folder / ".venv" / "made-before").exists()
    assert listing(capsys)[EXPERIMENT]["state"] == "stale"


@pytest.mark.parametrize("extra", [[], ["--clear"]])
def test_a_venv_folder_that_is_not_an_environment_is_never_touched(
    study: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    precious = study / EXPERIMENT / ".venv" / "my notes.txt"
    precious.parent.mkdir()
    precious.write_text("do not lose", encoding="utf-8")
    assert mkexp_main([EXPERIMENT, *extra]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"mkexp: error: {EXPERIMENT}/.venv: exists but is not a virtual environment "
        "(no pyvenv.cfg); mkexp leaves it alone: move it away first\n"
    )
    assert os.listdir(precious.parent) == ["my notes.txt"]
    assert precious.read_text(encoding="utf-8") == "do not lose"
    assert not (study / ".gitignore").exists()


def _start(folder: Path, *args: str) -> subprocess.Popen[bytes]:
    code = "import sys; from papershelf.cli import mkexp_main; sys.exit(mkexp_main())"
    return subprocess.Popen(
        [sys.executable, "-c", code, str(folder), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(path: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert process.poll() is None, f"mkexp ended early: {process.returncode}"
        assert time.monotonic() < deadline
        time.sleep(0.005)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_creation_leaves_nothing_behind(study: Path, signum: int) -> None:
    folder = study / EXPERIMENT
    (folder / "requirements.txt").write_text("bulky\n", encoding="utf-8")
    process = _start(folder, "--install", "--installer", "pip")
    # pyvenv.cfg exists: virtualenv is done, pip is busy with bulky's 4,000 files
    _wait_for(folder / ".venv" / "pyvenv.cfg", process)
    time.sleep(0.3)
    assert process.poll() is None
    process.send_signal(signum)
    assert process.wait(timeout=60) == 130
    assert sorted(os.listdir(folder)) == ["requirements.txt"]


@pytest.mark.slow
def test_a_killed_creation_is_shown_broken_then_cleaned_up(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = study / EXPERIMENT
    (folder / "requirements.txt").write_text("bulky\n", encoding="utf-8")
    process = _start(folder, "--install", "--installer", "pip")
    _wait_for(folder / ".venv" / "pyvenv.cfg", process)
    process.kill()
    process.wait(timeout=60)
    assert listing(capsys)[EXPERIMENT]["state"] == "broken"
    (folder / "requirements.txt").write_text("alpha\n", encoding="utf-8")
    assert mkexp_main([str(folder)]) == 0
    assert "removing a half-made environment" in capsys.readouterr().err
    assert listing(capsys)[EXPERIMENT]["state"] == "ready"


def test_python_version_is_taken_from_the_experiment(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = [item for item in interpreters.find_interpreters() if item.version >= (3, 9)]
    oldest = found[-1]
    wanted = ".".join(map(str, oldest.version[:2]))
    (study / EXPERIMENT / ".python-version").write_text(wanted + "\n")
    assert mkexp_main([EXPERIMENT]) == 0
    newest_of_minor = max(item.version for item in found if item.version[:2] == oldest.version[:2])
    assert env_version(study / EXPERIMENT / ".venv").startswith(".".join(map(str, newest_of_minor)))


def test_no_interpreter_satisfies_requires_python(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = study / EXPERIMENT
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "ultrachat"\nrequires-python = ">=4.0"\n', encoding="utf-8"
    )
    assert mkexp_main([EXPERIMENT]) == 1
    err = capsys.readouterr().err
    pyproject = Path(EXPERIMENT) / "pyproject.toml"
    assert err.startswith(f"mkexp: error: {pyproject} asks for Python >=4.0, but")
    ours = ".".join(map(str, sys.version_info[:3]))
    assert "(found: " in err and ours in err
    assert not (folder / ".venv").exists()
    assert mkexp_main([EXPERIMENT, "--python", sys.executable]) == 0
    assert env_version(folder / ".venv").startswith(ours)


@pytest.mark.slow
def test_pythons_before_3_9_get_pip_from_ensurepip(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = [item for item in interpreters.find_interpreters() if (3, 6) <= item.version < (3, 9)]
    assert old, "this machine needs a Python 3.6-3.8 (pyenv install 3.8) for this test"
    folder = study / EXPERIMENT
    (folder / "requirements.txt").write_text("oldonly==1.4.0\n", encoding="utf-8")
    version = ".".join(map(str, old[0].version[:2]))
    assert mkexp_main([EXPERIMENT, "--python", version, "--install", "--installer", "pip"]) == 0
    env = folder / ".venv"
    assert run_in(env, "import sys, pip, oldonly; print(sys.version_info[:2])") == str(
        old[0].version[:2]
    )
    assert "oldonly==1.4.0" in (folder / "requirements.lock.txt").read_text(encoding="utf-8")


def test_new_makes_a_folder_with_readme_requirements_and_environment(
    study: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    section = study / "03 Код"
    section.mkdir()
    monkeypatch.chdir(section)
    assert mkexp_main(["new", "опыт 1"]) == 0
    folder = section / "опыт 1"
    assert sorted(os.listdir(folder)) == [".venv", "README.md", "requirements.txt"]
    assert (folder / "requirements.txt").read_text() == ""
    assert mkexp_main(["new", "опыт 1"]) == 1
    assert "already exists" in capsys.readouterr().err
    # a folder literally called 'new' is reached as ./new
    assert mkexp_main(["new", "new"]) == 0
    (section / "new" / ".venv" / "pyvenv.cfg").unlink()
    shutil.rmtree(section / "new" / ".venv")
    assert mkexp_main(["./new"]) == 0
    assert (section / "new" / ".venv" / "pyvenv.cfg").exists()


def test_new_removes_its_folder_when_the_environment_fails(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert mkexp_main(["new", "x", "--python", "4.0"]) == 1
    assert "--python asks for Python 4.0" in capsys.readouterr().err
    assert not (study / "x").exists()


def test_kernel_is_registered_for_notebooks(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = study / EXPERIMENT
    (folder / "notebooks").mkdir()
    (folder / "notebooks" / "analysis.ipynb").write_text("{}")
    assert mkexp_main([EXPERIMENT, "--kernel"]) == 0
    spec_file = Path(os.environ["JUPYTER_DATA_DIR"]) / "kernels" / "ultrachat" / "kernel.json"
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    assert spec["display_name"] == "UltraChat"
    assert spec["argv"][0] == str(folder / ".venv" / "bin" / "python")
    assert "registered Jupyter kernel 'ultrachat'" in capsys.readouterr().err


def test_all_makes_every_experiment(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (study / "notes").mkdir()
    (study / "notes" / "a.ipynb").write_text("{}")
    assert mkexp_main(["--all"]) == 0
    assert {row["state"] for row in listing(capsys).values()} == {"ready"}


def test_usage_errors(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert mkexp_main([]) == 2
    assert mkexp_main(["new"]) == 2
    assert mkexp_main(["check"]) == 2
    assert mkexp_main(["--all", EXPERIMENT]) == 2
    assert mkexp_main(["no such folder"]) == 1
    assert capsys.readouterr().err.endswith("mkexp: error: no such folder: no such folder\n")


def test_outside_git_nothing_is_written_but_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "опыт & co"
    folder.mkdir()
    (folder / "train.py").write_text("print('hi')\n")
    monkeypatch.chdir(tmp_path)
    assert mkexp_main([folder.name]) == 0
    assert sorted(os.listdir(tmp_path)) == ["опыт & co"]
    assert sorted(os.listdir(folder)) == [".venv", "train.py"]
    assert listing(capsys) == {
        "опыт & co": {
            "path": "опыт & co",
            "name": "опыт & co",
            "declarations": [],
            "notebooks": False,
            "state": "ready",
            "python": ".".join(map(str, sys.version_info[:3])),
        }
    }


def test_installer_auto_falls_back_to_pip_without_uv(
    study: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    git_dir = os.path.dirname(shutil.which("git") or "/usr/bin/git")
    monkeypatch.setenv("PATH", git_dir)
    assert mkexp_main([EXPERIMENT, "--install", "--installer", "uv"]) == 1
    assert capsys.readouterr().err == (
        "mkexp: error: --installer uv: uv is not on PATH (pip install uv)\n"
    )
    assert not (study / EXPERIMENT / ".venv").exists()
    assert mkexp_main([EXPERIMENT, "--install"]) == 0
    assert "installing requirements.txt with pip" in capsys.readouterr().err


def test_readme_documents_every_option_and_state() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: mkexp -->")[1].split("<!-- end: mkexp -->")[0]
    options = [opt for param in mkexp.params for opt in param.opts if opt.startswith("--")]
    assert len(options) == 10
    assert [opt for opt in options if opt not in section] == []
    assert [state.value for state in State if f"| `{state.value}` |" not in section] == []


def test_clear_never_follows_a_symlinked_venv(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = study / "shared-env"
    elsewhere.mkdir()
    (elsewhere / "requirements.txt").write_text("alpha\n", encoding="utf-8")
    assert mkexp_main(["shared-env"]) == 0
    link = study / EXPERIMENT / ".venv"
    link.symlink_to(elsewhere / ".venv")
    capsys.readouterr()
    assert mkexp_main([EXPERIMENT, "--clear"]) == 1
    assert capsys.readouterr().err == (
        f"mkexp: error: {EXPERIMENT}/.venv: is a symbolic link to {elsewhere / '.venv'}; "
        "--clear remakes only an environment inside the experiment: remove the link first\n"
    )
    assert link.is_symlink()
    assert sorted(os.listdir(link.parent)) == [".venv", "requirements.txt"]
    assert (elsewhere / ".venv" / "pyvenv.cfg").exists()


def _without_root(command: list[str]) -> list[str]:
    """root writes into read-only folders; drop the capabilities that let it."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to test read-only folders as root"
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--", *command]


def test_a_read_only_experiment_folder_is_a_one_line_error(study: Path) -> None:
    folder = study / EXPERIMENT
    folder.chmod(0o555)
    try:
        code = "import sys; from papershelf.cli import mkexp_main; sys.exit(mkexp_main())"
        result = subprocess.run(
            _without_root([sys.executable, "-c", code, EXPERIMENT]),
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        folder.chmod(0o755)
    assert (result.returncode, result.stderr.splitlines()[-1]) == (
        1,
        f"mkexp: error: {EXPERIMENT}: cannot write its environment ({EXPERIMENT}/.venv: "
        "Permission denied); make the folder writable, or copy the experiment somewhere "
        "writable",
    )
    assert os.listdir(folder) == ["requirements.txt"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "Pipfile",
            '[packages]\nalpha = "*"\nsix = true\n',
            'Pipfile:3: [packages] six: expected a version string like "*" or "==1.0", '
            "or a table, got true",
        ),
        (
            "pyproject.toml",
            '[project]\nname = "x"\ndependencies = [1]\n',
            "pyproject.toml:3: [project] dependencies: expected a requirement string, got 1",
        ),
        (
            "pyproject.toml",
            '[project]\nname = "x"\ndependencies = "alpha"\n',
            'pyproject.toml:3: [project] dependencies: expected a list of strings, got "alpha"',
        ),
        (
            "pyproject.toml",
            '[project]\nname = "x"\nrequires-python = 3.8\n',
            "pyproject.toml:3: [project] requires-python: expected a string, got 3.8",
        ),
    ],
)
def test_declarations_with_values_of_the_wrong_type_are_config_errors(
    study: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, message: str
) -> None:
    folder = study / EXPERIMENT
    (folder / "requirements.txt").unlink()
    (folder / name).write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert mkexp_main(["check", EXPERIMENT]) == 2
    assert capsys.readouterr().err == f"mkexp: error: {EXPERIMENT}/{message}\n"
    assert os.listdir(folder) == [name]


# --- mkexp check: the resolver's own explanation, one line per problem (uv and pip) ---


def check_lines(capsys: pytest.CaptureFixture[str], *args: str, code: int = 1) -> list[str]:
    """check's lines for one experiment, less its closing 'cannot install' verdict."""
    capsys.readouterr()
    assert mkexp_main(["check", *args]) == code
    lines = capsys.readouterr().out.splitlines()
    if code == 1:
        assert lines[-1].startswith(f"{args[0]}: cannot install for ")
        assert lines[-1].endswith(" (listed above)")
        return lines[:-1]
    return lines


@pytest.fixture(params=["uv", "pip"])
def installer(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def pip_note(installer: str) -> list[str]:
    """pip takes half a second a run, so check stops at its first problem and says so."""
    if installer == "uv":
        return []
    return [
        f"{EXPERIMENT}: pip stops at the first problem, so the other lines were not checked "
        "(with uv on PATH, check lists every problem)"
    ]


def test_check_names_the_pins_that_conflict(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text("alpha\ntfm==4.28.1\ntok==0.20.0\n", encoding="utf-8")
    needs = {"uv": "tfm needs tok>=0.11,<0.14", "pip": "tfm==4.28.1 needs tok<0.14,>=0.11"}
    assert check_lines(capsys, EXPERIMENT, "--installer", installer) == [
        f"{requirements}:3: tok==0.20.0: conflicts with tfm==4.28.1 ({requirements}:2): "
        f"{needs[installer]}",
        *pip_note(installer),
    ]


def test_check_names_a_pin_with_an_exclusion_that_conflicts(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text("tfx==4.28.1\ntok==0.20.0\n", encoding="utf-8")
    needs = {
        "uv": "tfx needs tok>=0.11.1,<0.11.3 or >0.11.3,<0.14",
        "pip": "tfx==4.28.1 needs tok!=0.11.3,<0.14,>=0.11.1",
    }
    assert check_lines(capsys, EXPERIMENT, "--installer", installer) == [
        f"{requirements}:2: tok==0.20.0: conflicts with tfx==4.28.1 ({requirements}:1): "
        f"{needs[installer]}",
        *pip_note(installer),
    ]


def test_check_names_the_sdist_that_fails_to_build_and_its_error_never_a_footer(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text("alpha\ncudaext==0.2.1\n", encoding="utf-8")
    out = check_lines(capsys, EXPERIMENT, "--installer", installer)
    assert out == [
        f"{requirements}:2: cudaext==0.2.1: its source fails to build: "
        "RuntimeError: CUDA_HOME environment variable is not set",
        *pip_note(installer),
    ]


def test_check_names_the_line_that_needs_the_network_and_the_host(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text(
        "alpha\nthing @ git+https://github.invalid/someone/thing.git\n", encoding="utf-8"
    )
    assert check_lines(capsys, EXPERIMENT, "--installer", installer) == [
        f"{requirements}:2: thing @ git+https://github.invalid/someone/thing.git: needs the "
        "network: cannot reach github.invalid (could not resolve host)",
        *pip_note(installer),
    ]


def test_check_and_install_say_which_index_host_cannot_be_reached(
    study: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("UV_FIND_LINKS", "PIP_FIND_LINKS", "PIP_NO_INDEX", "UV_INDEX_URL"):
        monkeypatch.delenv(key)
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text(
        "--extra-index-url https://pypi.example.invalid/simple\nalpha\n", encoding="utf-8"
    )
    expected = (
        f"{requirements}:2: alpha: needs the network: cannot reach pypi.example.invalid (dns error)"
    )
    assert check_lines(capsys, EXPERIMENT) == [expected]
    assert mkexp_main([EXPERIMENT, "--install"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-2:] == [
        f"mkexp: {expected}",
        f"mkexp: error: {EXPERIMENT}: 1 requirement(s) cannot be installed (listed above); "
        "nothing was installed",
    ]


def test_check_says_which_installed_pythons_have_a_release(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text("alpha\noldonly==1.4.0\n", encoding="utf-8")
    ours = interpreters.current_interpreter().version
    fitting = [
        interpreters.format_version(item.version)
        for item in interpreters.find_interpreters()
        if item.version[:2] in ((3, 7), (3, 8)) and item.version[:2] != ours[:2]
    ]
    where = (
        f"; installed Pythons that have one: {', '.join(fitting)}"
        if fitting
        else ", nor for any installed Python"
    )
    assert check_lines(capsys, EXPERIMENT, "--installer", installer) == [
        f"{requirements}:2: oldonly==1.4.0: no release for Python "
        f"{interpreters.format_version(ours)}{where}",
        *pip_note(installer),
    ]


def test_check_stops_at_its_timeout_and_says_what_it_was_doing(
    study: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections, never answers
    port = silent.getsockname()[1]
    for key in ("UV_FIND_LINKS", "PIP_FIND_LINKS", "PIP_NO_INDEX"):
        monkeypatch.delenv(key)
    monkeypatch.setenv("UV_INDEX_URL", f"http://127.0.0.1:{port}/simple")
    try:
        started = time.monotonic()
        capsys.readouterr()
        assert mkexp_main(["check", EXPERIMENT, "--timeout", "1"]) == 1
        assert time.monotonic() - started < 30
    finally:
        silent.close()
    version = interpreters.format_version(interpreters.current_interpreter().version)
    assert capsys.readouterr().err == (
        f"mkexp: error: {EXPERIMENT}: check stopped after 1 s (--timeout) while resolving "
        f"requirements.txt with uv for Python {version}\n"
    )


def test_check_shows_a_progress_line_per_experiment_on_a_terminal(study: Path) -> None:
    (study / "second").mkdir()
    (study / "second" / "requirements.txt").write_text("gamma\n", encoding="utf-8")
    code = "import sys; from papershelf.cli import mkexp_main; sys.exit(mkexp_main())"
    main, secondary = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-c", code, "check", EXPERIMENT, "second"],
            stdout=subprocess.PIPE,
            stderr=secondary,
            text=True,
            check=False,
        )
        os.close(secondary)
        terminal = b""
        while chunk := _read_pty(main):
            terminal += chunk
    finally:
        os.close(main)
    assert result.returncode == 0
    version = interpreters.format_version(interpreters.current_interpreter().version)
    assert terminal.decode().splitlines() == [
        f"mkexp: {EXPERIMENT}: resolving requirements.txt with uv for Python {version} "
        "(2 requirements)",
        f"mkexp: second: resolving requirements.txt with uv for Python {version} (1 requirements)",
    ]


def _read_pty(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # EIO: the other end is closed
        return b""


def test_editable_paths_come_from_the_declarations_folder_and_check_writes_nothing(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    folder = study / "09_Edge" / "e_dot"
    write_local_project(folder, "edot")
    (folder / "requirements.txt").write_text("-e .\n-r extra.txt\n", encoding="utf-8")
    (folder / "extra.txt").write_text("-c constraints.txt\ngamma\n", encoding="utf-8")
    (folder / "constraints.txt").write_text("gamma<2\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=study, check=True)
    assert check_lines(capsys, "09_Edge/e_dot", "--installer", installer, code=0)[-1].endswith(
        "edot (local), gamma 1.0"
    )
    untracked = subprocess.run(
        ["git", "ls-files", "-z", "-o", "--exclude-standard"], cwd=study, capture_output=True
    ).stdout
    assert untracked == b""  # no edot.egg-info: the build ran in a copy
    assert mkexp_main(["09_Edge/e_dot", "--install", "--installer", installer]) == 0
    lock = (folder / "requirements.lock.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in lock if not line.startswith("#")] == ["-e .", "gamma==1.0"]
    assert run_in(folder / ".venv", "import sys; print(sys.path[-1])") == str(folder)


def test_make_says_stale_when_the_declaration_changed(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = study / EXPERIMENT
    assert mkexp_main([EXPERIMENT, "--install"]) == 0
    (folder / "requirements.txt").write_text("alpha\n", encoding="utf-8")
    capsys.readouterr()
    assert mkexp_main([EXPERIMENT]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{EXPERIMENT}: stale (the declaration changed since the environment was made: "
        "--install updates it, --clear remakes it)"
    )
    assert listing(capsys)[EXPERIMENT]["state"] == "stale"
    assert mkexp_main([EXPERIMENT, "--install"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"{EXPERIMENT}: ready"


def test_kernel_names_never_re_point_another_experiments_kernel(
    study: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(study.parent / "jupyter"))
    for parent in ("a", "b"):
        (study / parent / "UltraChat").mkdir(parents=True)
        (study / parent / "UltraChat" / "analysis.ipynb").write_text("{}")
    kernels = Path(os.environ["JUPYTER_DATA_DIR"]) / "kernels"

    def points_to(name: str) -> str:
        spec = json.loads((kernels / name / "kernel.json").read_text(encoding="utf-8"))
        return str(spec["argv"][0])

    assert mkexp_main(["a/UltraChat", "--kernel"]) == 0
    assert mkexp_main(["b/UltraChat", "--kernel"]) == 0
    err = capsys.readouterr().err
    assert "registered Jupyter kernel 'ultrachat' (UltraChat)" in err
    assert "registered Jupyter kernel 'b--ultrachat' (b/UltraChat)" in err
    assert points_to("ultrachat") == str(study / "a" / "UltraChat" / ".venv" / "bin" / "python")
    assert points_to("b--ultrachat") == str(study / "b" / "UltraChat" / ".venv" / "bin" / "python")
    assert mkexp_main(["b/UltraChat", "--kernel"]) == 0  # the name pointing here is kept
    assert "registered Jupyter kernel 'b--ultrachat'" in capsys.readouterr().err
    assert sorted(os.listdir(kernels)) == ["b--ultrachat", "ultrachat"]


def test_a_folder_that_is_not_an_experiment_is_refused_unless_force(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = study / "peft" / "src" / "peft"
    package.mkdir(parents=True)
    (package / "tuners.py").write_text("X = 1\n")
    (study / "peft" / "setup.py").write_text("from setuptools import setup\nsetup(name='peft')\n")
    (study / "run.py").write_text("print(1)\n")
    capsys.readouterr()
    assert mkexp_main(["peft/src/peft"]) == 1
    assert capsys.readouterr().err == (
        "mkexp: error: peft/src/peft: not an experiment: its code belongs to the experiment "
        "peft (mkexp peft); --force makes an environment here anyway\n"
    )
    assert mkexp_main(["."]) == 1
    assert capsys.readouterr().err == (
        "mkexp: error: .: not an experiment: the repository root holds the study; its scripts "
        "make no experiment; --force makes an environment here anyway\n"
    )
    assert sorted(os.listdir(package)) == ["tuners.py"]
    assert not (study / ".venv").exists()
    assert mkexp_main([".", "--force"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{study.name}: ready"
    assert interpreters.pyvenv_cfg(study / ".venv")["prompt"] in (study.name, f'"{study.name}"')


def test_pipfile_requires_python_version(study: Path) -> None:
    ours = interpreters.current_interpreter().version[:2]
    older = [item for item in interpreters.find_interpreters() if item.version[:2] != ours]
    assert older, "this test needs a second Python (pyenv, uv python or a Debian python3.x)"
    wanted = interpreters.format_version(older[0].version[:2])
    folder = study / EXPERIMENT
    (folder / "requirements.txt").unlink()
    (folder / "Pipfile").write_text(
        f'[packages]\nalpha = "*"\n\n[requires]\npython_version = "{wanted}"\n', encoding="utf-8"
    )
    assert experiments.requested_python(folder).text == wanted  # type: ignore[union-attr]
    assert mkexp_main([EXPERIMENT]) == 0
    assert env_version(folder / ".venv").startswith(wanted + ".")


def test_runtime_txt_patch_pin_takes_the_closest_installed_patch(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = interpreters.current_interpreter().version
    closest = max(
        (item for item in interpreters.find_interpreters() if item.version[:2] == ours[:2]),
        key=lambda item: item.version,
    )
    asked = f"{ours[0]}.{ours[1]}.{closest.version[2] + 40}"
    (study / EXPERIMENT / "runtime.txt").write_text(f"python-{asked}\n", encoding="utf-8")
    assert mkexp_main([EXPERIMENT]) == 0
    assert (
        f"mkexp: {EXPERIMENT}/runtime.txt asks for Python {asked}, which is not installed; using "
        f"{interpreters.format_version(closest.version)}, the closest installed patch release\n"
    ) in capsys.readouterr().err
    assert env_version(study / EXPERIMENT / ".venv").startswith(
        interpreters.format_version(closest.version)
    )


def test_python_2_is_named_unsupported(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert mkexp_main([EXPERIMENT, "--python", "2.7"]) == 1
    assert capsys.readouterr().err == (
        "mkexp: error: --python asks for Python 2.7: Python 2 is not supported; mkexp makes "
        "Python 3 environments (pass --python 3.x)\n"
    )
    (study / EXPERIMENT / "runtime.txt").write_text("python-2.7.18\n", encoding="utf-8")
    assert mkexp_main([EXPERIMENT]) == 1
    assert capsys.readouterr().err == (
        f"mkexp: error: {EXPERIMENT}/runtime.txt asks for Python 2.7.18: Python 2 is not "
        "supported; mkexp makes Python 3 environments (pass --python 3.x)\n"
    )
    assert not (study / EXPERIMENT / ".venv").exists()


CONDA_ENVIRONMENT = """\
name: homl3
channels:
  - conda-forge
dependencies:
  - python
  - cudatoolkit=11.3
  - alpha=1.0
  - conda-forge::gamma=1
  - condaonlylib=2.1
  - pip
  - pip:
    - beta
"""


def test_check_names_conda_only_packages_and_checks_the_ones_pip_has(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    """As handson-ml3's environment.yml: numpy=1.21.2 is pip's numpy==1.21.2."""
    folder = study / EXPERIMENT
    (folder / "requirements.txt").unlink()
    (folder / "environment.yml").write_text(CONDA_ENVIRONMENT, encoding="utf-8")
    where = f"{EXPERIMENT}/environment.yml"
    assert check_lines(capsys, EXPERIMENT, "--installer", installer, code=0) == [
        f"{where}:6: cudatoolkit=11.3: conda-only (pip has no such package): "
        "conda env create -f environment.yml installs it",
        f"{where}:9: condaonlylib=2.1: conda-only (pip has no such package): "
        "conda env create -f environment.yml installs it",
        f"{EXPERIMENT}: installs from wheels for {interpreters.current_interpreter().path}: "
        "alpha 1.0, beta 1.0, gamma 1.0",
    ]


def test_install_of_a_conda_environment_installs_what_pip_has_and_is_never_called_ready(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    folder = study / EXPERIMENT
    (folder / "requirements.txt").unlink()
    (folder / "environment.yml").write_text(CONDA_ENVIRONMENT, encoding="utf-8")
    capsys.readouterr()
    assert mkexp_main([EXPERIMENT, "--install", "--installer", installer]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"{EXPERIMENT}: partial (conda-only, not installed: cudatoolkit=11.3, condaonlylib=2.1; "
        "conda env create installs them)"
    )
    lock = (folder / "requirements.lock.txt").read_text(encoding="utf-8").splitlines()
    assert lock[2:] == ["alpha==1.0", "beta==1.0", "gamma==1.0"]
    assert listing(capsys)[EXPERIMENT]["state"] == "partial"


def test_check_never_uses_the_environments_old_pip(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = study / EXPERIMENT
    assert mkexp_main([EXPERIMENT, "--installer", "pip"]) == 0
    python = folder / ".venv" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "uninstall", "-q", "-y", "pip"], check=True)
    site = Path(run_in(folder / ".venv", "import sysconfig; print(sysconfig.get_path('purelib'))"))
    (site / "pip").mkdir()
    (site / "pip" / "__init__.py").write_text("")
    (site / "pip" / "__main__.py").write_text(  # pip 22.0, as ensurepip gives Python 3.7
        "import sys\nsys.exit('Usage: pip install [options]\\n\\nno such option: --dry-run')\n"
    )
    assert check_lines(capsys, EXPERIMENT, "--installer", "pip", code=0) == [
        f"{EXPERIMENT}: installs from wheels for {EXPERIMENT}/.venv/bin/python: "
        "alpha 1.0, beta 1.0, gamma 1.0"
    ]


def test_check_with_pip_for_a_python_pip_cannot_run_on_says_sdists_need_uv(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from papershelf.mkexp.resolving import pip_runs_on

    old = [item for item in interpreters.find_interpreters() if not pip_runs_on(item)]
    assert old, "this machine needs a Python older than papershelf's pip supports (pyenv)"
    version = interpreters.format_version(old[0].version[:2])
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text("alpha\ncudaext==0.2.1\n", encoding="utf-8")
    out = check_lines(capsys, EXPERIMENT, "--installer", "pip", "--python", version)
    assert out == [
        f"{requirements}:2: cudaext==0.2.1: only a source distribution "
        "(cudaext-0.2.1.tar.gz), and papershelf's pip, which does not run on Python "
        f"{interpreters.format_version(old[0].version)}, checks it with wheels only: "
        "put uv on PATH",
        *pip_note("pip"),
    ]


def _installed(versions: tuple[tuple[int, int], ...]) -> list[str]:
    """The installed Pythons among ``versions`` other than the one running, newest first."""
    ours = interpreters.current_interpreter().version[:2]
    return [
        interpreters.format_version(item.version)
        for item in interpreters.find_interpreters()
        if item.version[:2] in versions and item.version[:2] != ours
    ]


def _with_wheels(versions: tuple[tuple[int, int], ...]) -> str:
    """'; installed Pythons with wheels: …' for the installed Pythons among ``versions``."""
    fitting = _installed(versions)
    if not fitting:
        return "; no installed Python has a wheel of it"
    newest = ".".join(fitting[0].split(".")[:2])
    return f"; installed Pythons with wheels: {', '.join(fitting)} (--python {newest})"


def _on_path(program: str) -> str:
    return f"{program} {'is on PATH' if shutil.which(program) else 'is not on PATH'}"


def test_check_says_which_pin_needs_a_build_which_toolchain_and_which_python_has_wheels(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    """transformers==4.5.1 needs tokenizers 0.10.3: wheels up to cp39, else Rust."""
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text("alpha\ntfmold==4.5.1\nnumold==1.21.2\n", encoding="utf-8")
    version = interpreters.format_version(interpreters.current_interpreter().version)
    lines = check_lines(capsys, EXPERIMENT, "--installer", installer, code=0)
    assert lines == [
        f"{requirements}:3: numold==1.21.2: needs a build: no wheel of numold 1.21.2 for Python "
        f"{version}; building it needs a C compiler (.c sources; {_on_path('cc')})"
        "; no installed Python has a wheel of it",
        f"{requirements}:2: tfmold==4.5.1: needs a build: it needs tokold 0.10.3, which has no "
        f"wheel for Python {version}; building it needs Rust (Cargo.toml; {_on_path('cargo')})"
        + _with_wheels(((3, 7), (3, 8))),
        f"{EXPERIMENT}: needs a build for {interpreters.current_interpreter().path}: 2 "
        "requirement(s) pull in a package with no wheel (listed above)",
    ]


def test_check_says_installs_from_wheels_when_every_package_has_one(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text("tfm==4.28.1\n", encoding="utf-8")
    assert check_lines(capsys, EXPERIMENT, "--installer", installer, code=0) == [
        f"{EXPERIMENT}: installs from wheels for {interpreters.current_interpreter().path}: "
        "tfm 4.28.1, tok 0.13.3"
    ]
    requirements.write_text("tfm==4.28.1\npurepkg==0.4.0\n", encoding="utf-8")
    assert check_lines(capsys, EXPERIMENT, "--installer", installer, code=0) == [
        f"{EXPERIMENT}: installs from wheels and pure-Python sources (purepkg 0.4.0: no "
        f"compiler needed) for {interpreters.current_interpreter().path}: purepkg 0.4.0, "
        "tfm 4.28.1, tok 0.13.3"
    ]


def test_check_of_an_environment_yaml_with_an_editable_git_line_cites_the_users_file(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    """As stable-diffusion's environment.yaml: uv takes no editable git requirement; the
    line is resolved as 'NAME @ git+URL', its problem cited at environment.yaml, never at
    mkexp's temporary input, and the other pins are still checked."""
    folder = study / EXPERIMENT
    (folder / "requirements.txt").unlink()
    (folder / "environment.yaml").write_text(
        "name: ldm\ndependencies:\n  - python\n  - pip\n  - pip:\n    - alpha\n"
        "    - -e git+https://github.invalid/CompVis/taming.git@master#egg=taming\n"
        "    - gamma==1.0\n",
        encoding="utf-8",
    )
    assert check_lines(capsys, EXPERIMENT, "--installer", installer) == [
        f"{EXPERIMENT}/environment.yaml:7: -e git+https://github.invalid/CompVis/taming.git"
        "@master#egg=taming: needs the network: cannot reach github.invalid "
        "(could not resolve host)",
        *pip_note(installer),
    ]


def test_check_honours_and_shows_the_constraints_of_the_users_pip_configuration(
    study: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    installer: str,
) -> None:
    """As a pip.conf capping torch at 2.14.1: uv is given the same constraint, and the
    constraint is named where it decides; a pin with no file for this Python is said so,
    never 'conflicting requirements'."""
    config = study.parent / "pip.conf"
    constraints = study.parent / "constraints.txt"
    constraints.write_text("oldonly<=3\ngamma<2\n", encoding="utf-8")
    config.write_text(f"[global]\nconstraint = {constraints}\n", encoding="utf-8")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(config))
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text("alpha\ngamma==2.0\n", encoding="utf-8")
    lines = check_lines(capsys, EXPERIMENT, "--installer", installer)
    assert lines == [
        f"{requirements}:2: gamma==2.0: conflicts with the constraint gamma<2 "
        f"({constraints}, set in {config} [global])",
        *pip_note(installer),
    ]
    requirements.write_text("alpha\noldonly==1.4.0\n", encoding="utf-8")
    lines = check_lines(capsys, EXPERIMENT, "--installer", installer)
    assert lines == [
        f"{requirements}:2: oldonly==1.4.0: no release for Python "
        f"{interpreters.format_version(interpreters.current_interpreter().version)}"
        f"; installed Pythons that have one: {', '.join(_installed(((3, 7), (3, 8))))}",
        *pip_note(installer),
    ]


def test_an_editable_install_leaves_nothing_for_git_to_add(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    """'-e .' builds write NAME.egg-info beside the sources (setuptools does): ignored."""
    folder = study / EXPERIMENT
    write_local_project(folder, "ultrachat")
    (folder / "requirements.txt").write_text("-e .\nalpha\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=study, check=True)
    capsys.readouterr()
    assert mkexp_main([EXPERIMENT, "--install", "--installer", installer]) == 0
    assert (folder / "ultrachat.egg-info").is_dir()
    assert f"mkexp: {EXPERIMENT}/ultrachat.egg-info: an editable install's build metadata; " in (
        capsys.readouterr().err
    )
    untracked = subprocess.run(
        ["git", "ls-files", "-z", "--others", "--exclude-standard"],
        cwd=study,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    assert sorted(untracked) == ["", ".gitignore", f"{EXPERIMENT}/requirements.lock.txt"]
    assert ".venv/\n" in (study / ".gitignore").read_text(encoding="utf-8")
    assert "*.egg-info/\n" in (study / ".gitignore").read_text(encoding="utf-8")


def test_an_install_that_fails_building_names_the_build_and_its_cause(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    """transformers==4.5.1 on Python 3.11, offline: tokenizers' Rust build cannot fetch
    crates; said with the requirement's line and cargo's own cause."""
    folder = study / EXPERIMENT
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text("alpha\nrustoff==0.10.3\n", encoding="utf-8")
    capsys.readouterr()
    assert mkexp_main([EXPERIMENT, "--install", "--installer", installer]) == 1
    version = interpreters.format_version(interpreters.current_interpreter().version)
    assert capsys.readouterr().err.splitlines()[-2:] == [
        f"mkexp: {requirements}:2: rustoff==0.10.3: needs a build: no wheel of rustoff 0.10.3 "
        f"for Python {version}; building it needs Rust (Cargo.toml; {_on_path('cargo')}); "
        "no installed Python has a wheel of it",
        f"mkexp: error: {EXPERIMENT}: installing requirements.txt failed building from source "
        "(listed above): needs the network: cannot reach index.crates.io (could not resolve host)",
    ]
    assert not (folder / ".venv").exists()


def test_a_requirement_the_resolver_cannot_parse_is_cited_at_the_users_line(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text("alpha\ngamma ==\n", encoding="utf-8")
    lines = check_lines(capsys, EXPERIMENT, "--installer", installer)
    assert lines[0].startswith(f"{requirements}:2: gamma ==: ")
    assert "requirements.in" not in "\n".join(lines)


def test_a_project_whose_build_imports_an_undeclared_module_is_said_so(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    """As NVIDIA's Efficientdet: setup.py imports torch, which no build environment has."""
    folder = study / EXPERIMENT
    write_local_project(folder, "effdet")
    backend = folder / "backend.py"
    backend.write_text("import torchlike\n" + backend.read_text(encoding="utf-8"), "utf-8")
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text("-e .\n", encoding="utf-8")
    assert check_lines(capsys, EXPERIMENT, "--installer", installer) == [
        f"{requirements}:1: -e .: its source fails to build: ModuleNotFoundError: its build "
        "imports torchlike, which its build environment lacks (not in [build-system] "
        "requires; install it first and build with --no-build-isolation)",
    ]


def test_check_names_a_package_pinned_twice_apart(
    study: Path, capsys: pytest.CaptureFixture[str], installer: str
) -> None:
    folder = study / EXPERIMENT
    requirements = Path(EXPERIMENT) / "requirements.txt"
    requirements.write_text("alpha\ngamma==1.0\n", encoding="utf-8")
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "ultrachat"\nversion = "0.1"\ndependencies = [\n  "gamma~=2.0",\n]\n',
        encoding="utf-8",
    )
    lines = check_lines(capsys, EXPERIMENT, "--installer", installer)
    assert lines == [
        f"{EXPERIMENT}/pyproject.toml:5: gamma~=2.0: conflicts with gamma==1.0 ({requirements}:2)",
        *pip_note(installer),
    ]


def test_the_same_folder_in_two_clones_gets_two_kernel_display_names(
    study: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(study.parent / "jupyter"))
    clones = [study.parent / "clone one", study.parent / "clone two"]
    for clone in clones:
        (clone / "UltraChat").mkdir(parents=True)
        subprocess.run(["git", "init", "-q"], cwd=clone, check=True)
        (clone / "UltraChat" / "analysis.ipynb").write_text("{}")
    for clone in clones:
        monkeypatch.chdir(clone)
        assert mkexp_main(["UltraChat", "--kernel"]) == 0
    kernels = Path(os.environ["JUPYTER_DATA_DIR"]) / "kernels"
    displays = sorted(
        json.loads(spec.read_text(encoding="utf-8"))["display_name"]
        for spec in kernels.glob("*/kernel.json")
    )
    assert displays == ["UltraChat", f"UltraChat ({clones[1]})"]
