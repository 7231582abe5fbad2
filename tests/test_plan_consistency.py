"""The plan view and the plan rules read one model: they cannot disagree.

Every item ``papershelf plan`` marks missing, misplaced, archived or empty is
reported by exactly one finding of ``missing-path``, ``missing-paper`` or
``empty-file`` — its own, or that of the missing folder it sits in, which names
it — and every finding of the plan rules has its item. ``plan-reference``
reports a written path that leads nowhere only when no missing folder or missing
paper already explains it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitrepo import COMPLETE_PLAN, make_repo
from papershelf import workspace
from papershelf.check.engine import check_workspace
from papershelf.cli import main
from papershelf.findings import Finding
from papershelf.plan.model import Item, ReadingPlan
from papershelf.plan.names import DOCUMENT_SUFFIXES
from papershelf.plan.status import plan_status

PLAN_RULES = {"missing-path", "missing-paper", "empty-file", "plan-reference"}
STATUS_RULES = PLAN_RULES - {"plan-reference"}
ZIP_BYTES = b"PK\x05\x06" + b"\0" * 18


def untidy() -> dict[str, str | bytes]:
    files = {
        path: content
        for path, content in COMPLETE_PLAN.items()
        if not path.startswith(("01_Data_Centric_AI/03", "04_", "06_Engineering_&_Tuning/LoRA"))
    }
    files["xx_prompting/03_Synthetic_Data/notes.md"] = "x"
    files["02_Model_Backbones/01_Transformer_Evolution/Attention is all you need.pdf"] = b""
    files["06_Engineering_&_Tuning/LoRA.zip"] = ZIP_BYTES
    files["03_Reasoning_Architectures/DeepSeek-R1.pdf"] = b"%PDF"
    files["xx_prompting/DeepSeek-R1 (copy).pdf"] = b"%PDF"
    return files


GONE_PLAN = """\
# Reading plan

## Phase 1: Basics

### Step 1. Tokens

Go to `basics/tokens`:

1. **"Byte Pair Encoding"**
2. [SentencePiece](basics/tokens/sentencepiece.pdf)
3. Exercises in `basics/tokens/exercises`, then **"WordPiece"** there.

### Step 2. Embeddings

Go to `basics/embeddings`:

- **"Word2Vec"**
- **"GloVe"**
- **"fastText"**
- **"ELMo"**

## Phase 2: Models

### Step 3. Attention

Go to `models/attention` and read **"Attention Is All You Need"**.

### Step 4. Practice

