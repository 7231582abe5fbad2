"""Each markdown convention of "Writing a plan papershelf understands", one test apiece."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checking import summary
from gitrepo import make_repo
from organize_repo import tracked
from papershelf.cli import main, repo_check_main
from papershelf.plan import Item, parse
from papershelf.plan.reader import DEFAULT_WORDS, Words


def items(text: str, **options: object) -> list[Item]:
    return list(parse(text, **options).items())  # type: ignore[arg-type]


def test_phase_and_step_words_in_english_and_russian() -> None:
    plan = parse(
        '# Plan\n## Stage 1\n### Lesson 2\n1. **"A"**\n## Неделя 3\n### Урок 4\n2. **"Б"**\n'
    )
    assert plan.structured
    assert [(phase.title, [step.title for step in phase.steps]) for phase in plan.phases] == [
        ("Stage 1", ["Lesson 2"]),
        ("Неделя 3", ["Урок 4"]),
    ]
    assert [item.step for item in plan.items()] == ["Stage 1, lesson 2.1", "Week 3, lesson 4.2"]


def test_a_phase_word_nested_under_a_phase_opens_a_step_of_it() -> None:
    """``### Week 1`` under ``## Phase 1`` is a part of that phase, not a phase beside it."""
    plan = parse(
        '# Course\n## Phase 1: Foundations\n### Week 1\n- **"A"**\n### Week 2\n- **"B"**\n'
        '## Phase 2\n### Неделя 3\n- **"В"**\n'
    )
    assert [(phase.title, [step.title for step in phase.steps]) for phase in plan.phases] == [
        ("Phase 1: Foundations", ["Week 1", "Week 2"]),
        ("Phase 2", ["Неделя 3"]),
    ]
    assert [item.step for item in plan.items()] == [
        "Phase 1, Week 1",
        "Phase 1, Week 2",
        "Phase 2, Week 3",
    ]
    umbrella = parse('# Course\n## Action plan\n### Phase 0\n- **"A"**\n### Phase 1\n- **"B"**\n')
    assert [phase.title for phase in umbrella.phases if phase.steps] == ["Phase 0", "Phase 1"]
    assert [item.step for item in umbrella.items()] == ["Phase 0", "Phase 1"]


def test_numbered_headings_are_phases_and_steps() -> None:
    plan = parse('# Plan\n## 1. Basics\n### 1.1 Algebra\n- **"Matrices"**\n## 2. Detection\n')
    assert plan.structured
    assert plan.phases[0].title == "1. Basics"
    assert plan.phases[0].steps[0].title == "1.1 Algebra"


def test_heading_words_are_configurable(tmp_path: Path) -> None:
    words = Words({**DEFAULT_WORDS.phase, "раздел": "Раздел"}, DEFAULT_WORDS.step)
    plan = parse('## Раздел 2\n1. **"X"**\n', words=words)
    assert plan.phases[0].title == "Раздел 2"
    assert next(plan.items()).step == "Раздел 2, step 1"
    repo = make_repo(
        tmp_path / "r",
        {
            ".papershelf.toml": 'plan = "PLAN.md"\nphase-words = ["Раздел"]\n',
            "PLAN.md": '## Раздел 1\n1. `topics/a` — **"Alpha"**\n',
            "topics/a/notes.md": "x",
        },
    )
    assert summary(repo, "missing-paper") == [
        ("topics/a", "warning", '"Alpha" is missing: the plan reads it here (Раздел 1, step 1)')
    ]


def test_backticked_paths_and_local_links_are_expected_where_they_point() -> None:
    found = items(
        "Go to `courses/ml`, then `week1/` and [the notes](docs/notes.md) and "
        "[slides](../slides/) and [paper](papers/x.pdf).\n",
        base="plans",
    )
    assert [(item.kind, item.path) for item in found] == [
        ("folder", "courses/ml"),
        ("folder", "courses/ml/week1"),
        ("file", "plans/docs/notes.md"),
        ("folder", "slides"),
        ("paper", "plans/papers/x.pdf"),
    ]


def test_bold_quoted_titles_are_expected_in_the_step_folder() -> None:
    found = items('### Step 1\nOpen `nlp/transformers`.\n1. **"Attention Is All You Need"**\n')
    assert [(item.kind, item.name, item.path) for item in found] == [
        ("folder", "nlp/transformers", "nlp/transformers"),
        ("paper", "Attention Is All You Need", "nlp/transformers"),
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/1706.03762",
        "https://arxiv.org/pdf/1706.03762v7",
        "https://doi.org/10.48550/arXiv.1706.03762",
        "https://openreview.net/forum?id=abc",
        "https://aclanthology.org/N19-1423/",
        "https://example.org/papers/attention.pdf",
    ],
)
def test_links_to_papers_are_papers_titled_by_their_text(url: str) -> None:
    (paper,) = items(f"- [Attention Is All You Need]({url})\n")
    assert (paper.kind, paper.name, paper.remote) == ("paper", "Attention Is All You Need", True)
    assert paper.identifiers[0] == url


