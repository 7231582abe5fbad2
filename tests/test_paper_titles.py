"""Titles as people write them in a plan, matched the way a librarian would: labels with a
year, a venue, an author or curly quotes; exact names before longer ones; one file for
one title; hints that never point at a file or a title another paper holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from checking import findings, summary
from gitrepo import make_repo
from papershelf.papers import file_name_for, reading
from papershelf.papers.matching import Wanted, match, nearest_title
from papershelf.papers.titles import bare_title, forms
from pdf_builders import pdf
from test_papers import IMAGE_ONLY, LORA
from test_rules_papers import CONFIG, RULES, plan_json

EINSTEIN = pdf(["On the Electrodynamics of Moving Bodies", "A. Einstein"])
STACK = pdf(["A Wait-Free Stack", "Danny Hendler"])
TURING = pdf(["On Computable Numbers, with an Application to the", "Entscheidungsproblem"])
ATTENTION = pdf(["Attention Is All You Need", "Ashish Vaswani"])
SMALLTALK = pdf(["The Early History of Smalltalk", "Alan C. Kay"])
SOK = pdf(["SoK: Eternal War in Memory", "Laszlo Szekeres"])
TEXTBOOKS_II = pdf(["Textbooks Are All You Need II: phi-1.5 technical report", "Yuanzhi Li"])
MAMBA = pdf(["Mamba: Linear-Time Sequence Modeling with", "Selective State Spaces"])
MAMBA_2 = pdf(["Transformers are SSMs: Generalized Models and", "Efficient Algorithms"])

LABELS = {
    "“On the Electrodynamics of Moving Bodies” (1905) — Einstein": "einstein.pdf",
    "A Wait-Free Stack (2015)": "stack.pdf",
    "Turing, On Computable Numbers, with an Application to the Entscheidungsproblem": "t.pdf",
    "Attention Is All You Need (NeurIPS 2017)": "attention.pdf",
    "The Early History of Smalltalk, by Alan Kay": "smalltalk.pdf",
    "SoK: Eternal War in Memory (2013)": "sok.pdf",
}
FILES = {
    "einstein.pdf": EINSTEIN,
    "stack.pdf": STACK,
    "t.pdf": TURING,
    "attention.pdf": ATTENTION,
    "smalltalk.pdf": SMALLTALK,
    "sok.pdf": SOK,
}


def plan_of(*lines: str) -> str:
    return "# Reading plan\n\n## Phase 1: papers\n\n### Step 1: read these\n\n" + "".join(
        f"- {line}\n" for line in lines
    )


def repo_with(tmp_path: Path, plan: str, files: dict[str, bytes]) -> Path:
    return make_repo(
        tmp_path / "study",
        {
            ".papershelf.toml": CONFIG + RULES,
            "papers/HOW_TO_READ.md": plan,
            **{f"papers/{name}": data for name, data in files.items()},
        },
    )


@pytest.mark.parametrize(
    ("label", "title"),
    [
        ("“On the Electrodynamics of Moving Bodies” (1905) — Einstein", "On the Electrodynamics "),
        ("On the Electrodynamics of Moving Bodies” (1905) — Einstein", "On the Electrodynamics "),
        ("Hughes, “Why Functional Programming Matters”", "Why Functional Programming Matters"),
        ("A Wait-Free Stack (2015)", "A Wait-Free Stack"),
        ("(2015) A Wait-Free Stack", "A Wait-Free Stack"),
        ("Attention Is All You Need (NeurIPS 2017)", "Attention Is All You Need"),
        ("*Attention Is All You Need*, NeurIPS 2017", "Attention Is All You Need"),
        ("Turing, On Computable Numbers, with an Application", "On Computable Numbers, with"),
        ("The Early History of Smalltalk, by Alan Kay", "The Early History of Smalltalk"),
        ("Why Functional Programming Matters — J. Hughes", "Why Functional Programming Matters"),
        ("Deep Learning (Goodfellow, Bengio, Courville 2016)", "Deep Learning"),
    ],
)
def test_the_bare_title_of_a_label(label: str, title: str) -> None:
    assert bare_title(label).startswith(title.strip())
    assert forms([label]) == [label, bare_title(label)]


@pytest.mark.parametrize(
    "title",
    [
        "Time, Clocks, and the Ordering of Events in a Distributed System",
        "Recursive Functions of Symbolic Expressions and Their Computation by Machine",
        "SoK: Eternal War in Memory",
        "Dynamo: Amazon's Highly Available Key-value Store",
        "Learning by Doing",
        "The Next 700 Programming Languages",
        "Textbooks Are All You Need II",
        "Mamba-1",
    ],
)
def test_a_title_with_nothing_to_strip_is_left_alone(title: str) -> None:
    assert bare_title(title) == ""
    assert forms([title]) == [title]


def test_labels_with_years_venues_authors_and_quotes_find_their_pdfs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = plan_of(*(f'**"{label}"**' for label in LABELS))
    repo = repo_with(tmp_path, plan, FILES)
    items = plan_json(capsys, repo)
    where = {name: item["where"] for name, item in items.items()}
    assert sorted(map(str, where.values())) == sorted(f"papers/{name}" for name in FILES)
    assert {item["how"] for item in items.values()} == {"first-page"}


def test_a_label_with_a_year_finds_the_file_named_by_its_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = repo_with(
        tmp_path, plan_of('**"A Wait-Free Stack (2015)"**'), {"A Wait-Free Stack.pdf": IMAGE_ONLY}
    )
    # The reader already leaves the closing year out of the title; either way, the file.
    (item,) = plan_json(capsys, repo).values()
    assert (item["status"], item["where"], item["how"]) == (
        "present",
        "papers/A Wait-Free Stack.pdf",
        "file-name",
    )
    assert file_name_for("A Wait-Free Stack (2015)") == "A Wait-Free Stack.pdf"


def test_the_exact_name_beats_a_longer_one_and_a_folder_is_never_a_paper(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "Textbooks Are All You Need II.pdf": IMAGE_ONLY,
        "Textbooks Are All You Need.pdf": IMAGE_ONLY + b"\n%exact\n",
        "data_compression/notes.pdf": IMAGE_ONLY + b"\n%notes\n",
    }
    plan = plan_of('**"Textbooks Are All You Need"**', '**"Data Compression"**')
    items = plan_json(capsys, repo_with(tmp_path, plan, files))
    assert items["Textbooks Are All You Need"]["where"] == "papers/Textbooks Are All You Need.pdf"
    assert items["Data Compression"]["status"] == "missing"


def test_a_file_exactly_named_for_another_title_is_not_this_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = plan_of('**"Textbooks Are All You Need"**', '**"Textbooks Are All You Need II"**')
    files = {"Textbooks Are All You Need II.pdf": IMAGE_ONLY}
    items = plan_json(capsys, repo_with(tmp_path, plan, files))
    assert items["Textbooks Are All You Need"]["status"] == "missing"
    assert items["Textbooks Are All You Need II"]["where"] == (
        "papers/Textbooks Are All You Need II.pdf"
    )


def test_a_sequel_on_the_first_page_is_another_paper() -> None:
    found = {"ii.pdf": reading.read(TEXTBOOKS_II)}
    assert match([Wanted(("Textbooks Are All You Need",))], found) == {}
    assert match([Wanted(("Textbooks Are All You Need II",))], found)[0].path == "ii.pdf"


def test_hints_never_give_another_papers_title() -> None:
    plan = [
        "QLoRA",
        "Mamba-3",
        "Mamba-3: Improved Sequence Modeling using State Space Principles",
        "Switch Transformers",
    ]
    assert nearest_title("p/lora-hu-2021.pdf", reading.read(LORA), plan) is None
    assert nearest_title("p/Mamba-1.pdf", reading.read(MAMBA), plan) is None
    assert nearest_title("p/mamba2.pdf", reading.read(MAMBA_2), plan) is None
    assert nearest_title("p/mamba-3-draft.pdf", None, plan) == "Mamba-3"
    assert nearest_title("p/switch-transformers.pdf", None, plan) == "Switch Transformers"
    labelled = [*plan, "Transformers are SSMs (Mamba-2)"]
    assert nearest_title("p/mamba2.pdf", reading.read(MAMBA_2), labelled) == labelled[-1]


def test_unlisted_pdfs_get_no_hint_to_a_title_another_file_answers(tmp_path: Path) -> None:
    plan = plan_of(
        '**"QLoRA"**',
        '**"Mamba-3"**',
        '**"Attention Is All You Need"**',
        '**"A Wait-Free Stack"**',
    )
    files = {
        "lora-hu-2021.pdf": LORA,
        "Mamba-1.pdf": MAMBA,
        "transformer.pdf": ATTENTION,  # holds "Attention Is All You Need" by its first page
        "attention-is-all.pdf": IMAGE_ONLY,
        "A Wait-Free Stack.pdf": IMAGE_ONLY + b"\n%stack\n",  # holds its title by its name
        "wait-free-stack.pdf": IMAGE_ONLY + b"\n%copy\n",
    }
    repo = repo_with(tmp_path, plan, files)
    unlisted = summary(repo, "unlisted-paper")
    assert [path for path, _, _ in unlisted] == [
        "papers/Mamba-1.pdf",
        "papers/attention-is-all.pdf",
        "papers/lora-hu-2021.pdf",
        "papers/wait-free-stack.pdf",
    ]
    assert all("resembles" not in message for _, _, message in unlisted)
    assert {finding.hint for finding in findings(repo, "unlisted-paper")} == {
        "add it to the plan, or move it out of the plan's folders"
    }


def test_one_title_is_hinted_at_one_file(tmp_path: Path) -> None:
    plan = plan_of('**"Deep Residual Learning for Image Recognition"**', '**"LoRA"**')
    files = {
        "lora.pdf": LORA,  # a paper found: the plan reads papers in this folder
        "deep-residual-learning.pdf": IMAGE_ONLY,
        "deep-residual.pdf": IMAGE_ONLY + b"\n%copy\n",
    }
    hinted = [
        path
        for path, _, message in summary(repo_with(tmp_path, plan, files), "unlisted-paper")
        if "resembles" in message
    ]
    assert hinted == ["papers/deep-residual-learning.pdf"]


@pytest.mark.parametrize(
    "default",
    [
        "New Note",
        "Untitled",
        "Untitled-3",
        "Microsoft Word - lecture2.doc",
        "Microsoft PowerPoint - week1",
        "Slide 1",
        "Presentation1",
        "PowerPoint Presentation",
        "untitled.pdf",
        "lecture_03_v2",
        "Document1",
        "Scanned Document",
        "Paper Title (use style: paper title)",
        "Без названия",
    ],
)
def test_an_apps_default_title_or_a_file_name_is_no_identity(default: str) -> None:
    identity = reading.read(pdf(["Week 3: Hash Tables"], title=default))
    assert identity.title == ""
    assert match([Wanted((default,))], {"p.pdf": identity}) == {}


@pytest.mark.parametrize(
    "title", ["Notes on Category Theory", "Document Clustering with Graphs", "Llama 2"]
)
def test_a_real_title_that_starts_like_a_default_is_kept(title: str) -> None:
    assert reading.read(pdf(["x"], title=title)).title == title


def test_lecture_notes_an_app_called_new_note_are_not_one_paper(tmp_path: Path) -> None:
    files = {
        "week1.pdf": pdf(["Week 1: Sorting"], title="New Note"),
        "week2.pdf": pdf(["Week 2: Graphs"], title="New Note"),
        "slides1.pdf": pdf(["Lecture 1"], title="Slide 1"),
        "slides2.pdf": pdf(["Lecture 2"], title="Slide 1"),
        "lora.pdf": LORA,
    }
    repo = repo_with(tmp_path, plan_of('**"LoRA"**'), files)
    assert summary(repo, "duplicate-paper") == []


def test_no_hint_renames_a_file_another_plans_paper_is(tmp_path: Path) -> None:
    step = "# Plan\n\n## Phase 1: papers\n\n### Step 1: read\n\n"
    repo = make_repo(
        tmp_path / "study",
        {
            ".papershelf.toml": 'plan = ["README.md", "a/README.md"]\n' + RULES,
            "README.md": step + '- **"Deep Residual Learning"**\n',
            "a/README.md": step
            + '- **"Attention Is All You Need"**\n'
            + '- **"Deep Residual Learning for Image Recognition"**\n',
            "a/attention.pdf": ATTENTION,
            "a/deep-residual-learning.pdf": IMAGE_ONLY,  # the first plan's paper, by its name
        },
    )
    unlisted = summary(repo, "unlisted-paper")
    assert (
        "a/deep-residual-learning.pdf",
        "info",
        "`a/deep-residual-learning.pdf` is a paper the plan does not name",
    ) in unlisted
    assert all("resembles" not in message for _, _, message in unlisted)


def test_a_metadata_title_written_as_a_label_is_read_as_one() -> None:
    found = {"p.pdf": reading.read(pdf(["Hendler"], title="A Wait-Free Stack (2015)"))}
    assert match([Wanted(("A Wait-Free Stack",))], found) == {0: ("p.pdf", "metadata", 100.0)}


def test_a_label_longer_than_any_title_has_no_bare_title() -> None:
    assert bare_title("A Wait-Free Stack (2015)" + " and more" * 40) == ""
