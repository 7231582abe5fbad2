"""``papershelf plan``: the plan's reading order, each item marked against the repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from organize_repo import PLAN_MOJIBAKE, PLAN_RU, ZIP_BYTES, make_repo
from papershelf.cli import main
from papershelf.plan import parse

PLAN_FILE = "00_The_Guidebook_&_Roadmap/README_Reading_Order.md"
COURSE = "06_Engineering_&_Tuning/Разработка LLM с нуля"
SSM = "02_Model_Backbones/02_Post_Transformer_&_SSM"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """In a sub-folder: the plan, some papers, one misfiled, two only in archives."""
    base = "llm/papers/"
    return make_repo(
        tmp_path / "Учёба & код",
        {
            base + PLAN_FILE: PLAN_RU.read_bytes(),
            base
            + "02_Model_Backbones/01_Transformer_Evolution/Attention Is All You Need.pdf": b"%PDF",
            base
            + "02_Model_Backbones/01_Transformer_Evolution/The Llama 3 Herd of Models.pdf": b"",
            base + "xx_prompting/Chain-of-Thought Prompting.pdf": b"%PDF",
            base + "06_Engineering_&_Tuning/LoRA.zip": ZIP_BYTES,
            base + COURSE + ".rar": b"Rar!\x1a\x07\x01\x00",
            base + "01_Data_Centric_AI/02_Data_Filtering_Quality/.gitkeep": b"",
            base + "01_Data_Centric_AI/04_Instruction_Tuning_Data/UltraChat/train.json": "{}",
        },
    )


def test_tree_of_the_shipped_plan(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(study)]) == 0
    assert (
        capsys.readouterr().out
        == f"""\
⚡ Алгоритм изучения (Action Plan)
plan: llm/papers/{PLAN_FILE}

🚦 Фаза 0: Инициализация
  [present]   {PLAN_FILE}
  [missing]   "AI Engineering Guidebook"

🚀 Фаза 1: Линейное погружение
  Шаг 0. Если вообще понятия нет ни о чем
    [archived]  {COURSE}  (only inside llm/papers/{COURSE}.rar)
  Шаг 1. Архитектурный минимум
    [present]   02_Model_Backbones/01_Transformer_Evolution
    [present]   "Attention is all you need"  (at llm/papers/02_Model_Backbones/\
01_Transformer_Evolution/Attention Is All You Need.pdf)
    [empty]     "Llama 3 Herd of Models"  (at llm/papers/02_Model_Backbones/\
01_Transformer_Evolution/The Llama 3 Herd of Models.pdf)
  Шаг 2. Культ Данных
    [present]   01_Data_Centric_AI
    [missing]   "Quality is All You Need"
    [empty]     02_Data_Filtering_Quality
    [missing]   "Textbooks Are All You Need"  (in llm/papers/01_Data_Centric_AI/\
03_Synthetic_Data, which is missing)
    [missing]   03_Synthetic_Data
    [present]   04_Instruction_Tuning_Data/UltraChat
  Шаг 3. Тюнинг
    [present]   06_Engineering_&_Tuning
    [archived]  "LoRA"  (only inside llm/papers/06_Engineering_&_Tuning/LoRA.zip)

⚔️ Фаза 2: Специализация
  Ветка A: Architect & Mathematical Physicist
    [missing]   02_Model_Backbones/02_Post_Transformer_&_SSM
    [missing]   "Mamba-1"  (in llm/papers/{SSM}, which is missing)
    [missing]   "Transformers are SSMs (Mamba-2)"  (in llm/papers/{SSM}, which is missing)
  Ветка B: Reasoning & Agentic Researcher
    [missing]   03_Reasoning_Architectures
    [misplaced] "Chain-of-Thought Prompting"  (found in llm/papers/xx_prompting/\
Chain-of-Thought Prompting.pdf)
    [missing]   "DeepSeek-R1"  (in llm/papers/03_Reasoning_Architectures, which is missing)
    [missing]   04_Agentic_Systems_&_MCP
    [missing]   "Voyager"  (in llm/papers/04_Agentic_Systems_&_MCP, which is missing)

🧠 Методика чтения (Scientific Method)
  [present]   UltraChat  (at llm/papers/01_Data_Centric_AI/04_Instruction_Tuning_Data/UltraChat)

⚠️ Правила работы с репозиторием
  [present]   06_Engineering  (at llm/papers/06_Engineering_&_Tuning)