def test_links_elsewhere_are_not_papers() -> None:
    assert items("- [nanochat](https://github.com/karpathy/nanochat)\n") == []


def test_list_items_carrying_an_arxiv_id_are_papers() -> None:
    (paper,) = items("- arXiv:2106.09685 LoRA: Low-Rank Adaptation of Large Language Models\n")
    assert paper.name == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert paper.identifiers == ("arXiv:2106.09685",)


def test_old_style_arxiv_ids_are_read_as_the_papers_reader_reads_them() -> None:
    (paper,) = items("- arXiv:cs/0112017v1 Lambda calculus notes\n")
    assert paper.name == "Lambda calculus notes"
    assert paper.identifiers == ("arXiv:cs/0112017",)
    (linked,) = items("- [Dynamics notes](https://arxiv.org/abs/math.DS/0411343)\n")
    assert "arXiv:math.DS/0411343" in linked.identifiers


def test_identifiers_beside_a_paper_are_kept() -> None:
    (paper,) = items('1. **"Adam"** (arXiv:1412.6980, doi 10.1000/xyz123)\n')
    assert paper.identifiers == ("arXiv:1412.6980", "doi:10.1000/xyz123")


def test_a_local_file_and_a_titled_link_on_one_line_are_one_paper() -> None:
    (paper,) = items("* [📄](bert.pdf) [BERT](https://arxiv.org/abs/1810.04805)\n")
    assert (paper.name, paper.path, paper.remote) == ("BERT", "bert.pdf", False)
    assert paper.identifiers == ("https://arxiv.org/abs/1810.04805", "arXiv:1810.04805")


def test_the_titled_link_may_point_anywhere_not_only_to_a_paper_site() -> None:
    """Paper lists link titles to publishers' pages too (dl.acm.org, a project page)."""
    (paper,) = items(
        "* [📄](principal.pdf) [Principal type-schemes for functional programs]"
        "(https://dl.acm.org/doi/10.1145/582153.582176)\n"
    )
    assert (paper.name, paper.path) == (
        "Principal type-schemes for functional programs",
        "principal.pdf",
    )
    assert paper.identifiers[0] == "https://dl.acm.org/doi/10.1145/582153.582176"


def test_task_list_boxes_say_what_was_read_and_spans_are_kept() -> None:
    found = items('intro\n- [x] **"LoRA"**\n- [ ] **"QLoRA"**\n- **"DoRA"**\n')
    assert [(item.name, item.read, item.line, item.end_line) for item in found] == [
        ("LoRA", True, 2, 2),
        ("QLoRA", False, 3, 3),
        ("DoRA", None, 4, 4),
    ]


def test_code_blocks_and_terms_are_not_paths() -> None:
    assert items("```\n`not/a/path`\n```\nUse `pip install x` and `.rar/.zip`.\n") == []


def test_a_remote_paper_is_online_not_missing_unless_asked(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "PLAN.md": "- [Vision Transformer](https://arxiv.org/abs/2010.11929)\n"
        "- [ResNet](https://arxiv.org/abs/1512.03385)\n",
        "papers/resnet.pdf": b"%PDF",
        ".papershelf.toml": 'plan = "PLAN.md"\n',
    }
    repo = make_repo(tmp_path / "r", files)
    assert summary(repo, "missing-paper") == []
    files[".papershelf.toml"] = 'plan = "PLAN.md"\n[rules.missing-paper]\nonline = true\n'
    repo = make_repo(tmp_path / "asked", files)
    assert summary(repo, "missing-paper") == [
        (".", "warning", '"Vision Transformer" is only online: the plan links it')
    ]


def test_the_usual_plan_names_are_found(tmp_path: Path) -> None:
    for name in ("STUDY_PLAN.md", "READING_PLAN.md"):
        repo = make_repo(tmp_path / name, {name: "1. `lectures/01`\n"})
        assert summary(repo, "missing-path") == [
            ("lectures/01", "error", "the plan's folder `lectures/01` is missing")
        ]


