"""The plan view and the plan rules read one model: they cannot disagree.

Every item ``papershelf plan`` marks missing, misplaced, archived or empty has
its finding, and every finding of the plan rules has its item.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest

from gitrepo import COMPLETE_PLAN, make_repo
from papershelf import workspace
from papershelf.engine import check_workspace
from papershelf.findings import Finding
from papershelf.readingplan.model import Item, ReadingPlan
from papershelf.readingplan.status import plan_status

PLAN_RULES = {"missing-path", "missing-paper", "empty-file", "plan-reference"}
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


def expected_path(plan: ReadingPlan, item: Item) -> str:
    return posixpath.join(plan.root, item.path or "") if plan.root else item.path or ""


def has_finding(plan: ReadingPlan, item: Item, findings: list[Finding]) -> bool:
    path = expected_path(plan, item)
    for finding in findings:
        if finding.rule == "plan-reference" and finding.line == item.line:
            return True
        if finding.path in (path, item.where) or path.startswith(finding.path + "/"):
            return True
    return False


@pytest.mark.parametrize("files", [COMPLETE_PLAN, untidy()], ids=["complete", "untidy"])
def test_every_flagged_item_has_its_finding_and_back(
    tmp_path: Path, files: dict[str, str | bytes]
) -> None:
    here = workspace.load(make_repo(tmp_path / "r", files))
    findings = [f for f in check_workspace(here).findings if f.rule in PLAN_RULES]
    plans = plan_status(here.snapshot, here.config, here.layout)
    items = [(plan, item) for plan in plans for item in plan.all_items()]
    flagged = [
        (plan, item)
        for plan, item in items
        if item.required
        and (
            item.status in ("missing", "misplaced", "archived")
            or (item.status == "empty" and item.kind in ("file", "paper"))
            or not item.resolves
        )
    ]
    for plan, item in flagged:
        assert has_finding(plan, item, findings), f"no finding for {item}"
    for finding in findings:
        assert any(has_finding(plan, item, [finding]) for plan, item in flagged), (
            f"no item for {finding}"
        )
    assert flagged if files is not COMPLETE_PLAN else len(findings) == 1


def test_a_warm_run_reads_the_status_back_and_a_changed_plan_is_read_again(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    repo = make_repo(tmp_path / "r", {"STUDY_PLAN.md": "1. `notes/a`\n", "notes/a/x.md": "x"})
    probe = (
        "import sys, pathlib; from papershelf.engine import run_check; "
        "found = run_check(pathlib.Path(sys.argv[1])).findings; "
        "print(sorted(f.rule for f in found), 'papershelf.readingplan.markdown' in sys.modules)"
    )

    def run() -> str:
        return subprocess.run(
            [sys.executable, "-c", probe, str(repo)], capture_output=True, text=True, check=True
        ).stdout.strip()

    assert run() == "[] True"  # the first run reads the plan
    assert run() == "[] False"  # the next one takes its status from the cache
    (repo / "STUDY_PLAN.md").write_text("1. `notes/b`\n", encoding="utf-8")
    assert run() == "['missing-path', 'plan-reference'] True"
