"""mkexp side by side with python -m venv, the virtualenv CLI and uv; --list on 100,000 files.

Runs are interleaved (every tool once per round, the order rotating) and the
median of the rounds is reported with its ratio to mkexp. Everything happens
offline under bench/.work/mkexp: installs come from a local wheel folder.

    python bench/bench_mkexp.py [--rounds 3] [--files 100000]
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "mkexp"
BIN = Path(sys.executable).parent
ENVS = 10
REQUIREMENTS = "alpha\nbeta\ngamma\n"

sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))
from common import tool  # noqa: E402

from wheels import build_index, build_wheel  # type: ignore[import-not-found,unused-ignore]  # noqa: E402


def offline_env(wheels: Path, path_has_uv: bool) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "UV_", "VIRTUALENV_"))
    }
    env.update(
        VIRTUALENV_OVERRIDE_APP_DATA=str(WORK / "app-data"),
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheels),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_CONFIG_FILE=os.devnull,
        UV_OFFLINE="1",
        UV_NO_CONFIG="1",
        UV_FIND_LINKS=str(wheels),
        UV_INDEX_URL=(WORK / "no-index").as_uri(),
        UV_CACHE_DIR=str(WORK / "uv-cache"),
        UV_PYTHON_DOWNLOADS="never",
    )
    paths = [
        folder
        for folder in env.get("PATH", "").split(os.pathsep)
        if folder and shutil.which("uv", path=folder) is None
    ]
    env["PATH"] = os.pathsep.join(([str(BIN)] if path_has_uv else []) + paths)
    return env


def prepare_wheels() -> Path:
    wheels = WORK / "wheels"
    if wheels.exists():
        shutil.rmtree(wheels)
    wheels.mkdir(parents=True)
    build_wheel(wheels, "alpha", "1.0")
    build_wheel(wheels, "beta", "1.0", requires=["alpha"])
    build_wheel(wheels, "gamma", "1.0")
    import virtualenv.seed.wheels.embed as embed  # uv venv --seed needs pip from an index

    for wheel in Path(embed.__file__).parent.glob("*.whl"):
        shutil.copy(wheel, wheels)
    seed = WORK / "seed"
    if not list(seed.glob("wheel-*.whl")):  # uv seeds 'wheel' too, and virtualenv has none
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--only-binary",
                ":all:",
                "-d",
                str(seed),
                "wheel",
            ],
            dict(os.environ),
        )
    for wheel in seed.glob("*.whl"):
        shutil.copy(wheel, wheels)
    return wheels


def run(command: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> None:
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"bench_mkexp: {' '.join(command)} failed:\n{result.stderr[-2000:]}")


def fresh(name: str) -> Path:
    folder = WORK / "runs" / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def experiments(folder: Path, count: int, requirements: str = "") -> list[str]:
    names = []
    for index in range(count):
        experiment = folder / f"опыт {index} & код"
        experiment.mkdir()
        (experiment / "requirements.txt").write_text(requirements, encoding="utf-8")
        names.append(str(experiment))
    return names


Case = Callable[[], None]


def creation_cases(wheels: Path) -> dict[str, Case]:
    env = offline_env(wheels, path_has_uv=True)
    python = sys.executable

    def mkexp_one_call() -> None:
        folder = fresh("mkexp")
        run([tool("mkexp"), *experiments(folder, ENVS)], env)

    def mkexp_each() -> None:
        folder = fresh("mkexp-each")
        for path in experiments(folder, ENVS):
            run([tool("mkexp"), path], env)

    def venv() -> None:
        folder = fresh("venv")
        for path in experiments(folder, ENVS):
            run([python, "-m", "venv", f"{path}/.venv"], env)

    def virtualenv_cli() -> None:
        folder = fresh("virtualenv")
        for path in experiments(folder, ENVS):
            run([tool("virtualenv"), "--no-periodic-update", "--quiet", f"{path}/.venv"], env)

    def uv_seed() -> None:
        folder = fresh("uv")
        for path in experiments(folder, ENVS):
            run([tool("uv"), "venv", "--quiet", "--seed", f"{path}/.venv"], env)

    return {
        "mkexp (one call, 10 folders)": mkexp_one_call,
        "mkexp (10 calls)": mkexp_each,
        "virtualenv CLI": virtualenv_cli,
        "python -m venv": venv,
        "uv venv --seed": uv_seed,
    }


def install_cases(wheels: Path, requirements: str = REQUIREMENTS) -> dict[str, Case]:
    with_uv = offline_env(wheels, path_has_uv=True)
    without_uv = offline_env(wheels, path_has_uv=False)

    def one(name: str) -> Path:
        return Path(experiments(fresh(name), 1, requirements)[0])

    def mkexp_uv() -> None:
        run([tool("mkexp"), str(one("mkexp-uv")), "--install"], with_uv)

    def mkexp_pip() -> None:
        run([tool("mkexp"), str(one("mkexp-pip")), "--install"], without_uv)

    def uv_pip_install(path: Path) -> None:
        python = str(path / ".venv/bin/python")
        requirements = str(path / "requirements.txt")
        run(
            [tool("uv"), "pip", "install", "--quiet", "--python", python, "-r", requirements],
            with_uv,
        )

    def uv_alone() -> None:
        path = one("uv-install")
        run([tool("uv"), "venv", "--quiet", str(path / ".venv")], with_uv)
        uv_pip_install(path)

    def uv_seed_alone() -> None:
        path = one("uv-seed-install")
        run([tool("uv"), "venv", "--quiet", "--seed", str(path / ".venv")], with_uv)
        uv_pip_install(path)

    def venv_pip() -> None:
        path = one("venv-pip")
        run([sys.executable, "-m", "venv", str(path / ".venv")], without_uv)
        run(
            [str(path / ".venv/bin/pip"), "install", "-q", "-r", str(path / "requirements.txt")],
            without_uv,
        )

    return {
        "mkexp --install (uv on PATH)": mkexp_uv,
        "uv venv && uv pip install -r": uv_alone,
        "uv venv --seed && uv pip install -r (pip in the env)": uv_seed_alone,
        "mkexp --install (no uv)": mkexp_pip,
        "python -m venv + pip install -r": venv_pip,
    }


def install_tables(wheels: Path, rounds: int) -> list[str]:
    """Create + install of one package, then of three, beside uv and pip doing the same."""
    out: list[str] = []
    for title, requirements in (("1 package", "gamma\n"), ("3 packages", REQUIREMENTS)):
        medians = measure(install_cases(wheels, requirements), rounds)
        out += [
            *table(f"create + install {title}", medians, "mkexp --install (uv on PATH)"),
            "",
        ]
    return out


def build_list_repo(files: int, scripts_everywhere: bool = False) -> Path:
    """A repository whose index holds ``files`` entries; only the index, for speed.

    With ``scripts_everywhere`` every folder of papers also holds a script and a
    notebook, so each is a loose experiment: the worst case for --list.
    """
    root = WORK / f"list-repo-{files}{'-scripts' if scripts_everywhere else ''}"
    if root.exists():
        return root
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    blob = (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"],
            cwd=root,
            input=b"x\n",
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    kinds: tuple[str, ...] = (".pdf", ".md", " Статья.pdf", ".json", ".png", ".txt")
    if scripts_everywhere:
        kinds += (".py", ".ipynb")
    lines = []
    for index in range(files):
        section, topic = index % 9, index // 500
        folder = f"{section:02d}_Раздел & notes/{topic:03d}_Тема {topic}"
        if index % 2000 == 0:
            name = f"code/эксперимент {index}/requirements.txt"
        elif index % 2000 == 1:
            name = f"code/эксперимент {index - 1}/train.py"
        else:
            name = f"papers/paper {index}{kinds[index % len(kinds)]}"
        lines.append(f"100644 {blob} 0\t{folder}/{name}")
    subprocess.run(
        ["git", "update-index", "--index-info"],
        cwd=root,
        check=True,
        input="\n".join(lines).encode() + b"\n",
    )
    return root


def list_cases(files: int) -> dict[str, Case]:
    root = build_list_repo(files)
    worst = build_list_repo(files, scripts_everywhere=True)
    env = dict(os.environ)

    def mkexp_list() -> None:
        run([tool("mkexp"), "--list"], env, cwd=root)

    def mkexp_list_worst() -> None:
        run([tool("mkexp"), "--list"], env, cwd=worst)

    def git_ls_files() -> None:
        run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"], env, cwd=root)

    return {
        f"mkexp --list ({files:,} files)": mkexp_list,
        f"mkexp --list ({files:,} files, a script in every folder)": mkexp_list_worst,
        "git ls-files alone": git_ls_files,
    }


CHECK_SETS = {
    "resolving": "alpha\nbeta\ngamma==1.0\ntfm==4.28.1\n",
    "conflict": "alpha\ntfm==4.28.1\ntok==0.20.0\n",
    "pin impossible on this Python": "alpha\noldonly==1.4.0\n",
}


def run_any(command: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> None:
    """A resolver that says 'no' exits 1: time it all the same."""
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        raise SystemExit(f"bench_mkexp: {' '.join(command)} failed:\n{result.stderr[-2000:]}")


def check_cases(index: Path, label: str, requirements: str) -> dict[str, Case]:
    """mkexp check beside the resolvers it runs, on one requirement set."""
    folder = WORK / "check" / label.replace(" ", "-")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "requirements.txt").write_text(requirements, encoding="utf-8")
    with_uv = offline_env(index, path_has_uv=True)
    without_uv = offline_env(index, path_has_uv=False)
    for env in (with_uv, without_uv):
        env.pop("UV_OFFLINE", None)  # a missing package must read 'not found', not 'offline'
    base = sys.base_prefix + f"/bin/python{sys.version_info[0]}.{sys.version_info[1]}"
    requirements_file = str(folder / "requirements.txt")

    def mkexp_uv() -> None:
        run_any([tool("mkexp"), "check", str(folder)], with_uv)

    def uv_compile() -> None:
        run_any(
            [tool("uv"), "pip", "compile", requirements_file, "--python", base, "--no-header"],
            with_uv,
        )

    def mkexp_pip() -> None:
        run_any([tool("mkexp"), "check", str(folder)], without_uv)

    def pip_dry_run() -> None:
        pip = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed"]
        run_any([*pip, "--report", "-", "-r", requirements_file], without_uv)

    def start_up() -> None:
        run_any([tool("mkexp"), "--help"], with_uv)

    return {
        f"mkexp check, uv on PATH ({label})": mkexp_uv,
        f"uv pip compile ({label})": uv_compile,
        f"mkexp check, no uv ({label})": mkexp_pip,
        f"pip install --dry-run --report ({label})": pip_dry_run,
        f"mkexp --help, its start-up alone ({label})": start_up,
    }


def check_table(index: Path, rounds: int) -> list[str]:
    lines = [
        "| requirement set | mkexp check (uv) s | uv pip compile s | × | "
        "mkexp check (no uv) s | pip --dry-run s | × | mkexp start-up s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, requirements in CHECK_SETS.items():
        medians = list(measure(check_cases(index, label, requirements), rounds).values())
        mkexp_uv, uv, mkexp_pip, pip, start_up = medians
        lines.append(
            f"| {label} | {mkexp_uv:.3f} | {uv:.3f} | {mkexp_uv / uv:.2f} | "
            f"{mkexp_pip:.3f} | {pip:.3f} | {mkexp_pip / pip:.2f} | {start_up:.3f} |"
        )
    return lines


# Requirement sets in the shape of real experiments, resolved against the real index
# (PyPI through the user's own settings) with uv's cache warm: the case mkexp check is for.
INDEX_SETS = {
    "old pins, a Rust build (transformers 4.5.1)": (
        "datasets==1.13.3\ntransformers==4.5.1\nfire==0.4.0\npytz==2021.1\n"
        "loguru==0.5.3\nsh==1.14.2\npytest==6.2.5\ntqdm==4.62.3\n"
    ),
    "wheels only (numpy, pandas, scikit-learn)": (
        "numpy~=1.26.2\npandas~=2.1.3\nscikit-learn~=1.3.2\nmatplotlib~=3.8.1\n"
    ),
}


def index_check_table(rounds: int) -> list[str]:
    """mkexp check and uv pip compile on the same file, against the real index."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    lines = [
        "| requirement set (real index, warm cache) | mkexp check s | uv pip compile s | × |",
        "|---|---:|---:|---:|",
    ]
    for label, requirements in INDEX_SETS.items():
        folder = WORK / "index-check" / label.split(" (")[0].replace(" ", "-").replace(",", "")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "requirements.txt").write_text(requirements, encoding="utf-8")
        base = sys.base_prefix + f"/bin/python{sys.version_info[0]}.{sys.version_info[1]}"
        uv = [tool("uv"), "pip", "compile", "-q", str(folder / "requirements.txt")]
        cases: dict[str, Case] = {
            "mkexp": functools.partial(run_any, [tool("mkexp"), "check", str(folder)], env),
            "uv": functools.partial(run_any, [*uv, "--python", base], env),
        }
        medians = measure(cases, rounds)
        lines.append(
            f"| {label} | {medians['mkexp']:.2f} | {medians['uv']:.2f} | "
            f"{medians['mkexp'] / medians['uv']:.2f} |"
        )
    return lines


