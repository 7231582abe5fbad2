"""PDF work is bounded per run: a time budget for reading, bounded title matching, and
identities kept for every plan file (a README per folder) so staging a note reads no PDF."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from gitrepo import git, make_repo
from papershelf.cli import main
from papershelf.papers import scan, titles
from papershelf.papers.matching import nearest_title
from papershelf.papers.reading import Identity
from pdf_builders import pdf
from test_papers import ATTENTION, LORA, TWO_LINES
from test_rules_papers import plan_json, study

BUDGET = scan.BUDGET_VARIABLE


@contextmanager
def pdf_reads() -> Iterator[list[str]]:
    """Every PDF this process opens and every PDF reader it starts, while inside."""
    seen: list[str] = []
    listening = [True]

    def listen(event: str, args: tuple[object, ...]) -> None:
        if not listening[0]:
            return
        if event == "open" and isinstance(args[0], str | Path) and str(args[0]).endswith(".pdf"):
            seen.append(str(args[0]))
        elif event == "subprocess.Popen" and "papershelf.papers.scan" in repr(args):
            seen.append("a PDF reader process")

    sys.addaudithook(listen)
    try:
        yield seen
    finally:
        listening[0] = False


def collection(tmp_path: Path) -> Path:
    """A collection with no configuration: each folder's README lists its papers."""
    return make_repo(
        tmp_path / "collection",
        {
            "README.md": "# Papers\n\n* [Fine tuning](tuning/)\n* [Models](models/)\n",
            "tuning/README.md": "# Tuning\n\n* [LoRA](lora.pdf)\n* [Bananas](bananas.pdf)\n",
            "tuning/lora.pdf": LORA,
            "tuning/bananas.pdf": TWO_LINES,
            "models/README.md": "# Models\n\n* [Attention Is All You Need](a.pdf)\n",
            "models/a.pdf": ATTENTION,
            "models/b.pdf": pdf(["Deep Residual Learning for Image Recognition"]),
        },
    )


def test_staging_a_note_reads_no_pdf_again_with_a_readme_per_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = collection(tmp_path)
    assert main(["check", str(repo)]) == 0
    first = capsys.readouterr().out
    (repo / "notes.md").write_text("a note\n")
    git(repo, "add", "notes.md")
    with pdf_reads() as seen:
        assert main(["check", str(repo)]) == 0
    assert seen == []
    assert capsys.readouterr().out == first
    assert main(["check", "--no-cache", str(repo)]) == 0
    assert capsys.readouterr().out == first


def test_a_spent_budget_matches_by_name_only_says_so_once_and_keeps_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = study(tmp_path, {"papers/p1.pdf": LORA, "papers/p2.pdf": ATTENTION})
    monkeypatch.setenv(BUDGET, "0")
    assert main(["check", str(repo)]) == 0
    err = capsys.readouterr().err
    assert err.count("not read") == 1
    assert "note: 2 PDFs not read: this run's 0 s for reading PDFs was spent" in err
    with pdf_reads() as seen:
        items = plan_json(capsys, repo)
    assert "a PDF reader process" not in seen
    assert items["Attention Is All You Need"]["status"] == "missing"  # by name: no match
    assert capsys.readouterr().err.count("2 PDFs not read") == 0  # said by plan_json's run
    monkeypatch.delenv(BUDGET)
    items = plan_json(capsys, repo)  # nothing of the unread run was kept: read now
    assert items["Attention Is All You Need"]["how"] == "metadata"
    assert "not read" not in capsys.readouterr().err
    assert main(["check", str(repo)]) == 0
    assert "not read" not in capsys.readouterr().err


def slow_pdf(operations: int = 400_000) -> bytes:
    """A one-page PDF whose content stream is a long run of text operations: slow to read."""
    stream = b"BT /F1 1 Tf " + b"1 0 0 1 5 5 Tm (x) Tj " * operations + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, value in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + value + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def test_slow_hostile_pdfs_cost_the_run_its_budget_then_are_matched_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = slow_pdf()
    files: dict[str, str | bytes] = {f"papers/slow {n}.pdf": slow + b"%%%d" % n for n in range(3)}
    repo = study(tmp_path, {**files, "papers/LoRA.pdf": LORA})
    monkeypatch.setenv(BUDGET, "0.2")
    assert main(["plan", "--format", "json", str(repo)]) == 0
    out, err = capsys.readouterr()
    document = json.loads(out)
    items = {item["name"]: item for item in document["phases"][0]["steps"][0]["items"]}
    assert items["LoRA: Low-Rank Adaptation of Large Language Models"]["status"] == "present"
    assert document["unreadable_pdfs"]["count"] == 0  # unread for want of time, not damaged
    assert err.count("PDFs not read: this run's 0.2 s for reading PDFs was spent") == 1


def test_a_metadata_title_longer_than_any_title_is_none() -> None:
    assert titles.good_metadata_title("Attention Is All You Need") == "Attention Is All You Need"
    assert titles.good_metadata_title("Subject: the theory " * 1000) == ""
    assert len(titles.head_segments("Theory: of things " * 5000)) <= titles.HEAD_SEGMENTS_MAX


def test_nearest_title_compares_a_few_candidates_cut_to_a_titles_length() -> None:
    plan = [f"A Study of Subject {n} in the Theory of Things {n * 7}" for n in range(2000)]
    plan.append("Functional Programming with Bananas, Lenses, Envelopes and Barbed Wire")
    hostile = Identity((), (), ": ".join(plan[1000:1500]), (), "")  # as no reader keeps it
    assert nearest_title("papers/x.pdf", hostile, plan) in plan[1000:1006]  # its first 300
    long_title = pdf(["Unrelated"], title="Subject: the theory " * 1000)
    from papershelf.papers import reading

    assert reading.read(long_title).title == ""
    assert (
        nearest_title("papers/Functional Programing with Bananas.pdf", None, plan)
        == "Functional Programming with Bananas, Lenses, Envelopes and Barbed Wire"
    )
