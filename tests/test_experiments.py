"""Finding experiments, the Python they ask for, and reading their requirements (no envs)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from papershelf import mkexp as experiments
from papershelf.errors import PapershelfError
from papershelf.mkexp import Experiment, discover, interpreters, requested_python
from papershelf.mkexp.interpreters import VersionSpec


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def repo(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "study repo"
    root.mkdir()
    git(root, "init", "-q")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def found(root: Path) -> dict[str, tuple[str, ...]]:
    top, items = discover(root)
    return {item.path.relative_to(top).as_posix(): item.declarations for item in items}


@pytest.mark.parametrize(
    "declaration",
    [
        "requirements.txt",
        "requirements-dev.txt",
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "Pipfile",
        "environment.yml",
    ],
)
def test_each_declaration_kind_makes_an_experiment(tmp_path: Path, declaration: str) -> None:
    text = "import setuptools\nsetuptools.setup()\n" if declaration == "setup.py" else ""
    root = repo(tmp_path, {f"код/{declaration}": text, "код/data.csv": "", "notes/a.md": ""})
    assert found(root) == {"код": (declaration,)}


SETUP_CALL = "from setuptools import setup\n\nsetup(name='thing')\n"
HELPER_MODULE = (
    '"""Utils for setting up the run."""\n# setup(name=...) was here\ndef flags():\n    pass\n'
)


def test_a_setup_py_that_is_an_ordinary_module_makes_no_experiment(tmp_path: Path) -> None:
    """As in NVIDIA's examples: runtime/setup.py of helpers, a sub-package's setup.py."""
    root = repo(
        tmp_path,
        {
            "UNet/requirements.txt": "",
            "UNet/runtime/setup.py": HELPER_MODULE,
            "UNet/runtime/run.py": "",
            "Efficientdet/setup.py": SETUP_CALL,
            "Efficientdet/utils/setup.py": HELPER_MODULE,
            "WideAndDeep/__init__.py": "",
            "WideAndDeep/setup.py": "import setuptools\nsetuptools.setup(name='trainer')\n",
            "lib/pkg/__init__.py": "",
            "lib/pkg/sub/__init__.py": "",
            "lib/pkg/sub/setup.py": SETUP_CALL,
            "helpers/setup.py": HELPER_MODULE,
        },
    )
    assert found(root) == {
        "Efficientdet": ("setup.py",),
        "UNet": ("requirements.txt",),
        "WideAndDeep": ("setup.py",),
        "helpers": (),
        "lib/pkg": (),
    }
    with pytest.raises(
        PapershelfError, match=r"its code belongs to the experiment .*/UNet \(mkexp "
    ):
        experiments.experiment_at(root / "UNet" / "runtime")
    assert experiments.experiment_at(root / "Efficientdet").declarations == ("setup.py",)
    assert experiments.experiment_at(root / "lib" / "pkg" / "sub", force=True).declarations == ()


def test_the_lock_file_is_not_a_declaration(tmp_path: Path) -> None:
    root = repo(tmp_path, {"exp/requirements.lock.txt": "alpha==1.0\n", "exp/README.md": ""})
    assert found(root) == {}


def test_nested_declarations_are_separate_experiments(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "UltraChat/requirements.txt": "",
            "UltraChat/src/model.py": "",
            "UltraChat/train/requirements.txt": "",
            "UltraChat/train/train_legacy/requirements.txt": "",
            "UltraChat/train/train_legacy/run.py": "",
        },
    )
    assert found(root) == {
        "UltraChat": ("requirements.txt",),
        "UltraChat/train": ("requirements.txt",),
        "UltraChat/train/train_legacy": ("requirements.txt",),
    }


def test_notebooks_and_scripts_without_declaration_are_one_experiment(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        {
            "01 Основы/тетрадь & заметки.ipynb": "{}",
            "01 Основы/helpers/util.py": "",
            "02 scripts/run.py": "",
        },
    )
    _, items = discover(root)
    assert [(item.path.name, item.declarations, item.notebooks) for item in items] == [
        ("01 Основы", (), True),
        ("02 scripts", (), False),
    ]


def test_notebooks_below_a_declaration_belong_to_it_and_root_scripts_to_nothing(
    tmp_path: Path,
) -> None:
    root = repo(
        tmp_path,
        {
            "make_index.py": "",
            "UltraChat/requirements.txt": "",
            "UltraChat/notebooks/explore.ipynb": "{}",
            "UltraChat/train/requirements.txt": "",
            "code/helpers.py": "",
            "code/viz/plots.ipynb": "{}",
        },
    )
    _, items = discover(root)
    assert [(item.path.name, item.declarations, item.notebooks) for item in items] == [
        ("UltraChat", ("requirements.txt",), True),
        ("train", ("requirements.txt",), False),
        ("code", (), True),
    ]


def test_environments_dependencies_and_ignored_folders_are_never_experiments(
    tmp_path: Path,
) -> None:
    root = repo(
        tmp_path,
        {
            ".gitignore": "build/\n",
            "build/lib/setup.py": "",
            "exp/.venv/lib/python3.11/site-packages/pkg/setup.py": "",
            "exp/requirements.txt": "",
            "web/node_modules/left-pad/setup.py": "",
            "vendor/site-packages/thing/pyproject.toml": "",
            "committed-env/pyvenv.cfg": "home = /usr/bin\n",
            "committed-env/lib/python3.11/thing/setup.py": "",
        },
    )
    git(root, "add", "-f", "exp/.venv")
    assert found(root) == {"exp": ("requirements.txt",)}


def test_a_nested_clone_is_searched_with_its_own_git(tmp_path: Path) -> None:
    root = repo(tmp_path, {"clones/UltraChat/requirements.txt": "", "clones/UltraChat/a.py": ""})
    git(root / "clones" / "UltraChat", "init", "-q")
    assert found(root) == {"clones/UltraChat": ("requirements.txt",)}


def test_a_submodule_is_searched_with_its_own_git(tmp_path: Path) -> None:
    root = repo(tmp_path, {"clones/UltraChat/train/requirements.txt": ""})
    clone = root / "clones" / "UltraChat"
    git(clone, "init", "-q")
    git(clone, "add", ".")
    git(clone, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "c")
    git(root, "add", "clones/UltraChat")
    (root / ".gitmodules").write_text(
        '[submodule "Ultra Chat"]\n\tpath = clones/UltraChat\n\turl = ./x\n', encoding="utf-8"
    )
    assert found(root) == {"clones/UltraChat/train": ("requirements.txt",)}


def test_outside_git_the_folder_is_walked_without_entering_environments(tmp_path: Path) -> None:
    (tmp_path / "exp" / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / "exp" / ".venv" / "lib" / "setup.py").write_text("")
    (tmp_path / "exp" / "Pipfile").write_text("")
    (tmp_path / "env2").mkdir()
    (tmp_path / "env2" / "pyvenv.cfg").write_text("")
    (tmp_path / "env2" / "setup.py").write_text("")
    assert found(tmp_path) == {"exp": ("Pipfile",)}


def test_list_is_limited_to_the_folder_given(tmp_path: Path) -> None:
    root = repo(tmp_path, {"a/requirements.txt": "", "b/c/requirements.txt": ""})
    _, items = discover(root / "b")
    assert [item.path.name for item in items] == ["c"]


@pytest.mark.parametrize(
    ("name", "text", "allowed", "refused"),
    [
        (".python-version", "3.8\n", (3, 8, 18), (3, 9, 0)),
        (".python-version", "# pyenv\n3.10.13\n", (3, 10, 13), (3, 10, 12)),
        ("pyproject.toml", '[project]\nrequires-python = ">=3.9,<3.11"\n', (3, 10, 1), (3, 11, 0)),
        ("pyproject.toml", '[tool.poetry.dependencies]\npython = "^3.8"\n', (3, 12, 1), (4, 0)),
        ("setup.py", "setup(python_requires='>=3.7')\n", (3, 7, 0), (3, 6, 15)),
        ("runtime.txt", "python-3.7.16\n", (3, 7, 16), (3, 7, 15)),
        ("environment.yml", "dependencies:\n  - python=3.8\n  - numpy\n", (3, 8, 1), (3, 9)),
        ("environment.yml", "dependencies:\n  - python>=3.7,<3.9\n", (3, 7, 2), (3, 9, 0)),
    ],
)
def test_the_python_an_experiment_asks_for(
    tmp_path: Path, name: str, text: str, allowed: tuple[int, ...], refused: tuple[int, ...]
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    spec = requested_python(tmp_path)
    assert spec is not None
    assert spec.source == str(tmp_path / name)
    assert spec.allows(allowed)
    assert not spec.allows(refused)


def test_python_version_file_wins_and_bad_values_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "runtime.txt").write_text("python-3.7.16\n")
    (tmp_path / ".python-version").write_text("3.12\n")
    spec = requested_python(tmp_path)
    assert spec is not None and spec.text == "3.12"
    (tmp_path / ".python-version").write_text("system\n")
    with pytest.raises(PapershelfError, match=r"\.python-version: cannot read Python version"):
        requested_python(tmp_path)
    (tmp_path / "empty").mkdir()
    assert requested_python(tmp_path / "empty") is None


@pytest.mark.parametrize(
    ("spec", "version", "expected"),
    [
        ("~=3.8", (3, 11, 2), True),
        ("~=3.8.1", (3, 9, 0), False),
        ("!=3.9.*", (3, 9, 7), False),
        ("!=3.9.*", (3, 10, 0), True),
        ("==3.11.*", (3, 11, 7), True),
        ("<3.9", (3, 9, 0), False),
        (">3.8", (3, 8, 18), True),
        (">3.8.18", (3, 8, 18), False),
        ("<=3.8", (3, 8, 0), True),
    ],
)
def test_version_spec(spec: str, version: tuple[int, ...], expected: bool) -> None:
    assert VersionSpec(spec, "test").allows(version) is expected


def test_interpreters_include_ours_and_pyenv_versions(tmp_path: Path) -> None:
    fake = tmp_path / "pyenv" / "versions" / "9.9.9" / "bin" / "python3.9"
    fake.parent.mkdir(parents=True)
    fake.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n')
    fake.chmod(0o755)
    env = {"PATH": "/nonexistent", "PYENV_ROOT": str(tmp_path / "pyenv"), "HOME": str(tmp_path)}
    found_here = interpreters.find_interpreters(env)
    assert fake in [item.path for item in found_here]
    assert tuple(sys.version_info[:3]) in [item.version for item in found_here]


def test_pyenv_versions_can_be_named_from_their_folders_without_running(tmp_path: Path) -> None:
    fake = tmp_path / "pyenv" / "versions" / "3.7.16" / "bin" / "python3.7"
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\nexit 1\n")  # never run: the folder names the version
    fake.chmod(0o755)
    env = {"PATH": "/nonexistent", "PYENV_ROOT": str(tmp_path / "pyenv"), "HOME": str(tmp_path)}
    named = interpreters.find_interpreters(env, trust_names=True)
    assert (fake, (3, 7, 16)) in [(item.path, item.version) for item in named]
    assert fake not in [item.path for item in interpreters.find_interpreters(env)]


def test_choosing_an_impossible_python_lists_what_was_found() -> None:
    spec = VersionSpec(">=4.0", "exp/pyproject.toml")
    found_here = [interpreters.current_interpreter()]
    version = interpreters.format_version(found_here[0].version)
    with pytest.raises(PapershelfError) as error:
        interpreters.choose(spec, found_here)
    assert str(error.value) == (
        f"exp/pyproject.toml asks for Python >=4.0, but no interpreter found satisfies it "
        f"(found: {version}); install one (pyenv install, uv python install) or pass --python"
    )


def test_requirement_lines_keep_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "base.txt").write_text("alpha\n", encoding="utf-8")
    (tmp_path / "requirements.txt").write_text(
        "# header\n--find-links wheels\nbeta>=1.0  # comment\n\ngamma \\\n  ==1.0\n-r base.txt\n"
        "delta==2.0 --hash=sha256:00\n",
        encoding="utf-8",
    )
    lines = experiments.requirement_lines(tmp_path / "requirements.txt")
    assert [(req.text, req.path.name, req.line) for req in lines] == [
        ("beta>=1.0", "requirements.txt", 3),
        ("gamma ==1.0", "requirements.txt", 5),
        ("alpha", "base.txt", 1),
        ("delta==2.0", "requirements.txt", 8),
    ]


def test_install_plan_reads_every_declaration_kind(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["alpha"]\n')
    (tmp_path / "Pipfile").write_text('[packages]\nbeta = "*"\ngamma = "==1.0"\n')
    (tmp_path / "environment.yml").write_text(
        "dependencies:\n  - python=3.8\n  - numpy=1.21.2\n  - cudatoolkit=11.3\n  - pip:\n"
        "    - oldonly==1.4.0\n"
    )
    experiment = Experiment(tmp_path, ("Pipfile", "environment.yml", "pyproject.toml"), False)
    plan = experiments.install_plan(experiment)
    assert [req.written for req in plan.requirements] == [
        "alpha",
        "beta",
        "gamma==1.0",
        "oldonly==1.4.0",
        "numpy=1.21.2",
    ]
    assert plan.requirements[-1].text == "numpy==1.21.2"
    assert [req.where for req in plan.requirements] == [
        f"{tmp_path / 'pyproject.toml'}:3",
        f"{tmp_path / 'Pipfile'}:2",
        f"{tmp_path / 'Pipfile'}:3",
        f"{tmp_path / 'environment.yml'}:6",
        f"{tmp_path / 'environment.yml'}:3",
    ]
    assert plan.notes == ["environment.yml: conda-only packages, not installed: cudatoolkit=11.3"]


def test_kernel_names_are_ascii_and_distinct() -> None:
    assert experiments.kernel_name("UltraChat") == "ultrachat"
    russian = experiments.kernel_name("Опыт & код")
    assert russian.startswith("experiment-") and russian.isascii()
    assert russian != experiments.kernel_name("Другой опыт")


def test_usage_lines_quote_paths_for_the_shell(tmp_path: Path) -> None:
    env = tmp_path / "Код & опыты" / ".venv"
    activate, interpreter = experiments.usage_lines(env, shell="/bin/bash")
    assert shlex.split(activate.split(":", 1)[1]) == ["source", str(env / "bin" / "activate")]
    assert interpreter.endswith(str(env / "bin" / "python"))
    fish = experiments.usage_lines(env, shell="/usr/bin/fish")[0]
    assert fish.rstrip("'").endswith("activate.fish")


def test_a_folder_without_code_is_not_an_experiment(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("")
    with pytest.raises(PapershelfError, match="not an experiment"):
        experiments.experiment_at(tmp_path)
    assert os.listdir(tmp_path) == ["README.md"]


def test_a_clone_committed_with_git_add_all_is_searched_with_its_own_git(tmp_path: Path) -> None:
    root = repo(tmp_path, {"notes.md": ""})
    clone = root / "clones" / "UltraChat"
    (clone / "train").mkdir(parents=True)
    (clone / "train" / "requirements.txt").write_text("alpha\n", encoding="utf-8")
    git(clone, "init", "-q")
    git(clone, "add", "-A")
    git(clone, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "c")
    git(root, "add", "-A")  # a gitlink, and no .gitmodules
    assert found(root) == {"clones/UltraChat/train": ("requirements.txt",)}


@pytest.mark.parametrize(
    ("conda", "pip"),
    [
        ("numpy=1.21.2", "numpy==1.21.2"),
        ("numpy=1.21", "numpy==1.21.*"),
        ("numpy=1.21.*", "numpy==1.21.*"),
        ("numpy==1.21.2=py39h20f2e39_0", "numpy==1.21.2"),
        ("numpy 1.21.2", "numpy==1.21.2"),
        ("conda-forge::scikit-learn>=1.0,<1.2", "scikit-learn>=1.0,<1.2"),
        ("pytorch=1.11.0", "torch==1.11.0"),
        ("matplotlib", "matplotlib"),
        ("cudatoolkit=11.3", None),
        ("python=3.10", None),
        ("pip", None),
    ],
)
def test_a_conda_spec_in_pip_form(conda: str, pip: str | None) -> None:
    from papershelf.mkexp.declarations import pip_form

    assert pip_form(conda) == pip


def test_beside_a_requirements_file_a_conda_file_is_the_conda_route_and_not_read(
    tmp_path: Path,
) -> None:
    """As handson-ml3: environment.yml for conda, requirements.txt for pip, pins apart."""
    (tmp_path / "requirements.txt").write_text("xgboost~=2.0.2\n")
    (tmp_path / "environment.yml").write_text(
        "dependencies:\n  - py-xgboost=1.7\n  - cudatoolkit=11.3\n"
    )
    experiment = Experiment(tmp_path, ("environment.yml", "requirements.txt"), False)
    plan = experiments.install_plan(experiment)
    assert [req.text for req in plan.requirements] == ["xgboost~=2.0.2"]
    assert plan.notes == [
        "environment.yml: not read: requirements.txt is what pip installs "
        "(environment.yml is for conda env create)"
    ]
    from papershelf.mkexp.declarations import conda_entries

    assert conda_entries(experiment) == []
