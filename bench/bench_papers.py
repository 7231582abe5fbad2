"""Papers found by what they are, measured on real PDFs (``../shared/papers-dev``).

1. Identification: the labelled PDFs copied into a fresh git repository under
   neutral names (``p001.pdf`` …), a plan naming their titles plus decoy titles
   of papers that are not there; reports how many are found at the right file,
   at a wrong file, and how many decoys are marked present — for the titles as
   labelled, with a typo each, and rewritten as labels with a year, a venue, an
   author or curly quotes (:func:`rewritten`).
2. First scan: papershelf's reading of every PDF (metadata and first-page text,
   cache off) beside poppler's ``pdftotext -l 1`` over the same files,
   interleaved rounds, medians, as ms per PDF and a ratio.
3. Memory: the scan's peak RSS (workers included) for 1× and 4× the PDFs.

Skips (exit 0) when the labelled folder is absent: the project stands alone.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import tool  # noqa: E402

# Titles of real papers that are not in the folder: some share many words with
# ones that are ("Functional Reactive Programming", "Purely Functional …").
DECOYS = (
    "Purely Functional Random-Access Lists",
    "Out of the Tar Pit",
    "A Theory of Type Polymorphism in Programming",
    "Functional Reactive Programming, Continued",
    "Functional Programming",
    "Programming Languages",
    "Pattern Matching",
    "Deforestation: Transforming Programs to Eliminate Trees",
    "Can Programming Be Liberated from the von Neumann Style?",
    "A Sparse Johnson-Lindenstrauss Transform Revisited",
    "Monadic Parser Combinators",
    "The Essence of Functional Programming",
    "Why Functional Programming Matters Less",
    "Compiling Pattern Matching",
    "Making Reliable Distributed Systems in the Presence of Software Errors",
    "Dynamo: Amazon's Highly Available Key-value Store",
    "Time, Clocks, and the Ordering of Events in a Distributed System",
    "Lazy Functional State Threads",
    "Recursive Functions of Symbolic Expressions and Their Computation by Machine",
    "The Next 700 Programming Languages",
)


def labelled_folder() -> Path | None:
    """``shared/papers-dev`` beside the checkout (or beside a folder of worktrees)."""
    for parent in HERE.parents[:3]:
        candidate = parent.parent / "shared" / "papers-dev"
        if (candidate / "labels.tsv").is_file():
            return candidate
    return None


def neutral_repository(folder: Path, target: Path, copies: int = 1) -> dict[str, str]:
    """Copy the PDFs as ``p001.pdf`` …; returns ``title -> file``. Extra copies get a
    trailing comment so each is a distinct blob."""
    truth: dict[str, str] = {}
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    (target / "papers").mkdir()
    rows = (folder / "labels.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for copy in range(copies):
        for index, row in enumerate(rows, 1):
            where, name, title = row.split("\t")
            neutral = f"p{copy:01d}{index:03d}.pdf" if copies > 1 else f"p{index:03d}.pdf"
            data = (folder / where / name).read_bytes()
            (target / "papers" / neutral).write_bytes(data + b"\n%%copy %d\n" % copy)
            truth.setdefault(title, f"papers/{neutral}")
    subprocess.run(["git", "-C", str(target), "add", "-A"], check=True)
    return truth


def identify(repository: Path, use_cache: bool) -> dict[str, object]:
    from papershelf import papers

    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=repository, capture_output=True, check=True
    ).stdout.decode()
    blobs = papers.blob_ids(repository, True, [p for p in listed.split("\0") if papers.is_pdf(p)])
    cache = repository / ".git" / "papershelf" if use_cache else None
    return dict(papers.identities(repository, blobs, cache))


def typo(title: str) -> str:
    """The title with two letters of its longest word swapped: a small misspelling."""
    import re

    word = max(re.findall(r"[A-Za-z]+", title), key=len)
    middle = len(word) // 2
    wrong = word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    return title.replace(word, wrong, 1)


# Surnames and venues for labels written the way people write them (``Author, Title``).
AUTHORS = ("Hughes", "Wadler", "Okasaki", "Alan Kay", "Peyton Jones", "Milner", "J. Backus")
VENUES = ("NeurIPS", "ICFP", "POPL", "PLDI", "SIGGRAPH", "STOC", "OOPSLA")


def rewritten(title: str, index: int) -> str:
    """``title`` as a label with a year, a venue, an author or curly quotes around it, one
    shape after another: what real plans write beside a title."""
    author, venue = AUTHORS[index % len(AUTHORS)], VENUES[index % len(VENUES)]
    year = 1970 + (index * 7) % 53
    shapes = (
        f"“{title}” ({year}) — {author}",
        f"{author}, {title}",
        f"{title} ({venue} {year})",
        f"{title} ({year})",
        f"*{title}*, by {author}",
        f"({year}) {title}",
        f"{title} — {author}",
        f"{author}, “{title}”",
    )
    return shapes[index % len(shapes)]


LABELS = {
    "labelled": "plan titles as labelled",
    "typo": "plan titles with one typo each",
    "rewritten": "labels with years, venues, authors, quotes",
}


def evaluate(folder: Path, scratch: Path, variant: str = "labelled") -> str:
    """Through ``papershelf plan --format json``: the plan model as users see it, for
    the labels as written, each with a typo, or rewritten (:func:`rewritten`).
    Returns the table row."""
    import json

    repository = scratch / f"eval-{variant}"
    truth = neutral_repository(folder, repository)
    if variant == "typo":
        truth = {typo(title): path for title, path in truth.items()}
    elif variant == "rewritten":
        truth = {rewritten(title, i): path for i, (title, path) in enumerate(truth.items())}
    wanted_titles = [*truth, *DECOYS]
    plan = "# Reading plan\n\n## Phase 1: papers\n\n### Step 1: read them\n\n"
    plan += "".join(f'- **"{title}"**\n' for title in wanted_titles)
    (repository / "papers" / "READING.md").write_text(plan, encoding="utf-8")
    (repository / ".papershelf.toml").write_text(
        'root = "papers"\nplan = "papers/READING.md"\nextends = ["hygiene"]\n', encoding="utf-8"
    )
    subprocess.run(["git", "-C", str(repository), "add", "-A"], check=True)
    shown = subprocess.run(
        [tool("papershelf"), "plan", "--format", "json", str(repository)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    document = json.loads(shown)
    items = document["phases"][0]["steps"][0]["items"]
    assert len(items) == len(wanted_titles), "one item per line of the plan"
    right = wrong = decoys = 0
    how: dict[str, int] = {}
    for title, item in zip(wanted_titles, items):
        where = item["where"] if item["status"] in ("present", "empty", "misplaced") else None
        if title not in truth:
            decoys += where is not None
            if where is not None:
                print(f"    DECOY PRESENT: {title} -> {where} ({item['how']})")
            continue
        if where is None:
            print(f"    not found: {title}")
        elif where == truth[title]:
            right += 1
            how[item["how"]] = how.get(item["how"], 0) + 1
        else:
            wrong += 1
            print(f"    WRONG FILE: {title} -> {where} ({item['how']})")
    total = len(truth)
    label = LABELS[variant]
    print(f"    {label}: found {how}; unreadable PDFs: {document['unreadable_pdfs']['count']}")
    return (
        f"| {label} | {total} | {right} ({100 * right / total:.0f}%) | {wrong} "
        f"| {decoys} of {len(DECOYS)} |"
    )


def first_scan(folder: Path, scratch: Path, rounds: int = 5) -> None:
    repository = scratch / "scan"
    truth = neutral_repository(folder, repository)
    files = sorted(truth.values())
    pdftotext = tool("pdftotext")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import bench_papers; "
        "bench_papers.identify(bench_papers.Path(sys.argv[2]), use_cache=False)"
    )

    def papershelf_run() -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, str(HERE), str(repository)], check=True)
        return time.perf_counter() - start

    def poppler_run() -> float:
        start = time.perf_counter()
        for path in files:
            subprocess.run(
                [pdftotext, "-l", "1", path, "-"],
                cwd=repository,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        return time.perf_counter() - start

    samples: dict[str, list[float]] = {"papershelf": [], "pdftotext": []}
    for _ in range(rounds):
        samples["papershelf"].append(papershelf_run())
        samples["pdftotext"].append(poppler_run())
    ours, theirs = (statistics.median(samples[name]) for name in ("papershelf", "pdftotext"))
    count = len(files)
    print("| first scan of the PDFs | median wall time | ms per PDF | ratio |")
    print("|---|---:|---:|---:|")
    print(
        f"| `pdftotext -l 1`, one file after another | {theirs * 1000:.0f} ms "
        f"| {theirs * 1000 / count:.1f} | 1.0× |"
    )
    print(
        f"| papershelf (ids, metadata, first page; 2 workers) | {ours * 1000:.0f} ms "
        f"| {ours * 1000 / count:.1f} | {ours / theirs:.2f}× |"
    )


def memory(folder: Path, scratch: Path) -> None:
    print("\n| PDFs scanned | peak RSS, papershelf | peak RSS, one worker |")
    print("|---:|---:|---:|")
    for copies in (1, 4):
        repository = scratch / f"memory-{copies}"
        neutral_repository(folder, repository, copies)
        code = (
            "import sys, resource; sys.path.insert(0, sys.argv[1]); import bench_papers; "
            "bench_papers.identify(bench_papers.Path(sys.argv[2]), use_cache=False); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(HERE), str(repository)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        count = len(list((repository / "papers").iterdir()))
        print(f"| {count} | {int(out[0]) / 1024:.0f} MB | {int(out[1]) / 1024:.0f} MB |")


def main() -> int:
    folder = labelled_folder()
    if folder is None:
        print("skipped: the labelled papers (../shared/papers-dev) are not here")
        return 0
    with tempfile.TemporaryDirectory() as name:
        scratch = Path(name)
        rows = [evaluate(folder, scratch, variant) for variant in LABELS]
        print("\n| plan | papers | found at the right file | at a wrong file | decoys present |")
        print("|---|---:|---:|---:|---:|")
        print("\n".join(rows) + "\n")
        first_scan(folder, scratch)
        memory(folder, scratch)
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
