"""The plan rules on real repositories: each triggered, and each quiet when all is well."""

from __future__ import annotations

from pathlib import Path

from checking import findings, summary
from gitrepo import COMPLETE_PLAN, GUIDE, PLAN_FILE, git, make_repo
from papershelf.cli import repo_check_main

TRANSFORMERS = "02_Model_Backbones/01_Transformer_Evolution"


def without(*prefixes: str) -> dict[str, str | bytes]:
    return {p: c for p, c in COMPLETE_PLAN.items() if not p.startswith(prefixes)}


def test_missing_path_quiet_on_a_complete_plan(tmp_path: Path) -> None:
    assert summary(make_repo(tmp_path / "r", COMPLETE_PLAN), "missing-path") == []


def test_missing_path_suggests_a_near_match(tmp_path: Path) -> None:
    files = without(TRANSFORMERS)
    files["02_Model_Backbones/01_Transformer_Evolution & foundations core/x.pdf"] = b"%PDF"
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "missing-path") == [
        (
            TRANSFORMERS,
            "error",
            f"the plan's folder `{TRANSFORMERS}` is missing "
            "(did you mean `01_Transformer_Evolution & foundations core`?), and with it 2 papers "
            'the plan reads from it: "Attention is all you need", "Llama 3 Herd of Models"',
        )
    ]


def test_missing_section_reported_once_not_per_subfolder(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", without("01_Data_Centric_AI"))
    assert summary(repo, "missing-path") == [
        (
            "01_Data_Centric_AI",
            "error",
            "the plan's folder `01_Data_Centric_AI` is missing, and with it 2 papers the plan "
            'reads from it: "Quality is All You Need", "Textbooks Are All You Need"',
        )
    ]
    assert summary(repo, "missing-paper") == []  # the papers inside: with their folder
    lines_naming_it = [f for f in summary(repo, "plan-reference") if "01_Data" in f[2]]
    assert lines_naming_it == []  # the plan's lines naming it: the same finding


def test_a_missing_folder_names_the_first_papers_and_counts_the_rest(tmp_path: Path) -> None:
    plan = (
        "# Plan\n## Phase 1\n### Step 1\nGo to `reading/week1`:\n"
        + "".join(f'- **"Paper number {n}"**\n' for n in range(1, 6))
        + "- [Sixth paper](reading/week1/sixth.pdf)\n"
    )
    repo = make_repo(tmp_path / "r", {"STUDY_PLAN.md": plan, "notes.md": "x\n"})
    assert summary(repo, "missing-path") == [
        (
            "reading/week1",
            "error",
            "the plan's folder `reading/week1` is missing, and with it 6 papers the plan reads "
            'from it: "Paper number 1", "Paper number 2", "Paper number 3" and 3 more',
        )
    ]
    assert summary(repo, "missing-paper") == summary(repo, "plan-reference") == []


def test_folder_present_only_as_archive_points_to_extract(tmp_path: Path) -> None:
    course = "06_Engineering_&_Tuning/Разработка LLM с нуля"
    files = without(course)
    files[course + ".rar"] = b"Rar!\x1a\x07\x01\x00" + b"\0" * 10
    repo = make_repo(tmp_path / "r", files)
    found = summary(repo, "missing-path")
    assert found == [
        (
            course,
            "warning",
            f"the plan's folder `{course.split('/', 1)[0]}/Разработка LLM с нуля` exists only "
            f"as the archive `{course}.rar`",
        )
    ]


def test_missing_file_in_plan(tmp_path: Path) -> None:
    files = without(PLAN_FILE)
    files["HOW_TO_READ.md"] = "# plan\n"
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "missing-path") == [
        (PLAN_FILE, "error", f"the plan's file `{PLAN_FILE}` is missing")
    ]


def test_missing_paper_matches_titles_loosely(tmp_path: Path) -> None:
    files = without(f"{TRANSFORMERS}/The Llama", f"{TRANSFORMERS}/Attention")
    files[f"{TRANSFORMERS}/llama-3_herd_OF_models (Meta, 2024).pdf"] = b"%PDF"
    files[f"{TRANSFORMERS}/AttentionIsAllYouNeed.pdf"] = b"%PDF"
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "missing-paper") == []


def test_lora_is_not_qlora(tmp_path: Path) -> None:
    files = without("06_Engineering_&_Tuning/LoRA.pdf")
    files["06_Engineering_&_Tuning/QLORA Efficient Finetuning.pdf"] = b"%PDF"
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "missing-paper") == [
        (
            "06_Engineering_&_Tuning",
            "warning",
            '"LoRA" is missing: the plan reads it here (Phase 1, step 3.1)',
        )
    ]


