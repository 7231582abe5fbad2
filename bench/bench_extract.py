"""papershelf extract side by side with unzip, 7zz, py7zr and the RAR tools' own CLIs.

Archives of about 200 MB in 2,000 mixed files (half compressible text, half
random bytes) are built once under bench/.work/extract. Runs are interleaved
(every command once per round, the order rotating); the median of the rounds
is reported with its ratio to the peer. Peak RSS is read from wait4() for a
200 MB and a 1 GB archive. RAR: no RAR writer exists; tests/rar_writer.py
writes a solid RAR5 whose entries are Huffman-coded literals (real decoding for
the tools, but no LZ matches, so no smaller than the data).

    python bench/bench_extract.py [--rounds 5] [--skip-1g] [--small]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "extract"
BIN = Path(sys.executable).parent
FILES = 2_000
MB = 1024 * 1024

sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))
from common import tool  # noqa: E402

from archive_builders import mixed_payload  # noqa: E402
from rar_writer import Member, write_rar5  # noqa: E402


def make_tree(root: Path, total: int) -> None:
    """``FILES`` files summing to about ``total`` bytes, sizes varying 0.2x-1.8x."""
    if root.exists():
        return
    average = total // FILES
    for index in range(FILES):
        size = int(average * (0.2 + 1.6 * ((index * 7919) % FILES) / FILES))
        suffix = ".txt" if index % 2 else ".bin"
        path = root / f"курс {index % 20:02d} & заметки" / f"файл {index:04d}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(mixed_payload(index, size))


def build(label: str, total: int) -> dict[str, Path]:
    """zip, 7z and stored-RAR5 archives of one tree (kept between runs)."""
    tree = WORK / f"tree-{label}"
    make_tree(tree / "материалы", total)
    archives = {
        "zip": WORK / f"{label}.zip",
        "7z": WORK / f"{label}.7z",
        "rar": WORK / f"{label}-solid.rar",
    }
    if not archives["zip"].exists():
        subprocess.run(
            [
                tool("7zz"),
                "a",
                "-tzip",
                "-mx=5",
                "-bso0",
                "-bsp0",
                str(archives["zip"]),
                "материалы",
            ],
            cwd=tree,
            check=True,
        )
    if not archives["7z"].exists():
        subprocess.run(
            [tool("7zz"), "a", "-t7z", "-mx=3", "-bso0", "-bsp0", str(archives["7z"]), "материалы"],
            cwd=tree,
            check=True,
        )
    if not archives["rar"].exists():
        paths = [p for p in sorted((tree / "материалы").rglob("*")) if p.is_file()]
        members = [
            Member(p.relative_to(tree).as_posix(), p.read_bytes(), compress=True, solid=index > 0)
            for index, p in enumerate(paths)
        ]
        write_rar5(archives["rar"], members, solid=True)
    return archives


def timed(argv: Sequence[str], out: Path) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one run into an empty ``out``."""
    if out.exists():
        shutil.rmtree(out)
    os.sync()  # no run pays for writing back the previous run's files
    report = WORK / "rss.txt"
    # /usr/bin/time, not wait4 on our own child: a child forked from this (large)
    # process would report our pages as its peak.
    start = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", str(report), *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(
            f"bench_extract: {argv[0]} failed: {result.stderr.decode(errors='replace')}"
        )
    if out.exists():
        shutil.rmtree(out)
    return elapsed, int(report.read_text().split()[-1])