24 items: 8 present, 11 missing (5 in missing folders), 1 misplaced, 2 archived, 2 empty
"""
    )


def test_json_for_tools(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--format", "json", str(study)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["version"] == 1
    assert document["plan"] == f"llm/papers/{PLAN_FILE}"
    assert document["structured"] is True
    phases = document["phases"]
    assert [phase["title"] for phase in phases][:3] == [
        "🚦 Фаза 0: Инициализация",
        "🚀 Фаза 1: Линейное погружение",
        "⚔️ Фаза 2: Специализация",
    ]
    step_two = phases[1]["steps"][2]
    assert step_two["title"] == "Шаг 2. Культ Данных"
    assert step_two["items"][2] == {
        "kind": "folder",
        "name": "02_Data_Filtering_Quality",
        "line": 42,
        "path": "01_Data_Centric_AI/02_Data_Filtering_Quality",
        "status": "empty",
        "where": "llm/papers/01_Data_Centric_AI/02_Data_Filtering_Quality",
        "step": "Phase 1, step 2.1",
        "how": "path",
        "read": None,
        "missing_folder": None,
    }
    mamba = phases[2]["steps"][0]["items"][1]
    assert (mamba["name"], mamba["status"]) == ("Mamba-1", "missing")
    assert mamba["missing_folder"] == f"llm/papers/{SSM}"  # reported with it: one finding
    assert document["in_missing_folders"] == 5
    assert document["summary"] == {
        "present": 8,
        "missing": 11,
        "misplaced": 1,
        "archived": 2,
        "empty": 2,
    }
    assert document["reading"] == {"read": 0, "unread": 0}


def test_markdown_checklist(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--format", "markdown", str(study)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "# ⚡ Алгоритм изучения (Action Plan)"
    assert "### Шаг 1. Архитектурный минимум" in out
    assert "- [x] `02_Model_Backbones/01_Transformer_Evolution`" in out
    assert f"- [ ] **Mamba-1** — missing (in `llm/papers/{SSM}`, which is missing)" in out
    assert (
        "- [ ] **Chain-of-Thought Prompting** — misplaced (found in "
        "`llm/papers/xx_prompting/Chain-of-Thought Prompting.pdf`)"
    ) in out


def test_mojibake_plan_is_read_repaired(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {"00_The_Guidebook_&_Roadmap/.gitkeep": "", "HOW_TO_READ.md": PLAN_MOJIBAKE.read_bytes()},
    )
    assert main(["plan", str(repo)]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        "note: the plan file is mojibake (UTF-8 read as Mac Roman); read it repaired\n"
    )
    assert captured.out.startswith("⚡ Алгоритм изучения (Action Plan)\nplan: HOW_TO_READ.md\n")


def test_without_a_plan_file_the_shipped_plan_is_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", {"03_Reasoning_Architectures/DeepSeek-R1.pdf": b"%PDF"})
    assert main(["plan", str(repo)]) == 0
    captured = capsys.readouterr()
    assert captured.err == "note: no plan file in the repository: showing the rule set's plan\n"
    assert '    [present]   "DeepSeek-R1"  (at 03_Reasoning_Architectures/DeepSeek-R1.pdf)' in (
        captured.out.splitlines()
    )


def test_an_unknown_plan_degrades_to_a_flat_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "repo", {"notes/math/linear.md": "x"})
    other = tmp_path / "mine.md"
    other.write_text(
        'Read `notes/math` first, then **"Deep Learning"**, then `notes/physics/`.\n',
        encoding="utf-8",
    )
    assert main(["plan", "--plan", str(other), str(repo)]) == 0
    assert (
        capsys.readouterr().out
        == f"""\
plan: {other}

[present]   notes/math
[missing]   "Deep Learning"
[missing]   notes/physics

3 items: 1 present, 2 missing
"""
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('#*`"/_ \n-1.аbЁ|>[]()«»~')), max_size=300))
def test_parser_never_crashes(text: str) -> None:
    plan = parse(text, {"01_a"})
    for item in plan.items():
        assert item.kind in ("folder", "file", "paper")


def test_a_folder_filed_in_another_section_is_misplaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            PLAN_FILE: PLAN_RU.read_bytes(),
            "xx_prompting/03_Synthetic_Data/notes.md": "x",
            "02_Model_Backbones/Ultrachat/data.json": "{}",
        },
    )
    assert main(["plan", str(repo)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "    [misplaced] 03_Synthetic_Data  (found in xx_prompting/03_Synthetic_Data)" in out
    assert (
        "    [misplaced] 04_Instruction_Tuning_Data/UltraChat  (found in "
        "02_Model_Backbones/Ultrachat)"
    ) in out


def test_markdown_checklist_shows_an_online_paper_s_link_as_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {"STUDY_PLAN.md": "# Plan\n\n- [Vision Transformer](https://arxiv.org/abs/2010.11929)\n"},
    )
    assert main(["plan", "--format", "markdown", str(repo)]) == 0
    assert (
        "- [ ] **Vision Transformer** — online (online: `https://arxiv.org/abs/2010.11929`)"
        in capsys.readouterr().out.splitlines()
    )


def test_explain_traces_the_parse_the_check_uses_mojibake_repaired(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--explain` names the same items as `plan`: the repaired text's, not the gibberish's."""
    repo = make_repo(
        tmp_path / "repo",
        {"00_The_Guidebook_&_Roadmap/.gitkeep": "", "HOW_TO_READ.md": PLAN_MOJIBAKE.read_bytes()},
    )
    assert main(["plan", "--format", "json", str(repo)]) == 0
    document = json.loads(capsys.readouterr().out)
    names = [
        item["name"]
        for phase in document["phases"]
        for step in phase["steps"]
        for item in step["items"]
    ]
    assert main(["plan", "--explain", str(repo)]) == 0
    trace = capsys.readouterr().out
    assert "Attention is all you need" in names
    assert all(f'"{name}"' in trace or name in trace for name in names)


def test_no_plan_is_one_answer_from_plan_and_repo_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A list of papers in an unusual file names nothing where it stands: both commands
    say no plan was found and how to name it (the plan view showed it with "0 items")."""
    from papershelf.cli import repo_check_main
    from papershelf.plan.layout import NO_PLAN_HINT

    files = {
        "notes/reading-list.md": "# My list\n\n## Week 1: `week1`\n"
        "- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n",
        "papers/week1/Attention Is All You Need.pdf": b"%PDF-1.4\n",
    }
    repo = make_repo(tmp_path / "r", files)
    assert main(["plan", str(repo)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"papershelf: error: no reading plan found: {NO_PLAN_HINT}, or pass one with --plan\n"
    )
    assert repo_check_main([str(repo)]) == 0
    assert f"no reading plan found, so only the hygiene rules ran\n  hint: {NO_PLAN_HINT}\n" in (
        capsys.readouterr().out
    )
    (repo / ".papershelf.toml").write_text('plan = "notes/reading-list.md"\nroot = "papers"\n')
    assert main(["plan", str(repo)]) == 0
    assert capsys.readouterr().out.endswith("2 items: 2 present\n")