def test_paper_in_another_section_is_info(tmp_path: Path) -> None:
    files = without("03_Reasoning_Architectures/Chain")
    files["xx_prompting/Chain-of-Thought Prompting Elicits Reasoning.pdf"] = b"%PDF"
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "missing-paper") == [
        (
            "xx_prompting/Chain-of-Thought Prompting Elicits Reasoning.pdf",
            "info",
            '"Chain-of-Thought Prompting" is filed under `xx_prompting`, where the plan\'s '
            "step (Phase 2, branch B.1) reads it from `03_Reasoning_Architectures`",
        )
    ]


def test_plan_reference_resolves_suffixes_and_reports_the_rest(tmp_path: Path) -> None:
    plan = (
        "# План\n"
        "1. `02_Data_Filtering_Quality` — by suffix\n"
        "2. [guide](00_The_Guidebook_&_Roadmap/AI Engineering Guidebook.pdf)\n"
        "3. `01_Data_Centric_AI/99_Нет такой папки`\n"
        "4. `.rar/.zip` and `venv` are not paths; neither is [site](https://example.org/x)\n"
        "## Правила\n"
        "5. `06_Engineering` — the folder is there, under a longer name\n"
    )
    repo = make_repo(tmp_path / "r", {**COMPLETE_PLAN, PLAN_FILE: plan})
    assert summary(repo, "plan-reference") == [
        (
            PLAN_FILE,
            "warning",
            "`06_Engineering` is not a path in the repository: the folder is at "
            "`06_Engineering_&_Tuning`",
        )
    ]
    # a folder the plan names that is missing: one error, not a second warning on its line
    assert (
        "01_Data_Centric_AI/99_Нет такой папки",
        "error",
        "the plan's folder `01_Data_Centric_AI/99_Нет такой папки` is missing",
    ) in summary(repo, "missing-path")


def test_plan_reference_names_the_archive(tmp_path: Path) -> None:
    lora = "06_Engineering_&_Tuning/LoRA"
    files = without(lora)
    files[lora + ".zip"] = b"PK\x05\x06" + b"\0" * 18
    files[PLAN_FILE] = f"See [LoRA]({lora}.pdf).\n"
    repo = make_repo(tmp_path / "r", files)
    found = [f for f in summary(repo, "plan-reference")]
    assert found == [
        (PLAN_FILE, "warning", f"`{lora}.pdf` exists only as the archive `{lora}.zip`")
    ]


def test_a_folder_only_in_an_archive_is_named_once(tmp_path: Path) -> None:
    course = "06_Engineering_&_Tuning/Разработка LLM с нуля"
    files = without(course)
    files[course + ".zip"] = b"PK\x05\x06" + b"\0" * 18
    files[PLAN_FILE] = f"See `{course}`.\n"
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "missing-path") == [
        (
            course,
            "warning",
            f"the plan's folder `{course}` exists only as the archive `{course}.zip`",
        )
    ]
    assert summary(repo, "plan-reference") == []


def test_plan_reference_line_numbers(tmp_path: Path) -> None:

    repo = make_repo(tmp_path / "r", {**COMPLETE_PLAN, PLAN_FILE: "a\n\nsee `06_Engineering`\n"})
    assert [(f.path, f.line) for f in findings(repo, "plan-reference")] == [(PLAN_FILE, 3)]


def test_empty_plan_file_is_reported_and_not_used(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {**COMPLETE_PLAN, PLAN_FILE: ""})
    assert summary(repo, "empty-file") == [
        (PLAN_FILE, "warning", "the plan tells you to open this file, but it is empty")
    ]
    assert summary(repo, "plan-reference") == []


def test_empty_paper_pdf(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {**COMPLETE_PLAN, "04_Agentic_Systems_&_MCP/Voyager.pdf": b""})
    assert summary(repo, "empty-file") == [
        (
            "04_Agentic_Systems_&_MCP/Voyager.pdf",
            "warning",
            "the plan tells you to open this file, but it is empty",
        )
    ]


def test_section_numbering_duplicates_and_gaps(tmp_path: Path) -> None:
    files = {
        **COMPLETE_PLAN,
        "02_Model_Backbones/02_Другая папка/x.md": "x",
        "02_Model_Backbones/05_Later/y.md": "y",
    }
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "section-numbering") == [
        ("02_Model_Backbones", "info", "numbered folders skip 03, 04"),
        (
            "02_Model_Backbones/02_Post_Transformer_&_SSM",
            "error",
            "number 02 is also used by `02_Другая папка`",
        ),
        (
            "02_Model_Backbones/02_Другая папка",
            "error",
            "number 02 is also used by `02_Post_Transformer_&_SSM`",
        ),
    ]