def commands(archives: dict[str, Path], out: Path) -> dict[str, list[str]]:
    ps = [tool("papershelf"), "extract", "--dest", str(out)]
    py = sys.executable
    return {
        "zip: papershelf extract": [*ps, str(archives["zip"])],
        "zip: unzip": [tool("unzip"), "-q", str(archives["zip"]), "-d", str(out)],
        "zip: Python zipfile alone": [
            py,
            "-c",
            "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
            str(archives["zip"]),
            str(out),
        ],
        "7z: papershelf extract (7zz after py7zr)": [*ps, str(archives["7z"])],
        "7z: papershelf extract --backend py7zr": [*ps, "--backend", "py7zr", str(archives["7z"])],
        "7z: 7zz x": [tool("7zz"), "x", "-y", "-bso0", "-bsp0", f"-o{out}", str(archives["7z"])],
        "7z: py7zr alone": [
            py,
            "-c",
            "import sys, py7zr; py7zr.SevenZipFile(sys.argv[1]).extractall(sys.argv[2])",
            str(archives["7z"]),
            str(out),
        ],
        "rar: papershelf extract (unar)": [*ps, "--backend", "unar", str(archives["rar"])],
        "rar: unar": [tool("unar"), "-q", "-o", str(out), "-D", "-f", str(archives["rar"])],
        "rar: papershelf extract (bsdtar)": [*ps, "--backend", "bsdtar", str(archives["rar"])],
        "rar: bsdtar -x": [
            "sh",
            "-c",
            f'mkdir -p "$2" && exec {tool("bsdtar")} -x -f "$1" -C "$2"',
            "sh",
            str(archives["rar"]),
            str(out),
        ],
    }


PAIRS = [
    ("zip: papershelf extract", "zip: unzip", 1.0),
    ("zip: Python zipfile alone", "zip: unzip", None),
    ("7z: papershelf extract (7zz after py7zr)", "7z: 7zz x", 1.5),
    ("7z: papershelf extract --backend py7zr", "7z: 7zz x", None),
    ("7z: py7zr alone", "7z: 7zz x", None),
    ("rar: papershelf extract (unar)", "rar: unar", 1.3),
    ("rar: papershelf extract (bsdtar)", "rar: bsdtar -x", 1.3),
]


def small_archives(rounds: int) -> list[str]:
    """Archives under 1 MB, where start-up is all: papershelf against the fastest tool.

    The same 40 files (0.4 MB, half text, half random bytes) as zip, 7z and solid
    RAR5; every command once per round, the order rotating; medians.
    """
    tree = WORK / "tree-small"
    if not tree.exists():
        for index in range(40):
            path = tree / "малый" / f"файл {index:02d}.{'txt' if index % 2 else 'bin'}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(mixed_payload(index, 10_000))
    archives = {"zip": WORK / "small.zip", "7z": WORK / "small.7z", "rar": WORK / "small.rar"}
    for kind in ("zip", "7z"):
        if not archives[kind].exists():
            subprocess.run(
                [tool("7zz"), "a", f"-t{kind}", "-bso0", "-bsp0", str(archives[kind]), "малый"],
                cwd=tree,
                check=True,
            )
    if not archives["rar"].exists():
        paths = sorted(p for p in (tree / "малый").iterdir())
        members = [
            Member(p.relative_to(tree).as_posix(), p.read_bytes(), compress=True, solid=i > 0)
            for i, p in enumerate(paths)
        ]
        write_rar5(archives["rar"], members, solid=True)
    out = WORK / "out-small"
    runs: dict[str, list[str]] = {}
    for kind, archive in archives.items():
        runs[f"{kind}: papershelf extract"] = [
            tool("papershelf"),
            "extract",
            "--dest",
            str(out),
            str(archive),
        ]
        runs[f"{kind}: 7zz x"] = [
            tool("7zz"),
            "x",
            "-y",
            "-bso0",
            "-bsp0",
            f"-o{out}",
            str(archive),
        ]
        runs[f"{kind}: bsdtar -x"] = [
            "sh",
            "-c",
            f'mkdir -p "$2" && exec {tool("bsdtar")} -x -f "$1" -C "$2"',
            "sh",
            str(archive),
            str(out),
        ]
        runs[f"{kind}: unar"] = [tool("unar"), "-q", "-o", str(out), "-D", "-f", str(archive)]
    if not tools_read_rar("7zz"):
        del runs["rar: 7zz x"]
    runs["floor: papershelf --version"] = [tool("papershelf"), "--version"]
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(timed(runs[name], out)[0])
    medians = {name: statistics.median(values) for name, values in times.items()}
    sizes = ", ".join(f"{k} {a.stat().st_size / 1024:.0f} KiB" for k, a in archives.items())
    lines = [
        f"small archives ({sizes}; 40 files, 0.4 MB unpacked), median of {rounds} rounds",
        "",
        "| archive | papershelf s | fastest tool | its s | ratio |",
        "|---|---|---|---|---|",
    ]
    floor = medians["floor: papershelf --version"]
    for kind in archives:
        peers = {
            n: t for n, t in medians.items() if n.startswith(f"{kind}:") and "papershelf" not in n
        }
        fastest = min(peers, key=peers.__getitem__)
        mine = medians[f"{kind}: papershelf extract"]
        lines.append(
            f"| {kind} | {mine:.3f} | {fastest.split(': ')[1]} | {peers[fastest]:.3f} "
            f"| {mine / peers[fastest]:.1f}× |"
        )
    lines += ["", f"start-up alone (`papershelf --version`: Python, click): {floor:.3f} s"]
    return lines


