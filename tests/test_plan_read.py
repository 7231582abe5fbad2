"""Read status from a task-list plan, and ``papershelf plan --mark-read TITLE``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from organize_repo import make_repo
from papershelf.cli import main

PLAN = """\
# Учебный план

## Phase 1: Basics

### Step 1. Transformers

Go to `01_Basics`.

- [x] **"Attention is all you need"**
- [ ] **"LoRA"**
1. [ ] Read **"Разработка LLM с нуля"**
- **"Voyager"**
"""


def study(root: Path, plan: bytes) -> Path:
    return make_repo(
        root,
        {
            ".papershelf.toml": 'plan = "План.md"\n',
            "План.md": plan,
            "01_Basics/LoRA.pdf": b"%PDF lora",
        },
    )


def mark(repo: Path, title: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["plan", "--mark-read", title, str(repo)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_views_show_read_beside_present(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = study(tmp_path / "Учёба", PLAN.encode())
    assert main(["plan", str(repo)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert '    [missing]   "Attention is all you need"  · read' in out
    assert '    [present]   "LoRA"  (at 01_Basics/LoRA.pdf)  · unread' in out
    assert '    [missing]   "Voyager"' in out
    assert out[-1] == "5 items: 2 present, 3 missing; 1 read, 2 unread"
    assert main(["plan", "--format", "markdown", str(repo)]) == 0
    assert "- [x] **LoRA** (at `01_Basics/LoRA.pdf`) · unread" in capsys.readouterr().out
    assert main(["plan", "--format", "json", str(repo)]) == 0
    document = json.loads(capsys.readouterr().out)
    items = document["phases"][0]["steps"][0]["items"]
    assert [(item["name"], item["read"]) for item in items] == [
        ("01_Basics", None),
        ("Attention is all you need", True),
        ("LoRA", False),
        ("Разработка LLM с нуля", False),
        ("Voyager", None),
    ]
    assert document["reading"] == {"read": 1, "unread": 2}


def test_mark_read_ticks_one_box_in_a_crlf_cyrillic_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = PLAN.replace("\n", "\r\n").encode()
    repo = study(tmp_path / "Учёба", before)
    assert mark(repo, "разработка llm с нуля", capsys) == (
        0,
        'marked read: "Разработка LLM с нуля" (План.md:11)\n',
        "",
    )
    expected = before.replace(
        '1. [ ] Read **"Разработка'.encode(), '1. [x] Read **"Разработка'.encode()
    )
    assert expected != before
    assert (repo / "План.md").read_bytes() == expected
    assert main(["plan", "--format", "json", str(repo)]) == 0
    assert json.loads(capsys.readouterr().out)["reading"] == {"read": 2, "unread": 1}


def test_mark_read_on_a_last_line_without_newline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (PLAN.rstrip("\n").replace('- **"Voyager"**', '* [ ] **"Voyager"**')).encode()
    repo = study(tmp_path / "repo", before)
    assert mark(repo, "Voyager", capsys)[:2] == (0, 'marked read: "Voyager" (План.md:12)\n')
    data = (repo / "План.md").read_bytes()
    assert data == before[: -len(b'[ ] **"Voyager"**')] + b'[x] **"Voyager"**'


def test_line_numbers_count_lines_as_the_parser_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = PLAN.replace("Go to `01_Basics`.", "Go to\u2028`01_Basics`.\x0cthen read:").encode()
    repo = study(tmp_path / "repo", before)
    assert mark(repo, "LoRA", capsys)[:2] == (0, 'marked read: "LoRA" (План.md:12)\n')
    assert (repo / "План.md").read_bytes() == before.replace(
        b'- [ ] **"LoRA"**', b'- [x] **"LoRA"**'
    )


def test_already_read_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = study(tmp_path / "repo", PLAN.encode())
    plan = repo / "План.md"
    stamp = plan.stat().st_mtime_ns, plan.stat().st_ino
    assert mark(repo, "Attention is all you need", capsys) == (
        0,
        'already read: "Attention is all you need" (План.md:9)\n',
        "",
    )
    assert plan.read_bytes() == PLAN.encode()
    assert (plan.stat().st_mtime_ns, plan.stat().st_ino) == stamp


@pytest.mark.parametrize(
    ("title", "error"),
    [
        (
            "Voyager",
            'План.md:12: "Voyager" is not a task-list item; write the line as `- [ ] …` '
            "to track reading",
        ),
        ("Lora 2", "nothing named 'Lora 2' in the plan file; did you mean 'LoRA'?"),
    ],
)
def test_mark_read_errors_leave_the_plan_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], title: str, error: str
) -> None:
    repo = study(tmp_path / "repo", PLAN.encode())
    assert mark(repo, title, capsys) == (1, "", f"papershelf: error: {error}\n")
    assert (repo / "План.md").read_bytes() == PLAN.encode()
    assert sorted(p.name for p in repo.iterdir()) == [
        ".git",
        ".papershelf.toml",
        "01_Basics",
        "План.md",
    ]


def test_plan_sub_commands_do_what_the_old_options_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`plan explain|mark-read|badge|update|show` and `plan --explain …` give one answer."""
    pairs = [
        (["plan", "explain"], ["plan", "--explain"]),
        (["plan", "show", "--format", "json"], ["plan", "--format", "json"]),
    ]
    repo = study(tmp_path / "r", PLAN.encode())
    for new, old in pairs:
        assert main([*new, str(repo)]) == 0
        by_new = capsys.readouterr().out
        assert main([*old, str(repo)]) == 0
        assert by_new == capsys.readouterr().out
    assert main(["plan", "badge", str(tmp_path / "b.svg"), str(repo)]) == 0
    assert capsys.readouterr().out == f"wrote {tmp_path / 'b.svg'}: reading plan 2/5\n"
    assert main(["plan", "mark-read", "Voyager", str(repo)]) == 1
    assert "is not a task-list item" in capsys.readouterr().err
    assert main(["plan", "mark-read", "LoRA", str(repo)]) == 0
    assert "- [x] " in (repo / "План.md").read_text(encoding="utf-8").split("LoRA")[0][-30:]