SLOW = ("python -m venv",)  # 30 s a run: no warm-up, it has no cache to fill


def measure(cases: dict[str, Case], rounds: int) -> dict[str, float]:
    """Median seconds per case; a warm-up, then interleaved rounds with rotating order."""
    names = list(cases)
    for name in names:
        if name not in SLOW:
            cases[name]()
    timings: dict[str, list[float]] = {name: [] for name in names}
    for round_index in range(rounds):
        order = names[round_index % len(names) :] + names[: round_index % len(names)]
        for name in order:
            start = time.perf_counter()
            cases[name]()
            timings[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in timings.items()}


def table(title: str, medians: dict[str, float], base: str) -> list[str]:
    lines = [f"| {title} | median s | × mkexp |", "|---|---:|---:|"]
    for name, seconds in medians.items():
        lines.append(f"| {name} | {seconds:.3f} | {seconds / medians[base]:.2f} |")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--only-check", action="store_true", help="only the mkexp check table")
    parser.add_argument(
        "--only-install", action="store_true", help="only the create + install tables"
    )
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    index = build_index(WORK / "index") if not (WORK / "index").exists() else WORK / "index"
    if args.only_check:
        print("\n".join(check_table(index, max(args.rounds, 5))))
        print("\n".join(["", *index_check_table(max(args.rounds, 5))]))
        return 0
    wheels = prepare_wheels()
    if args.only_install:
        print("\n".join(install_tables(wheels, args.rounds)))
        return 0
    started = time.perf_counter()
    out: list[str] = [
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
        f"{args.rounds} interleaved rounds after a warm-up, medians.",
        "",
    ]
    creation = measure(creation_cases(wheels), args.rounds)
    out += [*table("ten environments with pip", creation, "mkexp (one call, 10 folders)"), ""]
    out += install_tables(wheels, args.rounds)
    listing = measure(list_cases(args.files), max(args.rounds, 5))
    out += [*table("list experiments", listing, f"mkexp --list ({args.files:,} files)"), ""]
    out += [*check_table(index, max(args.rounds, 5)), ""]
    out += [*index_check_table(max(args.rounds, 5)), ""]
    out.append(f"total benchmark time {time.perf_counter() - started:.0f} s")
    print("\n".join(out))
    shutil.rmtree(WORK / "runs", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