def tools_read_rar(name: str) -> bool:
    """Whether the installed 7-Zip has RAR support (Debian's 7zip has none)."""
    result = subprocess.run([tool(name), "i"], capture_output=True, text=True, check=False)
    return " Rar5 " in result.stdout or " Rar " in result.stdout


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-1g", action="store_true")
    parser.add_argument("--small", action="store_true", help="only the archives under 1 MB")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    if args.small:
        print("\n".join(small_archives(max(args.rounds, 11))))
        return 0
    started = time.perf_counter()
    archives = build("200m", 200 * MB)
    out = WORK / "out"
    runs = commands(archives, out)
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    rss: dict[str, int] = {}
    for round_number in range(args.rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            elapsed, peak = timed(runs[name], out)
            times[name].append(elapsed)
            rss[name] = max(rss.get(name, 0), peak)
    medians = {name: statistics.median(values) for name, values in times.items()}
    lines = [
        f"archives: {archives['zip'].stat().st_size / MB:.0f} MB zip, "
        f"{archives['7z'].stat().st_size / MB:.0f} MB 7z, "
        f"{archives['rar'].stat().st_size / MB:.0f} MB solid RAR5 (literals); "
        f"{FILES} files, 200 MB unpacked; median of {args.rounds} interleaved rounds",
        "",
        "| command | median s | vs peer | target | peak RSS MB |",
        "|---|---|---|---|---|",
    ]
    for name, peer, target in PAIRS:
        ratio = medians[name] / medians[peer]
        goal = f"≤ {target:.1f}×" if target else ""
        lines.append(
            f"| {name} | {medians[name]:.2f} | {ratio:.2f}× {peer.split(': ')[1]} "
            f"| {goal} | {rss[name] / 1024:.0f} |"
        )
    for peer in ("zip: unzip", "7z: 7zz x", "rar: unar", "rar: bsdtar -x"):
        lines.append(f"| {peer} | {medians[peer]:.2f} | 1.00× | | {rss[peer] / 1024:.0f} |")
    lines += ["", *small_archives(max(args.rounds, 11))]
    if not args.skip_1g:
        big = build("1g", 1024 * MB)
        big_runs = commands(big, out)
        lines.append("")
        lines.append("| peak RSS MB | 200 MB archive | 1 GB archive |")
        lines.append("|---|---|---|")
        for name in (
            "zip: papershelf extract",
            "7z: papershelf extract (7zz after py7zr)",
            "7z: papershelf extract --backend py7zr",
            "7z: py7zr alone",
            "rar: papershelf extract (unar)",
        ):
            _elapsed, peak = timed(big_runs[name], out)
            lines.append(f"| {name} | {rss[name] / 1024:.0f} | {peak / 1024:.0f} |")
    lines.append(f"\nbench took {time.perf_counter() - started:.0f} s")
    report = "\n".join(lines)
    (WORK / "results.md").write_text(report + "\n", encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
