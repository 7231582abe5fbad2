"""papershelf fetch side by side with aria2c -j 8 and xargs -P 8 curl on the same URLs.

A repository whose plan lists 200 arXiv papers (real PDFs, each stamped with its
id) is built once under bench/.work/fetch; a local HTTP server (tests/http_server.py)
serves them with 100 ms added to every answer, and ``--mirror`` points
arxiv.org at it. Every tool downloads the 200 files eight at a time (papershelf:
``--jobs 8 --per-host 8 --interval 0``, as arXiv's own pace would be for the
real host). Runs are interleaved, the order rotating; the median of the rounds
is reported with its ratio to aria2c. After each papershelf run,
``repo-check --rule missing-paper`` must report nothing missing.

Then the HTTP clients papershelf chose among, on 400 files of 40 KB from the
same server without added latency, eight at a time (threads; aiohttp and
httpx's async client on asyncio), interleaved, medians: files per second,
with each client's installed size (its distribution and dependencies) and the
wall time of ``python -c "import it"``.

    python bench/bench_fetch.py [--rounds 5] [--papers 200] [--latency 0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "fetch"

sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))
from common import tool  # noqa: E402

from gitrepo import make_repo  # noqa: E402
from http_server import Route, Server  # noqa: E402
from pdf_builders import pdf  # noqa: E402


def arxiv_id(index: int) -> str:
    return f"2401.{10000 + index:05d}"


def title(index: int) -> str:
    words = ("Sparse", "Dense", "Recurrent", "Latent", "Contrastive", "Causal", "Neural")
    return f"{words[index % 7]} {words[index // 7 % 7]} Models of Study {index}"


def build(papers: int) -> tuple[Path, dict[str, bytes]]:
    """The repository (plan only, committed) and the PDFs the server holds, by path."""
    repo = WORK / f"repo-{papers}"
    bodies = {
        f"/arxiv/pdf/{arxiv_id(i)}": pdf(
            [title(i), "A. Author, B. Author"],
            stamp=f"arXiv:{arxiv_id(i)}v1 [cs.LG] 1 Jan 2024",
            pages=2,
        )
        for i in range(papers)
    }
    if not repo.exists():
        lines = "".join(
            f"{i + 1}. [{title(i)}](https://arxiv.org/abs/{arxiv_id(i)})\n" for i in range(papers)
        )
        plan = f"# Reading list\n\n## Step 1: Everything\n\nGo to `papers/all`.\n\n{lines}"
        make_repo(repo, {"README.md": plan})
    return repo, bodies


def reset(repo: Path, out: Path) -> None:
    """Nothing fetched: the work tree as committed, no partial downloads, empty ``out``."""
    subprocess.run(["git", "clean", "-fdxq", "--", "papers"], cwd=repo, check=True)
    shutil.rmtree(repo / ".git" / "papershelf" / "fetch", ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)


def commands(repo: Path, base: str, urls: Path, out: Path) -> dict[str, list[str]]:
    return {
        "papershelf fetch": [
            tool("papershelf"),
            "fetch",
            "-C",
            str(repo),
            "--mirror",
            f"https://arxiv.org={base}/arxiv",
            "--jobs",
            "8",
            "--per-host",
            "8",
            "--interval",
            "0",
        ],
        "aria2c -j 8": [
            tool("aria2c"),
            "-q",
            "-j",
            "8",
            "--max-connection-per-server=8",
            "-d",
            str(out),
            "-i",
            str(urls),
        ],
        "xargs -P 8 curl": [
            "sh",
            "-c",
            f'cd "{out}" && xargs -P 8 -n 1 {tool("curl")} -sSfO --retry 3 < "{urls}"',
        ],
    }


def timed(argv: Sequence[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bench_fetch: {argv[0]} failed: {done.stderr.decode(errors='replace')}")
    return elapsed


CLIENT_FILES = 400
CLIENT_BODY = b"%PDF-1.4\n" + b"x" * 40_000


def _threads(urls: list[str], get: Callable[[str], int]) -> None:
    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(get, urls)) == len(urls) * len(CLIENT_BODY)


def _urllib(urls: list[str]) -> None:
    import urllib.request

    def get(url: str) -> int:
        with urllib.request.urlopen(url, timeout=10) as response:
            return len(response.read())

    _threads(urls, get)


def _urllib3(urls: list[str]) -> None:
    import urllib3

    pool = urllib3.PoolManager(maxsize=8)
    _threads(urls, lambda url: len(pool.request("GET", url).data))


def _requests(urls: list[str]) -> None:
    import requests

    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=8))
    _threads(urls, lambda url: len(session.get(url, timeout=10).content))


def _httpx(urls: list[str]) -> None:
    import httpx

    with httpx.Client(limits=httpx.Limits(max_connections=8)) as client:
        _threads(urls, lambda url: len(client.get(url).content))


def _aiohttp(urls: list[str]) -> None:
    import aiohttp

    async def run() -> int:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=8)) as session:

            async def get(url: str) -> int:
                async with session.get(url) as response:
                    return len(await response.read())

            return sum(await asyncio.gather(*map(get, urls)))

    assert asyncio.run(run()) == len(urls) * len(CLIENT_BODY)


CLIENTS: dict[str, tuple[str, Callable[[list[str]], None]]] = {
    "urllib (stdlib)": ("", _urllib),
    "urllib3": ("urllib3", _urllib3),
    "requests": ("requests", _requests),
    "httpx": ("httpx", _httpx),
    "aiohttp": ("aiohttp", _aiohttp),
}


def installed_size(distribution: str) -> tuple[int, float]:
    """How many distributions ``distribution`` installs (itself included), and their MB."""
    seen: set[str] = set()
    wanted = [distribution]
    while wanted:
        name = wanted.pop().lower().replace("_", "-")
        if name in seen:
            continue
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:  # a marker for another Python
            continue
        seen.add(name)
        wanted += [re.split(r"[ ;<>=!~\[(]", r)[0] for r in requires if "extra ==" not in r]
    size = 0
    for name in seen:
        for file in metadata.distribution(name).files or []:
            located = Path(str(metadata.distribution(name).locate_file(file)))
            size += located.stat().st_size if located.is_file() else 0
    return len(seen), size / 1e6


def import_time(module: str) -> float:
    runs = []
    for _ in range(7):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def clients(rounds: int) -> None:
    with Server() as server:
        for index in range(CLIENT_FILES):
            server.routes[f"/{index}.pdf"] = Route(CLIENT_BODY)
        urls = [server.url(f"/{index}.pdf") for index in range(CLIENT_FILES)]
        times: dict[str, list[float]] = {name: [] for name in CLIENTS}
        names = list(CLIENTS)
        for round_ in range(rounds + 1):  # the first round warms up, and is not counted
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                start = time.perf_counter()
                CLIENTS[name][1](urls)
                if round_:
                    times[name].append(time.perf_counter() - start)
    print(f"\nHTTP clients: {CLIENT_FILES} files of 40 KB, 8 at a time, median of {rounds} rounds")
    for name, (distribution, _) in CLIENTS.items():
        rate = CLIENT_FILES / statistics.median(times[name])
        module = distribution or "urllib.request"
        if distribution:
            count, size = installed_size(distribution)
            weight = f"{count} dists, {size:.1f} MB"
        else:
            weight = "standard library"
        took = import_time(module) * 1000
        print(f"  {name:16} {rate:6.0f} files/s  {weight:18}  import {took:4.0f} ms")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--papers", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1)
    options = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    repo, bodies = build(options.papers)
    out = WORK / "out"
    with Server(latency=options.latency) as server:
        for path, body in bodies.items():
            server.routes[path] = Route(body)
        urls = WORK / "urls.txt"
        urls.write_text("".join(f"{server.url(path)}\n" for path in bodies))
        argvs = commands(repo, server.base, urls, out)
        times: dict[str, list[float]] = {name: [] for name in argvs}
        names = list(argvs)
        for round_ in range(options.rounds):
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                reset(repo, out)
                times[name].append(timed(argvs[name]))
                fetched = len(list(out.iterdir())) + len(list((repo / "papers").rglob("*.pdf")))
                if fetched != options.papers:
                    raise SystemExit(f"bench_fetch: {name} left {fetched} of {options.papers}")
                if name == names[0]:  # every paper is where the plan reads it
                    check = subprocess.run(
                        [tool("repo-check"), str(repo), "--rule", "missing-paper"],
                        capture_output=True,
                        text=True,
                        check=False,
                    )
    peer = statistics.median(times["aria2c -j 8"])
    print(
        f"{options.papers} papers, {options.latency * 1000:.0f} ms added per answer, "
        f"median of {options.rounds} interleaved rounds"
    )
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:18} {median:6.2f} s  {median / peer:4.2f}x aria2c")
    print(f"  repo-check --rule missing-paper after papershelf fetch: exit {check.returncode}")
    if check.returncode != 0:
        print(check.stdout + check.stderr)
    clients(options.rounds)
    return check.returncode


if __name__ == "__main__":
    sys.exit(main())
