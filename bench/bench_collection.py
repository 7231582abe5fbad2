"""repo-check on a paper collection shaped like papers-we-love: 300 files, 200 real PDFs,
no configuration and a README per folder (each read as a plan of its own).

The pre-commit case is timed: one file newly staged since the last run. Runs are
interleaved with ``python -c "import click"`` and medians quoted. Prints a markdown table.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

from bench_check import after_staging, rounds, timed  # noqa: E402

FOLDERS = 40
PDFS = 200
FILES = 300


def paper(title: str, author: str) -> bytes:
    from fpdf import FPDF

    document = FPDF()
    document.set_title(title)
    document.add_page()
    document.set_font("helvetica", size=16)
    document.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    document.cell(0, 10, author, new_x="LMARGIN", new_y="NEXT")
    document.set_font("helvetica", size=10)
    document.multi_cell(0, 5, "Abstract. We study things. " * 30)
    return bytes(document.output())


def build(root: Path) -> Path:
    """FILES tracked files in FOLDERS topic folders: PDFS papers, a README per folder listing
    its papers, notes; a root README linking the folders. Committed."""
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    listed: dict[int, list[str]] = {folder: [] for folder in range(FOLDERS)}
    for number in range(PDFS):
        folder = number % FOLDERS
        title = f"On the Theory of Topic {folder}: Paper {number} of the Collection"
        path = root / f"topic-{folder:02d}" / f"paper-{number}.pdf"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(paper(title, f"A. Author {number}"))
        listed[folder].append(f"* [{title}](paper-{number}.pdf)")
    for folder, lines in listed.items():
        readme = root / f"topic-{folder:02d}" / "README.md"
        readme.write_text(f"# Topic {folder}\n\n" + "\n".join(lines) + "\n")
    for number in range(FILES - PDFS - FOLDERS - 1):
        (root / f"topic-{number % FOLDERS:02d}" / f"notes-{number}.md").write_text("notes\n")
    links = "\n".join(f"* [Topic {folder}](topic-{folder:02d}/)" for folder in range(FOLDERS))
    (root / "README.md").write_text(f"# Papers we love\n\n{links}\n")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=b@example.org", "commit", "-qm", "x"],
        cwd=root,
        check=True,
    )
    return root


def main() -> int:
    import compileall

    import papershelf

    compileall.compile_dir(Path(papershelf.__file__).parent, quiet=1)
    WORK.mkdir(exist_ok=True)
    repo = WORK / "collection-300"
    if not (repo / ".git").is_dir():
        shutil.rmtree(repo, ignore_errors=True)
        build(repo)
    repo_check = str(BIN / "repo-check")
    timed([repo_check, "."], repo)  # the PDFs are read once, as by the first commit
    cold = rounds({"cold": lambda: timed([repo_check, "--no-cache", "."], repo)}, 3)
    warm = rounds(
        {
            "click": lambda: timed([sys.executable, "-c", "import click"], repo),
            "staged": after_staging([repo_check, "."], repo),
        },
        11,
    )
    click, staged = warm["click"], warm["staged"]
    print(f"collection: {FILES} files, {PDFS} PDFs, a README per folder ({FOLDERS + 1} plans)\n")
    print("| repository | tool | median wall time | ratio |")
    print("|---|---|---:|---:|")
    print(f'| {FILES} files | `python -c "import click"` | {click * 1000:.0f} ms | 1.0× |')
    print(
        f"| {FILES} files, {PDFS} PDFs | `repo-check`, one file newly staged | "
        f"{staged * 1000:.0f} ms | {staged / click:.1f}× import click |"
    )
    print(
        f"| {FILES} files, {PDFS} PDFs | `repo-check --no-cache` (every PDF read) | "
        f"{cold['cold'] * 1000:.0f} ms | {cold['cold'] / click:.1f}× import click |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