Open `models/lab` and read **"Lab Manual"** there.
"""


def gone_folders() -> dict[str, str | bytes]:
    """Folders the plan names that are missing, with papers, a linked paper and a folder
    inside; one folder only in an archive; a present step beside them."""
    return {
        "STUDY_PLAN.md": GONE_PLAN,
        "models/attention/Attention Is All You Need.pdf": b"%PDF-1.4 attention",
        "models/lab.zip": ZIP_BYTES,
    }


def expected_path(plan: ReadingPlan, item: Item) -> str:
    return plan.expected(item)


def paper_folder(plan: ReadingPlan, item: Item) -> str:
    path = expected_path(plan, item)
    return path.rpartition("/")[0] if path.lower().endswith(DOCUMENT_SUFFIXES) else path


def reports(plan: ReadingPlan, item: Item, finding: Finding) -> bool:
    """Whether ``finding`` is the one that reports ``item``: by its path, its line, or the
    missing folder it sits in — which then names it, when it is a paper."""
    path = expected_path(plan, item)
    if finding.rule == "plan-reference":
        return finding.path == item.plan_file and finding.line == item.line
    if finding.rule == "missing-path":
        if item.gone is not None and finding.path == item.gone:
            return (
                item.kind != "paper"
                or f'"{item.name}"' in finding.message
                or (
                    "more" in finding.message  # beyond the first few named: counted
                )
            )
        return item.gone is None and finding.path == path  # plan_root unknown: no nesting
    if finding.rule == "missing-paper":
        named = f'"{item.name}"' in finding.message
        return named and finding.path in (paper_folder(plan, item), item.where, ".")
    return finding.path in (path, item.where)  # empty-file


def flagged(plans: list[ReadingPlan]) -> list[tuple[ReadingPlan, Item]]:
    return [
        (plan, item)
        for plan in plans
        for item in plan.all_items()
        if item.required
        and (
            item.status in ("missing", "misplaced", "archived")
            or (item.status == "empty" and item.kind in ("file", "paper"))
            or not item.resolves
        )
    ]


@pytest.mark.parametrize(
    "files",
    [COMPLETE_PLAN, untidy(), gone_folders()],
    ids=["complete", "untidy", "gone-folders"],
)
def test_every_flagged_item_has_exactly_one_finding_and_back(
    tmp_path: Path, files: dict[str, str | bytes]
) -> None:
    here = workspace.load(make_repo(tmp_path / "r", files))
    findings = [f for f in check_workspace(here).findings if f.rule in PLAN_RULES]
    plans = plan_status(here.snapshot, here.config, here.layout)
    items = flagged(plans)
    for plan, item in items:
        by_status = [f for f in findings if f.rule in STATUS_RULES and reports(plan, item, f)]
        by_line = [f for f in findings if f.rule == "plan-reference" and reports(plan, item, f)]
        if item.status in ("missing", "misplaced", "archived", "empty"):
            assert len(by_status) == 1, f"{item} is reported by {by_status}"
        else:  # there, but its written path leads nowhere (an abbreviated folder name)
            assert by_status == [], item
        if item.gone is not None or (item.kind == "paper" and item.status == "missing"):
            # its missing folder, or missing-paper, says it: not once more on its line
            assert by_line == [], f"{item} is reported again by {by_line}"
        elif not item.resolves and item.kind != "paper":
            assert len(by_line) == 1, f"{item} has no plan-reference finding"
    for finding in findings:
        assert any(reports(plan, item, finding) for plan, item in items), f"no item for {finding}"
    if files is COMPLETE_PLAN:
        assert [f.rule for f in findings] == ["plan-reference"]  # `06_Engineering`, line 86
    else:
        assert any(item.gone for _, item in items)


def test_plan_counts_the_missing_as_repo_check_reports_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "r", gone_folders())
    assert main(["plan", "--format", "json", str(repo)]) == 0
    document = json.loads(capsys.readouterr().out)
    here = workspace.load(repo)
    findings = [f for f in check_workspace(here).findings if f.rule in PLAN_RULES]
    assert [(f.rule, f.path, f.severity.label) for f in findings] == [
        ("missing-path", "basics/embeddings", "error"),
        ("missing-path", "basics/tokens", "error"),
        ("missing-path", "models/lab", "warning"),
    ]
    assert [f.message for f in findings] == [
        "the plan's folder `basics/embeddings` is missing, and with it 4 papers the plan reads "
        'from it: "Word2Vec", "GloVe", "fastText" and 1 more',
        "the plan's folder `basics/tokens` is missing, and with it 3 papers the plan reads "
        'from it: "Byte Pair Encoding", "SentencePiece", "WordPiece"',
        "the plan's folder `models/lab` exists only as the archive `models/lab.zip`, and with "
        'it the paper the plan reads from it: "Lab Manual"',
    ]
    items = [
        item for phase in document["phases"] for step in phase["steps"] for item in step["items"]
    ]
    missing = [item for item in items if item["status"] == "missing"]
    # every missing item is one of the findings, or inside the folder one of them reports
    for item in missing:
        folder = item["missing_folder"] or item["path"]
        assert folder in [f.path for f in findings], item
    inside = [item for item in missing if item["missing_folder"]]
    assert document["in_missing_folders"] == len(inside) == 9
    assert document["summary"]["missing"] - document["in_missing_folders"] == 2
    assert main(["plan", str(repo)]) == 0
    text = capsys.readouterr().out
    assert '"Byte Pair Encoding"  (in basics/tokens, which is missing)' in text
    assert '"Lab Manual"  (in models/lab, which is only inside models/lab.zip)' in text
    assert text.endswith("14 items: 2 present, 11 missing (9 in missing folders), 1 archived\n")


def test_a_warm_run_reads_the_status_back_and_a_changed_plan_is_read_again(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    repo = make_repo(tmp_path / "r", {"STUDY_PLAN.md": "1. `notes/a`\n", "notes/a/x.md": "x"})
    probe = (
        "import sys, pathlib; from papershelf.check.engine import run_check; "
        "found = run_check(pathlib.Path(sys.argv[1])).findings; "
        "print(sorted(f.rule for f in found), 'papershelf.plan.tree' in sys.modules)"
    )

    def run() -> str:
        return subprocess.run(
            [sys.executable, "-c", probe, str(repo)], capture_output=True, text=True, check=True
        ).stdout.strip()

    assert run() == "[] True"  # the first run reads the plan
    assert run() == "[] False"  # the next one takes its status from the cache
    (repo / "STUDY_PLAN.md").write_text("1. `notes/b`\n", encoding="utf-8")
    assert run() == "['missing-path'] True"  # the folder, once: not again on its line


GLOB_PLANS: dict[str, str | bytes] = {
    ".papershelf.toml": 'plan = ["**/README.md"]\n',
    "README.md": "# Course\n\n1. `vision` first\n",
    "vision/README.md": "# Vision\n\n1. [Swin Transformer](swin.pdf)\n2. `no/such/dir/`\n",
    "vision/Swin Transformer.pdf": b"%PDF-1.4 swin",
}


@pytest.mark.parametrize("files", [COMPLETE_PLAN, GLOB_PLANS], ids=["short-name", "glob"])
def test_plan_and_repo_check_give_one_answer_per_plan_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str | bytes]
) -> None:
    """A line `plan` shows found is never one repo-check says "resolves to nothing": the
    finding names where the plan view shows it."""
    repo = make_repo(tmp_path / "r", files)
    assert main(["plan", "--format", "json", str(repo)]) == 0
    document = json.loads(capsys.readouterr().out)
    shown: dict[tuple[str, int], dict[str, str | None]] = {}
    for plan in document.get("plans", [document]):
        for phase in plan["phases"]:
            for step in phase["steps"]:
                for item in step["items"]:
                    at = shown.setdefault((plan["plan"], item["line"]), {})
                    at[item["status"]] = item["where"]
    findings = check_workspace(workspace.load(repo)).findings
    references = [f for f in findings if f.rule == "plan-reference"]
    assert references
    for finding in references:
        assert finding.line is not None
        statuses = shown.get((finding.path, finding.line), {})
        found = {s: w for s, w in statuses.items() if s in ("present", "empty", "misplaced")}
        if "resolves to nothing" in finding.message:
            assert not found, (finding, statuses)
        else:
            assert [f"is at `{w}`" in finding.message for w in found.values()] == [True]
