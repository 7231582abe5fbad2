"""repo-check beside git ls-files and pre-commit-hooks, on 100,000 files and on 40.

Runs are interleaved (one of each tool per round) and medians are quoted,
because these 2-core machines are noisy. Prints a markdown table.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

from study_repo import build  # noqa: E402


def timed(command: Sequence[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def pre_commit_style(hook: str, cwd: Path) -> Callable[[], float]:
    """Feed every tracked file to a pre-commit-hooks entry point the way pre-commit does:
    batches sized to the command-line limit, one batch per core in parallel."""

    def run() -> float:
        start = time.perf_counter()
        listing = subprocess.run(["git", "ls-files", "-z"], cwd=cwd, capture_output=True).stdout
        subprocess.run(
            [
                "xargs",
                "-0",
                "-P",
                str(os.cpu_count() or 1),
                "-s",
                "131072",
                str(BIN / hook),
                *(["--enforce-all"] if hook == "check-added-large-files" else []),
            ],
            cwd=cwd,
            input=listing,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - start

    return run


def unchanged(command: Sequence[str], cwd: Path) -> Callable[[], float]:
    """Time a second run over the same index (a run before it caches the index facts)."""

    def run() -> float:
        timed(command, cwd)
        return timed(command, cwd)

    return run


@contextlib.contextmanager
def one_file_staged(cwd: Path, name: str) -> Iterator[None]:
    """A new file ``name`` staged while the block runs, then unstaged and removed."""
    (cwd / name).write_text(f"{name}\n")
    subprocess.run(["git", "add", name], cwd=cwd, check=True)
    try:
        yield
    finally:
        subprocess.run(["git", "rm", "-q", "--cached", name], cwd=cwd, check=True)
        (cwd / name).unlink()


def after_staging(command: Sequence[str], cwd: Path) -> Callable[[], float]:
    """Time ``command`` right after one new file is staged: the pre-commit case, where
    the index changed since the last run and only the blob cache still helps."""
    counter = [0]

    def run() -> float:
        counter[0] += 1
        with one_file_staged(cwd, f"bench-note-{counter[0]}.md"):
            return timed(command, cwd)

    return run


def instructions(command: Sequence[str], cwd: Path) -> int:
    """Instructions the command's own process runs (valgrind's callgrind; git's child
    processes not counted): a figure the load on the other core does not change."""
    completed = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    for line in completed.stderr.splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1])
    raise RuntimeError(f"valgrind gave no count for {command}: {completed.stderr[-300:]}")


def staged_instructions(command: Sequence[str], cwd: Path) -> int:
    """:func:`instructions` of ``command`` right after one new file is staged."""
    with one_file_staged(cwd, "bench-note-counted.md"):
        return instructions(command, cwd)


def rounds(tools: dict[str, Callable[[], float]], count: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in tools}
    for _ in range(count):
        for name, tool in tools.items():
            samples[name].append(tool())
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> int:
    import compileall

    import papershelf

    # An installed wheel has its bytecode compiled; an editable checkout under
    # PYTHONDONTWRITEBYTECODE would otherwise compile every module on every run.
    compileall.compile_dir(Path(papershelf.__file__).parent, quiet=1)
    WORK.mkdir(exist_ok=True)
    big = WORK / "study-100k"
    if not (big / ".git").is_dir():
        shutil.rmtree(big, ignore_errors=True)
        print("building a 100,000-file study repository (about a minute)...", file=sys.stderr)
        build(big, 100_000)
    small = WORK / "study-40"
    if not (small / ".git").is_dir():
        shutil.rmtree(small, ignore_errors=True)
        build(small, 40)
    repo_check = str(BIN / "repo-check")
    python = sys.executable

    cold = rounds({"repo-check --no-cache": lambda: timed([repo_check, "--no-cache", "."], big)}, 3)
    fast = rounds(
        {
            "git ls-files -z": lambda: timed(["git", "ls-files", "-z"], big),
            "repo-check, index unchanged": unchanged([repo_check], big),
            "repo-check, one file newly staged": after_staging([repo_check], big),
        },
        11,
    )
    peers = rounds(
        {
            "check-added-large-files --enforce-all": pre_commit_style(
                "check-added-large-files", big
            ),
            "check-case-conflict": pre_commit_style("check-case-conflict", big),
        },
        3,
    )
    tiny = rounds(
        {
            'python -c "import click"': lambda: timed([python, "-c", "import click"], small),
            "repo-check (40 files)": unchanged([repo_check], small),
            "repo-check (40 files), newly staged": after_staging([repo_check], small),
        },
        21,
    )
    # The same comparison in instructions: python runs repo-check's script as its own
    # interpreter would (a console script is a python process).
    counted_click = instructions([python, "-c", "import click"], small)
    timed([repo_check], small)
    counted_unchanged = instructions([python, repo_check], small)
    counted_staged = staged_instructions([python, repo_check], small)
    git_time = fast["git ls-files -z"]
    click_time = tiny['python -c "import click"']
    peer_total = sum(peers.values())
    print("| repository | tool | median wall time | ratio |")
    print("|---|---|---:|---:|")
    print(f"| 100,000 files | `git ls-files -z` | {git_time * 1000:.0f} ms | 1.0× |")
    for name, value in {**fast, **cold}.items():
        if name != "git ls-files -z":
            print(
                f"| 100,000 files | `{name}` | {value * 1000:.0f} ms | "
                f"{value / git_time:.1f}× ls-files |"
            )
    for name, value in peers.items():
        print(
            f"| 100,000 files | pre-commit-hooks `{name}` | {value:.1f} s | "
            f"{value / fast['repo-check, one file newly staged']:.0f}× repo-check |"
        )
    print(
        f"| 100,000 files | both pre-commit-hooks together | {peer_total:.1f} s | "
        f"{peer_total / fast['repo-check, one file newly staged']:.0f}× repo-check |"
    )
    print(f'| 40 files | `python -c "import click"` | {click_time * 1000:.0f} ms | 1.0× |')
    small_time = tiny["repo-check (40 files)"]
    print(
        f"| 40 files | `repo-check` | {small_time * 1000:.0f} ms | "
        f"{small_time / click_time:.2f}× import click |"
    )
    staged_time = tiny["repo-check (40 files), newly staged"]
    print(
        f"| 40 files | `repo-check`, one file newly staged | {staged_time * 1000:.0f} ms | "
        f"{staged_time / click_time:.2f}× import click |"
    )
    for name, count in (
        ('`python -c "import click"`', counted_click),
        ("`repo-check`", counted_unchanged),
        ("`repo-check`, one file newly staged", counted_staged),
    ):
        print(
            f"| 40 files | {name}, instructions | {count / 1e6:.0f} M | "
            f"{count / counted_click:.2f}× import click |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
