"""``papershelf plan --update FILE``: the plan block in a README, and nothing else, rewritten."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from page_dom import study_repo
from papershelf.cli import main

BEGIN, END = "<!-- papershelf:plan -->", "<!-- /papershelf:plan -->"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    return study_repo(tmp_path / "Учёба & код")


def update(repo: Path, readme: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["plan", "--update", str(readme), str(repo)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def block_of(text: str) -> str:
    return text.split(BEGIN, 1)[1].split(END, 1)[0]


def test_the_block_holds_a_progress_line_and_the_checklist(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = study / "README.md"
    readme.write_text(f"# Notes\n\n{BEGIN}\n{END}\n", encoding="utf-8")
    assert update(study, readme, capsys) == f"updated {readme}\n"
    lines = block_of(readme.read_text(encoding="utf-8")).split("\n")
    assert lines[:10] == [
        "",
        "⚡ Алгоритм изучения (Action Plan): [`00_The_Guidebook_&_Roadmap/README_Reading_Order.md`]"
        "(00_The_Guidebook_%26_Roadmap/README_Reading_Order.md)",
        "",
        "**Progress: 8/24 present** (33%) · 1 empty · 1 archived · 1 misplaced · 13 missing"
        " (6 in missing folders) · 1/2 read",
        "",
        "**🚦 Фаза 0: Инициализация**",
        "",
        "- [x] `00_The_Guidebook_&_Roadmap/README_Reading_Order.md`",
        "- [ ] **AI Engineering Guidebook** — missing",
        "",
    ]
    assert (
        "- [x] **Attention is all you need** — at "
        "`02_Model_Backbones/01_Transformer_Evolution/Attention Is All You Need.pdf` · read"
    ) in lines
    assert (
        "- [ ] **Llama 3 Herd of Models** — empty: "
        "`02_Model_Backbones/01_Transformer_Evolution/The Llama 3 Herd of Models.pdf` · unread"
    ) in lines
    assert "- [ ] **LoRA** — archived: only inside `06_Engineering_&_Tuning/LoRA.zip`" in lines
    assert (
        "- [ ] **Mamba-1** — missing (in `02_Model_Backbones/02_Post_Transformer_&_SSM`, "
        "which is missing)"
    ) in lines
    assert lines[-1] == ""


def test_a_second_update_changes_nothing(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = study / "README.md"
    readme.write_text(f"intro\n{BEGIN}\nold text\n{END}\noutro\n", encoding="utf-8")
    update(study, readme, capsys)
    first = readme.read_bytes()
    stamp = readme.stat().st_mtime_ns, readme.stat().st_ino
    assert update(study, readme, capsys) == f"{readme} is up to date\n"
    assert readme.read_bytes() == first
    assert (readme.stat().st_mtime_ns, readme.stat().st_ino) == stamp  # not even rewritten


def test_crlf_and_cyrillic_outside_the_block_kept_byte_for_byte(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = "# Моя учёба\r\n\r\nТекст — «до» блока.\r\n"
    after = "\r\nПосле блока: ёжик.\r\n"
    crlf = study / "README.md"
    crlf.write_bytes(f"{before}{BEGIN}\r\nстарое\r\n{END}{after}".encode())
    lf = study / "lf.md"
    lf.write_bytes(f"{BEGIN}\n{END}".encode())
    update(study, crlf, capsys)
    update(study, lf, capsys)
    data = crlf.read_bytes()
    assert data.startswith(f"{before}{BEGIN}\r\n".encode())
    assert data.endswith(f"{END}{after}".encode())
    body = block_of(data.decode("utf-8"))
    assert body == block_of(lf.read_text(encoding="utf-8")).replace("\n", "\r\n")
    assert "\n" not in body.replace("\r\n", "")


def test_a_block_at_the_end_without_a_final_newline_stays_so(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = study / "README.md"
    readme.write_bytes(f"Прогресс:\n{BEGIN}\n{END}".encode())
    update(study, readme, capsys)
    data = readme.read_bytes()
    assert data.startswith(f"Прогресс:\n{BEGIN}\n".encode())
    assert data.endswith(f"\n{END}".encode())
    assert update(study, readme, capsys) == f"{readme} is up to date\n"


@pytest.mark.parametrize(
    ("content", "where", "error"),
    [
        (
            "# no block\n",
            "",
            f"no {BEGIN} block; add a line {BEGIN} and a line {END} where the plan should go",
        ),
        (f"a\n{BEGIN}\nb\n", ":2", f"{BEGIN} is never closed by {END}"),
        (f"{BEGIN}\n{END}\n\n{BEGIN}\n{END}\n", ":4", f"a second {BEGIN}; keep one block"),
        (  # a marker counts only on a line of its own
            f"a\nsee: {BEGIN}{END} (kept)\n",
            "",
            f"no {BEGIN} block; add a line {BEGIN} and a line {END} where the plan should go",
        ),
    ],
)
def test_a_file_without_one_closed_block_is_an_error_and_untouched(
    study: Path, capsys: pytest.CaptureFixture[str], content: str, where: str, error: str
) -> None:
    readme = study / "README.md"
    readme.write_text(content, encoding="utf-8")
    listed = sorted(os.listdir(study))
    assert main(["plan", "--update", str(readme), str(study)]) == 1
    assert capsys.readouterr().err == f"papershelf: error: {readme}{where}: {error}\n"
    assert readme.read_text(encoding="utf-8") == content
    assert sorted(os.listdir(study)) == listed


def test_a_file_that_is_not_utf8_is_an_error(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = study / "README.md"
    readme.write_bytes(f"{BEGIN}\n{END}\nУчёба\n".encode("cp1251"))
    assert main(["plan", "--update", str(readme), str(study)]) == 1
    assert capsys.readouterr().err == f"papershelf: error: {readme}: not UTF-8 text (byte 51)\n"