def test_plan_may_be_a_list_of_files_and_globs(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {
            ".papershelf.toml": 'plan = ["PLAN.md", "topics/*/README.md"]\n',
            "PLAN.md": "1. `topics/a`\n",
            "topics/a/README.md": '- **"Alpha"**\n',
            "topics/b/README.md": '- **"Beta"**\n',
            "topics/b/Beta.pdf": b"%PDF",
        },
    )
    assert summary(repo, "missing-paper") == [
        ("topics/a", "warning", '"Alpha" is missing: the plan reads it here')
    ]


def test_plan_explain_says_what_each_line_was_taken_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "r",
        {"STUDY_PLAN.md": "# Plan\n## Phase 1\nRead `notes/a`.\n\nJust prose.\n", "notes/a/x": "x"},
    )
    assert main(["plan", "--explain", str(repo)]) == 0
    assert capsys.readouterr().out == (
        "plan: STUDY_PLAN.md\n"
        "   1  # Plan\n      -> title\n"
        "   2  ## Phase 1\n      -> phase (Phase 1)\n"
        "   3  Read `notes/a`.\n      -> folder notes/a at notes/a (Phase 1)\n"
        "   5  Just prose.\n      -> ignored: names no folder, file or paper\n"
    )


def test_init_lays_out_a_repository_from_any_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "STUDY_PLAN.md"
    plan.write_text(
        "# Course\n## Phase 1\n### Step 1\nGo to `basics/algebra`.\n"
        '1. **"Linear Algebra Done Right"**\n### Step 2\nThen `basics/calculus/`.\n',
        encoding="utf-8",
    )
    target = tmp_path / "study"
    assert main(["init", "--plan", str(plan), str(target)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:5] == [
        "created .papershelf.toml",
        "created STUDY_PLAN.md",
        "created basics/algebra/.gitkeep",
        "created basics/calculus/.gitkeep",
    ]
    assert (target / ".papershelf.toml").read_text() == 'plan = "STUDY_PLAN.md"\n'
    assert (target / "STUDY_PLAN.md").read_text() == plan.read_text()
    assert "STUDY_PLAN.md" in tracked(target)
    assert repo_check_main([str(target)]) == 0
    assert capsys.readouterr().out == (
        'basics/algebra: warning missing-paper: "Linear Algebra Done Right" is missing: the '
        "plan reads it here (Phase 1, step 1.1)\n"
        "  hint: add the paper's PDF with its title in the file name\n"
        "1 finding: 1 warning\n"
    )


def test_init_with_a_plan_refuses_an_existing_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "PLAN.md"
    plan.write_text("1. `a/b`\n", encoding="utf-8")
    repo = make_repo(tmp_path / "r", {".papershelf.toml": 'extends = ["hygiene"]\n'})
    assert main(["init", "--plan", str(plan), str(repo)]) == 1
    assert "already configures papershelf; set `plan` there instead" in capsys.readouterr().err


def test_a_compressed_document_is_the_paper_it_holds(tmp_path: Path) -> None:
    import gzip

    repo = make_repo(
        tmp_path / "r",
        {
            "STUDY_PLAN.md": '### Step 1\nGo to `papers`.\n1. **"Attention Is All You Need"**\n',
            "papers/Attention Is All You Need.ps.gz": gzip.compress(b"%!PS"),
        },
    )
    assert summary(repo, "missing-paper") == []
    assert summary(repo, "archive-in-git") == []


def test_the_readme_example_plan_reads_as_described() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Writing a plan papershelf understands\n", 1)[1]
    example = section.split("```markdown\n", 1)[1].split("```", 1)[0]
    found = [(i.kind, i.name, i.path, i.step, i.read) for i in parse(example).items()]
    assert found == [
        (
            "folder",
            "foundations/linear-algebra",
            "foundations/linear-algebra",
            "Phase 1, step 1",
            None,
        ),
        (
            "paper",
            "Matrix Calculus for Deep Learning",
            "foundations/linear-algebra",
            "Phase 1, step 1.1",
            None,
        ),
        ("folder", "foundations/optimisation", "foundations/optimisation", "Phase 1, step 2", None),
        (
            "paper",
            "Adam: A Method for Stochastic Optimization",
            "foundations/optimisation",
            "Phase 1, step 2.1",
            True,
        ),
    ]


def test_the_shipped_plan_is_not_imposed_on_a_repository_with_its_own(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {
            "STUDY_PLAN.md": "## Phase 1\n1. `01_Data_Centric_AI/cleaning`\n",
            "01_Data_Centric_AI/cleaning/notes.md": "x",
        },
    )
    assert summary(repo, "missing-path") == []
    assert summary(repo, "missing-paper") == []


def test_explain_says_why_a_line_was_not_taken() -> None:
    from papershelf.plan import explain

    text = "Run `pip install x`.\n\n[site](https://x.org)\n\nUse `venv`.\n"
    notes = {number: taken for number, _, taken in explain(text)}
    assert notes == {
        1: "ignored: `pip install x` not taken for a path (a path has a `/`, a file suffix, "
        "a trailing `/`, a `NN_` section prefix or the word folder or папка before it)",
        3: "ignored: its links lead to no local file and no paper (arXiv, doi.org, .pdf …)",
        5: "folder venv wherever the repository has it (a bare name: ignored when it has none)",
    }


@pytest.mark.parametrize(
    "line",
    [
        "Папка `неделя 1 & доп`.",
        "Все статьи — в папке `неделя 1 & доп`.",
        "Folder: `неделя 1 & доп`",
        "Open the `неделя 1 & доп` folder.",
        "Каталог — `неделя 1 & доп`",
    ],
)
def test_a_name_a_folder_word_calls_a_folder_is_the_steps_folder(line: str) -> None:
    found = items(f'## Неделя 1\n{line}\n1. **"Статья"**\n')
    assert [(item.kind, item.name, item.path) for item in found] == [
        ("folder", "неделя 1 & доп", "неделя 1 & доп"),
        ("paper", "Статья", "неделя 1 & доп"),
    ]


def test_the_one_backticked_name_of_a_step_heading_is_its_folder() -> None:
    found = items(
        '## Неделя 1: `неделя 1 & доп`\n1. **"Статья"**\n### Урок 2 (`урок 2`)\n- **"Б"**\n'
    )
    assert [(item.kind, item.name, item.path, item.step) for item in found] == [
        ("folder", "неделя 1 & доп", "неделя 1 & доп", "Week 1"),
        ("paper", "Статья", "неделя 1 & доп", "Week 1, step 1"),
        ("folder", "урок 2", "урок 2", "Week 1, lesson 2"),
        ("paper", "Б", "урок 2", "Week 1, lesson 2"),
    ]


def test_a_folder_word_in_a_heading_inside_a_step_names_its_folder() -> None:
    plan = parse('## Неделя 1\n### Урок 1\n- **"А"**\n#### Папка `часть 2`\n- **"Б"**\n')
    assert [(item.kind, item.name, item.path, item.step) for item in plan.items()] == [
        ("paper", "А", None, "Week 1, lesson 1"),
        ("folder", "часть 2", "часть 2", "Week 1, lesson 1"),
        ("paper", "Б", "часть 2", "Week 1, lesson 1"),
    ]
    assert [phase.title for phase in plan.phases] == ["Неделя 1"]  # `часть 2` is a name


@pytest.mark.parametrize(
    "text",
    [
        "## Step 1\nRun `pip install x` and `model.fit()`.\n",
        "## Step 1\n#### Материалы: `часть 2`\n",
        "## Step 1: `pip install torch`\n",
        "## Step 1: `model.fit()`\n",
        "## Step 1: `week 1` and `week 2`\n",
        "## Step 1\nThe folder holds code (see `неделя 1`).\n",
        "## Step 1\nCreate the folder with `mkdir -p x`.\n",
        "# Plan for `ideas 1`\n",
        "## Step 1\n#### Notes on `ideas 1`\n",
    ],
)
def test_inline_code_and_names_no_folder_word_calls_a_folder_are_not_folders(text: str) -> None:
    assert [item for item in items(text) if item.path] == []


def test_papers_of_a_step_with_a_folder_word_are_expected_in_that_folder(
    tmp_path: Path,
) -> None:
    repo = make_repo(
        tmp_path / "курс & план",
        {
            ".papershelf.toml": 'plan = "ПЛАН.md"\n',
            "ПЛАН.md": '# План\n## Неделя 1\nПапка `неделя 1`.\n1. **"Внимание"**\n'
            '## Неделя 2\nПапка `статьи & код 2`.\n1. **"Трансформер"**\n',
            "статьи & код 2/Трансформер.pdf": b"%PDF",
        },
    )
    assert summary(repo, "missing-path") == [
        (
            "неделя 1",
            "error",
            "the plan's folder `неделя 1` is missing, and with it the paper the plan reads "
            'from it: "Внимание"',
        )
    ]
    assert summary(repo, "missing-paper") == []


def test_the_folder_a_paper_is_read_in_is_not_the_paper(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``[U-Net](…) — code in `code/unet/` ``: the folder ``unet`` holds the paper's code;
    it was taken for the paper, misplaced, with a hint to move it into itself."""
    plan = (
        "# CV\n## Segmentation\n"
        "- [U-Net](https://arxiv.org/abs/1505.04597) — code in `code/unet/`\n"
    )
    repo = make_repo(tmp_path / "r", {"STUDY_PLAN.md": plan, "code/unet/train.py": "pass\n"})
    assert summary(repo, "missing-paper") == []
    capsys.readouterr()
    assert main(["plan", "--format", "json", str(repo)]) == 0
    shown = json.loads(capsys.readouterr().out)
    statuses = {
        item["name"]: item["status"]
        for phase in shown["phases"]
        for step in phase["steps"]
        for item in step["items"]
    }
    assert statuses == {"U-Net": "online", "code/unet": "present"}


# A plan written as prose, the way the English rendering of the shipped plan is: steps as
# paragraphs, titles in plain quotes, folders inside the folder a step goes to.
PROSE_PLAN = """# The study plan, in English

## Action plan: how to study this repository

### Phase 1: linear immersion
Step 0, if you know nothing yet: go to `06_Engineering_&_Tuning`/"Разработка LLM с нуля"
("Building an LLM from scratch", a course), watch all of it.

Step 2, the cult of data — go to `01_Data_Centric_AI`:
1. "Quality is All You Need" (`02_Data_Filtering_Quality`): why filtering beats token count.
2. Read "Textbooks Are All You Need" (`03_Synthetic_Data`).
3. Practice: open `04_Instruction_Tuning_Data/UltraChat`, study the JSON.
4. Use "pip install" only inside a venv.

Step 3, tuning — go to `06_Engineering_&_Tuning`:
1. "LoRA": the maths of low-rank adaptation.

### Rules for working with the repository
- If you see a `.zip` file (for example in `06_Engineering`), extract it elsewhere.
"""


def test_a_paragraph_opening_with_a_step_word_and_number_opens_that_step() -> None:
    plan = parse(PROSE_PLAN)
    phase = next(phase for phase in plan.phases if phase.title.startswith("Phase 1"))
    assert [step.title for step in phase.steps] == [
        "Step 0, if you know nothing yet",
        "Step 2, the cult of data",
        "Step 3, tuning",
    ]
    papers = [(item.name, item.step) for item in plan.items() if item.kind == "paper"]
    assert papers == [
        ("Quality is All You Need", "Phase 1, step 2.1"),
        ("Textbooks Are All You Need", "Phase 1, step 2.2"),
        ("LoRA", "Phase 1, step 3.1"),
    ]  # "pip install" after "Use" is no title


def test_folders_in_a_steps_list_are_inside_the_folder_it_goes_to() -> None:
    paths = [item.path for item in parse(PROSE_PLAN).items() if item.kind == "folder"]
    assert paths == [
        "06_Engineering_&_Tuning/Разработка LLM с нуля",  # the quotes are prose
        "01_Data_Centric_AI",
        "01_Data_Centric_AI/02_Data_Filtering_Quality",
        "01_Data_Centric_AI/03_Synthetic_Data",
        "01_Data_Centric_AI/04_Instruction_Tuning_Data/UltraChat",
        "06_Engineering_&_Tuning",
        "06_Engineering",  # under a heading beside the phase: the step is over
    ]


def test_init_from_a_prose_plan_lays_out_what_it_describes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "STUDY_PLAN.md"
    plan.write_text(PROSE_PLAN, encoding="utf-8")
    target = tmp_path / "study"
    assert main(["init", "--plan", str(plan), str(target)]) == 0
    created = [line for line in capsys.readouterr().out.splitlines() if "/.gitkeep" in line]
    assert created == [
        "created 01_Data_Centric_AI/02_Data_Filtering_Quality/.gitkeep",
        "created 01_Data_Centric_AI/03_Synthetic_Data/.gitkeep",
        "created 01_Data_Centric_AI/04_Instruction_Tuning_Data/UltraChat/.gitkeep",
        "created 06_Engineering_&_Tuning/Разработка LLM с нуля/.gitkeep",
    ]
    repo_check_main([str(target)])
    report = capsys.readouterr().out
    assert "section-numbering" not in report  # the layout does not contradict itself
    assert "missing-path" not in report  # `06_Engineering` is the plan's own folder, short
    assert (
        "`06_Engineering` is not a path in the repository: the folder is at "
        "`06_Engineering_&_Tuning`" in report
    )
