"""Three plans in three styles, each on a repository that drifted from it: repo-check
raises what a careful reviewer would, and ``papershelf plan`` agrees item by item."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gitrepo import make_repo
from papershelf.check.engine import run_check
from papershelf.cli import main

PLANS = Path(__file__).parent / "data" / "plans"
PLAN_RULES = ("missing-path", "missing-paper", "plan-reference", "empty-file")


def plan_text(name: str) -> str:
    return (PLANS / name).read_text(encoding="utf-8")


def course(tmp_path: Path) -> Path:
    """Phases and steps in English, backticked folders, bold quoted titles."""
    return make_repo(
        tmp_path / "course",
        {
            "STUDY_PLAN.md": plan_text("course.STUDY_PLAN.md"),
            "foundations/linear-algebra/Matrix Calculus for Deep Learning.pdf": b"%PDF",
            "foundations/optimisation/matrix-cookbook (the matrix cookbook).pdf": b"%PDF",
            "foundations/optimisation/notes.md": "# notes\n",
            "practice/mnist/train.py": "print(1)\n",
        },
    )


def weeks(tmp_path: Path) -> Path:
    """Weeks and a numbered heading, links to folders and papers, an arXiv-id list item."""
    return make_repo(
        tmp_path / "weeks",
        {
            "READING_PLAN.md": plan_text("weeks.READING_PLAN.md"),
            "detection/Faster R-CNN.pdf": b"%PDF",
            "detection/rcnn - Rich feature hierarchies (R-CNN).pdf": b"%PDF",
            "segmentation/u-net.pdf": b"%PDF",
        },
    )


def collection(tmp_path: Path) -> Path:
    """Folder READMEs listing linked papers, read through ``plan = ["**/README.md"]``."""
    return make_repo(
        tmp_path / "collection",
        {
            ".papershelf.toml": 'plan = ["**/README.md"]\nextends = ["hygiene"]\n',
            "README.md": "# Papers I keep\n\nEach folder's README lists its papers.\n",
            "nlp/README.md": plan_text("collection.nlp.README.md"),
            "vision/README.md": plan_text("collection.vision.README.md"),
            "nlp/bert.pdf": b"%PDF",
            "nlp/roberta (RoBERTa A Robustly Optimized BERT Pretraining Approach).pdf": b"%PDF",
            "vision/vit.pdf": b"%PDF",
        },
    )


def plan_findings(repo: Path) -> list[tuple[str, str, str, str]]:
    return [
        (f.rule, f"{f.path}:{f.line}" if f.line else f.path, f.severity.label, f.message)
        for f in run_check(repo).findings
        if f.rule in PLAN_RULES
    ]


def test_an_english_course_plan(tmp_path: Path) -> None:
    repo = course(tmp_path)
    assert plan_findings(repo) == [
        (
            "missing-path",
            "architectures/attention",
            "error",
            "the plan's folder `architectures/attention` is missing, and with it 2 papers the "
            'plan reads from it: "Attention Is All You Need", "LoRA"',
        ),
        (
            "missing-paper",
            "foundations/optimisation",
            "warning",
            '"Adam: A Method for Stochastic Optimization" is missing: the plan reads it '
            "here (Phase 1, step 2.1)",
        ),
        (
            "missing-paper",
            "foundations/optimisation/matrix-cookbook (the matrix cookbook).pdf",
            "info",
            '"The Matrix Cookbook" is filed under `foundations/optimisation`, where the '
            "plan's step (Phase 1, step 1.2) reads it from `foundations/linear-algebra`",
        ),
    ]


def test_a_weekly_plan_with_links_and_arxiv_ids(tmp_path: Path) -> None:
    repo = weeks(tmp_path)
    assert plan_findings(repo) == [
        (
            "missing-paper",
            "detection",
            "warning",
            '"You Only Look Once" is missing: the plan reads it here (Week 1, step 2)',
        ),
        ("missing-path", "evaluation", "error", "the plan's folder `evaluation` is missing"),
    ]


def test_folder_readmes_listing_linked_papers(tmp_path: Path) -> None:
    repo = collection(tmp_path)
    assert plan_findings(repo) == [
        (
            "missing-paper",
            "nlp",
            "warning",
            '"Language Models are Unsupervised Multitask Learners" is missing: the plan '
            "reads it here",
        ),
    ]


def said_about(item: dict[str, str], messages: list[str]) -> bool:
    if item["kind"] == "paper":
        mark = f'"{item["name"]}"'
    else:
        mark = f"the plan's {item['kind']} `{item['path']}`"
    return any(mark in message for message in messages)


@pytest.mark.parametrize("build", [course, weeks, collection])
def test_plan_agrees_with_repo_check_item_by_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], build: Callable[[Path], Path]
) -> None:
    repo = build(tmp_path)
    assert main(["plan", "--format", "json", str(repo)]) == 0
    document = json.loads(capsys.readouterr().out)
    findings = run_check(repo).findings
    said = [f for f in findings if f.rule in ("missing-path", "missing-paper")]
    missing = 0
    for plan in document.get("plans", [document]):
        for phase in plan["phases"]:
            for step in phase["steps"]:
                for item in step["items"]:
                    folder = item["missing_folder"]
                    if folder:  # reported, by name, with the missing folder that holds it
                        with_it = [f.message for f in said if f.path == folder]
                        assert len(with_it) == 1 and said_about(item, with_it), item
                    elif item["status"] in ("missing", "misplaced"):
                        assert said_about(item, [f.message for f in said]), item
                    else:
                        assert not said_about(item, [f.message for f in said]), item
                    missing += item["status"] == "missing"
    # as many findings for missing items as the summary says: the rest are in their folder
    assert document["summary"].get("missing", 0) - document["in_missing_folders"] == len(
        [f for f in said if "is missing" in f.message and "here:" not in f.message]
    )
    assert missing == document["summary"].get("missing", 0)
