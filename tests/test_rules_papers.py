"""Papers found by what their PDFs say, and the rules duplicate-paper and unlisted-paper,
on real repositories with PDFs built in the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checking import findings, summary
from gitrepo import make_repo
from papershelf.cli import main
from pdf_builders import pdf
from test_papers import ATTENTION, DAMAGED, IMAGE_ONLY, LORA, TWO_LINES

PLAN = """# Reading plan

## Phase 1: papers

### Step 1: read these

- **"LoRA: Low-Rank Adaptation of Large Language Models"** arXiv:2106.09685
- **"Attention Is All You Need"**
- **"Functional Programming with Bananas, Lenses, Envelopes and Barbed Wire"**
- **"Deep Residual Learning for Image Recognition"**
"""
CONFIG = 'plan = "papers/HOW_TO_READ.md"\nroot = "papers"\nextends = ["hygiene"]\n'
RULES = "[rules.missing-paper]\n[rules.duplicate-paper]\n[rules.unlisted-paper]\n"


def study(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    return make_repo(
        tmp_path / "study",
        {".papershelf.toml": CONFIG + RULES, "papers/HOW_TO_READ.md": PLAN, **files},
    )


def plan_json(capsys: pytest.CaptureFixture[str], repo: Path) -> dict[str, dict[str, object]]:
    assert main(["plan", "--format", "json", str(repo)]) == 0
    document = json.loads(capsys.readouterr().out)
    items = document["phases"][0]["steps"][0]["items"]
    return {item["name"]: item for item in items}


def test_papers_found_by_id_metadata_and_first_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = study(
        tmp_path,
        {"papers/p1.pdf": LORA, "papers/p2.pdf": ATTENTION, "papers/p3.pdf": TWO_LINES},
    )
    items = plan_json(capsys, repo)
    found = {name: (item["status"], item["where"], item["how"]) for name, item in items.items()}
    assert found == {
        "LoRA: Low-Rank Adaptation of Large Language Models": (
            "present",
            "papers/p1.pdf",
            "arxiv-id",
        ),
        "Attention Is All You Need": ("present", "papers/p2.pdf", "metadata"),
        "Functional Programming with Bananas, Lenses, Envelopes and Barbed Wire": (
            "present",
            "papers/p3.pdf",
            "first-page",
        ),
        "Deep Residual Learning for Image Recognition": ("missing", None, None),
    }
    assert main(["plan", str(repo)]) == 0
    assert "(at papers/p2.pdf, by metadata)" in capsys.readouterr().out
    assert summary(repo, "missing-paper") == [
        (
            "papers",
            "warning",
            '"Deep Residual Learning for Image Recognition" is missing: the plan reads it here '
            "(Phase 1, step 1)",
        )
    ]


def test_the_file_name_is_the_last_resort(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = study(tmp_path, {"papers/Deep Residual Learning for Image Recognition.pdf": DAMAGED})
    items = plan_json(capsys, repo)
    assert items["Deep Residual Learning for Image Recognition"]["how"] == "file-name"


def test_unreadable_pdfs_are_notes_never_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    encrypted = pdf(["Attention Is All You Need"], password="secret")
    repo = study(
        tmp_path,
        {
            "papers/Attention Is All You Need.pdf": encrypted,
            "papers/LoRA Low-Rank Adaptation of Large Language Models.pdf": DAMAGED,
        },
    )
    assert main(["plan", "--format", "json", str(repo)]) == 0
    unreadable = json.loads(capsys.readouterr().out)["unreadable_pdfs"]
    assert unreadable["count"] == 2
    assert sorted(note.split(":")[0] for note in unreadable["examples"].values()) == [
        "damaged",
        "encrypted",
    ]
    assert main(["plan", "--explain", str(repo)]) == 0
    assert "2 PDFs could not be read (matched by name only):" in capsys.readouterr().out
    assert summary(repo, "unlisted-paper") == []
    assert summary(repo, "duplicate-paper") == []


def test_duplicate_paper_by_content_arxiv_id_and_title(tmp_path: Path) -> None:
    repo = study(
        tmp_path,
        {
            "papers/p1.pdf": LORA,
            "papers/lora copy.pdf": LORA,
            "papers/2106.09685v1.pdf": IMAGE_ONLY,
            "papers/p2.pdf": ATTENTION,
            "papers/old/transformer.pdf": pdf(["x"], title="Attention is all you need."),
        },
    )
    hints = [f.hint for f in findings(repo, "duplicate-paper")]
    assert hints == ["they differ: compare them, keep the copy you want and git rm the others"] * 2
    assert summary(repo, "duplicate-paper") == [
        (
            "papers/2106.09685v1.pdf",
            "warning",
            "`papers/2106.09685v1.pdf`, `papers/lora copy.pdf` and `papers/p1.pdf` are one "
            "paper: the same content, arXiv:2106.09685",
        ),
        (
            "papers/old/transformer.pdf",
            "warning",
            "`papers/old/transformer.pdf` and `papers/p2.pdf` are one paper: the title "
            '"Attention is all you need."',
        ),
    ]


def test_unlisted_paper_names_the_nearest_title_and_the_git_mv(tmp_path: Path) -> None:
    repo = study(
        tmp_path,
        {
            "papers/p1.pdf": LORA,
            "papers/deep-residual-learning.pdf": IMAGE_ONLY,
            "papers/notes.pdf": pdf(["Some Notes Of Mine"]),
            "papers/notes.md": "# notes\n",
            "elsewhere/other.pdf": pdf(["Another Paper Entirely"]),
        },
    )
    assert summary(repo, "unlisted-paper") == [
        (
            "papers/deep-residual-learning.pdf",
            "info",
            "`papers/deep-residual-learning.pdf` is a paper the plan does not name; it "
            'resembles "Deep Residual Learning for Image Recognition"',
        ),
        ("papers/notes.pdf", "info", "`papers/notes.pdf` is a paper the plan does not name"),
    ]
    from checking import findings

    hint = findings(repo, "unlisted-paper")[0].hint
    assert hint == (
        "if it is that paper, name it so: git mv -- papers/deep-residual-learning.pdf "
        "'papers/Deep Residual Learning for Image Recognition.pdf'"
    )


def test_quiet_when_every_paper_is_listed_once(tmp_path: Path) -> None:
    repo = study(tmp_path, {"papers/p1.pdf": LORA, "papers/p2.pdf": ATTENTION})
    assert summary(repo, "unlisted-paper") == []
    assert summary(repo, "duplicate-paper") == []


def test_a_warm_run_reads_no_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = study(tmp_path, {"papers/p1.pdf": LORA, "papers/p2.pdf": ATTENTION})
    first = plan_json(capsys, repo)
    (repo / "papers" / "p1.pdf").write_bytes(b"")  # not staged: the index still has LoRA
    (repo / ".git" / "papershelf" / "papers.v1").unlink()
    assert plan_json(capsys, repo) == first  # from the index facts: no PDF read at all


def test_a_misplaced_paper_found_by_content_gets_the_exact_git_mv(tmp_path: Path) -> None:
    plan = "# Plan\n\n## Phase 1\n\n### Step 1\n\nOpen `01_reading`:\n\n"
    plan += '- **"Attention Is All You Need"**\n'
    repo = make_repo(
        tmp_path / "study",
        {
            ".papershelf.toml": CONFIG + RULES,
            "papers/HOW_TO_READ.md": plan,
            "papers/01_reading/.gitkeep": "",
            "papers/inbox/p2.pdf": ATTENTION,
        },
    )
    from checking import findings

    assert [f.hint for f in findings(repo, "missing-paper")] == [
        "move it: git mv -- papers/inbox/p2.pdf 'papers/01_reading/Attention Is All You Need.pdf', "
        "or leave it if you prefer it there"
    ]


def test_duplicate_and_unlisted_are_on_with_the_repositorys_own_plan(tmp_path: Path) -> None:
    """No configuration at all: the repository's STUDY_PLAN.md alone turns the paper rules on."""
    repo = make_repo(
        tmp_path / "курс ML & NLP",
        {
            "STUDY_PLAN.md": PLAN.replace(
                "### Step 1: read these", "### Step 1: read these\n`papers`"
            ),
            "papers/p1.pdf": LORA,
            "papers/copy of p1.pdf": LORA,
            "papers/p9.pdf": pdf(["Deep Learning Scaling is Predictable, Empirically"]),
        },
    )
    assert [row[0] for row in summary(repo, "duplicate-paper")] == ["papers/copy of p1.pdf"]
    assert summary(repo, "unlisted-paper") == [
        ("papers/p9.pdf", "info", "`papers/p9.pdf` is a paper the plan does not name")
    ]


def test_only_identical_copies_get_a_git_rm(tmp_path: Path) -> None:
    repo = study(tmp_path, {"papers/p1.pdf": LORA, "papers/lora copy.pdf": LORA})
    (finding,) = findings(repo, "duplicate-paper")
    assert finding.message.endswith("are one paper: the same content")
    assert finding.hint == "keep one copy: git rm -- papers/p1.pdf"