def test_section_numbering_quiet_on_complete_plan(tmp_path: Path) -> None:
    assert summary(make_repo(tmp_path / "r", COMPLETE_PLAN), "section-numbering") == []


def test_a_gap_the_plan_explains_is_not_a_numbering_problem(tmp_path: Path) -> None:
    """The shipped plan skips 05 itself (``init`` lays out 00–04 and 06), and a missing
    ``04_…`` is missing-path's error: neither is a number to fix; 08 is."""
    files = {p: c for p, c in COMPLETE_PLAN.items() if not p.startswith(("04_", "05_"))}
    files["07_Own_Notes/notes.md"] = "# mine\n"  # 06 is there: 07 leaves no gap
    files["09_Later/notes.md"] = "# later\n"  # 08 is no folder of the plan
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "section-numbering") == [(".", "info", "numbered folders skip 08")]
    assert [path for path, *_ in summary(repo, "missing-path")] == ["04_Agentic_Systems_&_MCP"]


def test_guide_folder_alone_is_still_a_plan_root(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {f"notes/{GUIDE}/README_Reading_Order.md": "plan\n"})
    found = summary(repo, "missing-path")
    assert (
        "notes/01_Data_Centric_AI",
        "error",
        "the plan's folder `01_Data_Centric_AI` is missing, and with it 2 papers the plan reads "
        'from it: "Quality is All You Need", "Textbooks Are All You Need"',
    ) in found


def test_a_paper_misplaced_at_the_root_names_the_root(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "курс",
        {
            "STUDY_PLAN.md": '# P\n## Phase 1\n### Step 1\nGo to `notes/`.\n- **"Attention"**\n',
            "notes/x.md": "notes\n",
            "Attention.pdf": b"%PDF-1.4\n",
        },
    )
    assert summary(repo, "missing-paper") == [
        (
            "Attention.pdf",
            "info",
            '"Attention" is filed under `.`, where the plan\'s step (Phase 1, step 1) reads it '
            "from `notes`",
        )
    ]


def test_a_paper_linked_into_a_folder_the_plan_does_not_name_is_missing_there(
    tmp_path: Path,
) -> None:
    plan = "# P\n\n- [Some Paper](papers/some.pdf)\n- `notes/`\n"
    repo = make_repo(tmp_path / "r", {"STUDY_PLAN.md": plan, "notes/a.md": "x\n"})
    assert summary(repo, "missing-paper") == [
        ("papers", "warning", '"Some Paper" is missing: the plan reads it from `papers`')
    ]
    assert summary(repo, "missing-path") == []  # no folder of the plan is missing
    assert summary(repo, "plan-reference") == []  # the missing paper is one finding


def test_a_broken_paper_link_names_where_the_paper_was_found(tmp_path: Path) -> None:
    files = {
        ".papershelf.toml": 'plan = ["**/README.md"]\n',
        "Зрение/README.md": "# Зрение\n\n1. [Swin Transformer](swin.pdf)\n",
        "Зрение/Swin Transformer.pdf": b"%PDF-1.4 swin",
    }
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "missing-paper") == []
    assert summary(repo, "plan-reference") == [
        (
            "Зрение/README.md",
            "warning",
            "`swin.pdf` is not a path in the repository: the paper is at "
            "`Зрение/Swin Transformer.pdf`",
        )
    ]


def test_no_plan_folders_hint_leads_to_a_safe_fix(tmp_path: Path) -> None:
    """A rule set's sections all absent: the hint's command adds the folders, nothing else."""

    config = {".papershelf.toml": 'extends = ["ai-papers-plan"]\n', "notes.md": "# notes\n"}
    repo = make_repo(tmp_path / "r", config)
    (finding,) = findings(repo, "missing-path")
    assert finding.message.startswith("no plan folders found: expected `00_")
    assert finding.hint.startswith("create them with `repo-check --fix`")
    before = set(tracked(repo))
    assert repo_check_main(["--fix", str(repo)]) in (0, 1)
    added = set(tracked(repo)) - before
    assert added and all(path.startswith(("0", "xx_")) for path in added), added
    assert findings(repo, "missing-path") == []


def tracked(repo: Path) -> list[str]:
    return git(repo, "ls-files", "-z").split("\0")[:-1]
