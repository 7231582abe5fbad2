"""The formats real reading lists are written in, each read with its titles (one test apiece)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checking import summary
from gitrepo import make_repo
from papershelf.cli import main
from papershelf.plan import parse
from papershelf.plan.conventions import CONVENTIONS, is_generic


def papers(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(i.name, i.identifiers) for i in parse(text).items() if i.kind == "paper"]


def titles(text: str) -> list[str]:
    return [name for name, _ in papers(text)]


def test_an_awesome_list_item_with_a_bold_title_and_a_pdf_link() -> None:
    text = "- **Batch Normalization** (2015), S. Ioffe [[pdf]](https://arxiv.org/pdf/1502.03167)\n"
    assert papers(text) == [
        ("Batch Normalization", ("https://arxiv.org/pdf/1502.03167", "arXiv:1502.03167"))
    ]


def test_a_numbered_citation_with_a_quoted_bold_title() -> None:
    text = (
        '**[19]** Oord, et al. "**WaveNet: A Generative Model for Raw Audio**." '
        "arXiv:1609.03499 (2016). [[pdf]](https://arxiv.org/pdf/1609.03499)\n"
    )
    assert titles(text) == ["WaveNet: A Generative Model for Raw Audio"]


def test_a_numbered_bold_title_with_authors_and_a_paper_link() -> None:
    text = "1. **Deep Residual Learning.** *He et al.* CVPR 2016. [paper](https://arxiv.org/pdf/1512.03385)\n"
    assert titles(text) == ["Deep Residual Learning"]


def test_a_paper_table_titles_each_row_and_keeps_its_links() -> None:
    text = (
        "| Paper | Links |\n|---|---|\n"
        "| 1) **Toolformer** - tools by self-supervision "
        "| [Paper](https://arxiv.org/abs/2302.04761), [Tweet](https://x.com/a/1) |\n"
        "| 2) **LLaMA** - open models | [Paper](https://arxiv.org/abs/2302.13971) |\n"
    )
    found = papers(text)
    assert [name for name, _ in found] == ["Toolformer", "LLaMA"]
    assert "arXiv:2302.04761" in found[0][1]


def test_a_table_with_a_titled_link_in_a_paper_column() -> None:
    text = (
        "| Date | Keywords | Institute | Paper |\n|---|---|---|---|\n"
        "| 2017-06 | Transformers | Google "
        "| [Attention Is All You Need](https://arxiv.org/pdf/1706.03762.pdf) |\n"
        "| 2019-10 | T5 | Google "
        "| [Exploring the Limits of Transfer Learning](https://jmlr.org/papers/v21/20-074.html) |\n"
    )
    assert titles(text) == [
        "Attention Is All You Need",
        "Exploring the Limits of Transfer Learning",
    ]


def test_an_icon_link_beside_a_titled_link_is_one_paper_at_the_local_file() -> None:
    (paper,) = parse(
        "* [:scroll:](papers/unet.pdf) [U-Net](https://arxiv.org/abs/1505.04597)\n"
    ).items()
    assert (paper.name, paper.path) == ("U-Net", "papers/unet.pdf")


@pytest.mark.parametrize(
    "text", ["pdf", "[pdf]", "Paper", "code", "Tweet", ":scroll:", "📄", "https://x.org/a", "[1]"]
)
def test_generic_link_text_is_never_a_title(text: str) -> None:
    assert is_generic(text)
    assert titles(f"- [{text}](https://arxiv.org/abs/1706.03762)\n") == []


def test_a_link_text_spanning_lines_and_escapes_are_read_as_written() -> None:
    text = (
        "- [A study in Rashomon curves: a new perspective on\n"
        "  generalization](https://arxiv.org/pdf/1908.01755.pdf)\n"
        "- [Attention \\[is\\] all](https://arxiv.org/abs/1706.03762\n  )\n"
    )
    assert titles(text) == [
        "A study in Rashomon curves: a new perspective on generalization",
        "Attention [is] all",
    ]


def test_a_folder_link_with_dot_slash_is_the_folder_and_percent_escapes_are_decoded() -> None:
    found = [(i.kind, i.path) for i in parse("* [week 1](./week01_intro)\n* [x](a%26b/)\n").items()]
    assert found == [("folder", "week01_intro"), ("folder", "a&b")]


def test_a_nested_folder_link_does_not_move_its_siblings() -> None:
    text = (
        "* [Causality](https://arxiv.org/abs/1000.00001)\n"
        "  * [📂 Summary](judea_pearl/)\n"
        "* [Later paper](https://arxiv.org/abs/1000.00002)\n"
    )
    later = [i for i in parse(text).items() if i.name == "Later paper"]
    assert later[0].path is None


def test_inline_code_that_is_a_formula_is_not_a_folder() -> None:
    assert list(parse("- the bound is `k = O(1/eps^2 log d)` here\n").items()) == []


def test_a_quoted_title_with_its_copies_in_sub_bullets() -> None:
    text = '* "Why Should I Trust You?" by Ribeiro\n  * [arXiv](https://arxiv.org/abs/1602.04938)\n'
    assert titles(text)[0] == "Why Should I Trust You?"


def test_examples_with_code_and_notebook_links_are_not_papers() -> None:
    text = (
        "- **Hello World** ([notebook](https://github.com/x/y/blob/a.ipynb)) "
        "([code](https://github.com/x/y/blob/a.py))\n"
    )
    assert titles(text) == []


def test_every_convention_reads_its_own_example() -> None:
    for convention in CONVENTIONS:
        example = convention.example.replace("…", "x")
        if convention.name == "table row":
            example = "| Title | Links |\n|---|---|\n" + example
        assert titles(example + "\n"), convention.name


@pytest.mark.parametrize(
    "text",
    [
        "# " + " " * 3000 + "x\n",
        "- " + "`a/b` " * 10_000 + "\n",
        "**“" * 40_000 + "\n",
        "[a](b) `c/d` " * 5_000 + "\n",
    ],
)
def test_hostile_plans_are_read(text: str) -> None:
    """Each took 8–21 s with the line-by-line reader; markdown-it is linear by design
    (``make bench`` times them; ``pytest --durations`` shows a regression here)."""
    assert parse(text).title in ("", "x")


def test_a_readme_listing_papers_is_the_plan_without_configuration(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {
            "README.md": "# Papers\n\n- [U-Net](papers/unet.pdf)\n- [Gone](papers/gone.pdf)\n",
            "papers/unet.pdf": b"%PDF-1.4\n",
        },
    )
    assert summary(repo, "missing-paper") == [
        ("papers", "warning", '"Gone" is missing: the plan reads it here')
    ]


def test_a_readme_that_is_only_documentation_adds_no_findings(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {"README.md": "# Tool\n\nInstall with `pip install tool`.\n", "src/x.py": "x"},
    )
    assert summary(repo, "missing-path") == [
        (".", "info", "no reading plan found, so only the hygiene rules ran")
    ]


def test_explain_names_the_convention_that_made_each_paper() -> None:
    from papershelf.plan import explain

    notes = [taken for _, _, taken in explain("| Paper |\n|---|\n| **LLaMA** |\n")]
    assert notes == ['paper "LLaMA"; by convention: table row']


def test_citations_name_their_authors_then_the_title() -> None:
    text = (
        "* Kevin Knight: Bayesian Inference with Tears, 2009.\n"
        "* John Lafferty, Andrew McCallum, Fernando C.N. Pereira: Conditional Random Fields: "
        "Probabilistic Models for Segmenting and Labeling Sequence Data, ICML 2001.\n"
        "* Kamal Nigam, et al.: Text Classification from Labeled and Unlabeled Documents "
        "using EM. Machine Learning, 1999.\n"
        "* Charles Sutton, Andrew McCallum. An Introduction to Conditional Random Fields.\n"
        "* Python: a language, 2020.\n"
        "* Week One: introduction\n"
    )
    assert titles(text) == [
        "Bayesian Inference with Tears",
        "Conditional Random Fields: Probabilistic Models for Segmenting and Labeling Sequence Data",
        "Text Classification from Labeled and Unlabeled Documents using EM",
        "An Introduction to Conditional Random Fields",
    ]


def test_every_present_paper_has_where_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    repo = make_repo(
        tmp_path / "r",
        {
            "STUDY_PLAN.md": '## Week 1\n\nGo to `w1`.\n\n- **"U-Net"**\n- [LoRA](w1/lora.pdf)\n',
            "w1/U-Net.pdf": b"%PDF-1.4\n",
            "w1/lora.pdf": b"%PDF-1.4\n",
        },
    )
    assert main(["plan", "--format", "json", str(repo)]) == 0
    document = json.loads(capsys.readouterr().out)
    found = {
        item["name"]: item["where"]
        for phase in document["phases"]
        for step in phase["steps"]
        for item in step["items"]
        if item["kind"] == "paper"
    }
    assert found == {"U-Net": "w1/U-Net.pdf", "LoRA": "w1/lora.pdf"}


def test_a_link_to_the_repositorys_own_file_on_its_forge_is_that_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`github.com/OWNER/REPO/blob/main/x.pdf` for a committed `x.pdf` is present, not
    online, and the file is listed, not `unlisted`."""
    repo = make_repo(
        tmp_path / "r",
        {
            "STUDY_PLAN.md": "- [Deep Residual Learning](https://github.com/me/papers/blob/main/"
            "vision/he%202015.pdf)\n",
            "vision/he 2015.pdf": b"%PDF-1.4\n",
        },
    )
    assert summary(repo, "unlisted-paper") == []
    assert main(["plan", "--format", "json", str(repo)]) == 0
    (item,) = json.loads(capsys.readouterr().out)["phases"][0]["steps"][0]["items"]
    assert (item["status"], item["where"]) == ("present", "vision/he 2015.pdf")


def test_a_folder_git_ignores_is_not_missing(tmp_path: Path) -> None:
    """`Put the data in `data/raw`.` names a folder the repository keeps out of git on
    purpose: it cannot be committed, so it is not missing."""
    repo = make_repo(
        tmp_path / "r",
        {
            "README.md": "# Course\n\nPut the data in `data/raw`, then open `notebooks/`.\n",
            "notebooks/a.ipynb": "{}",
            ".gitignore": "data/\n",
        },
    )
    assert summary(repo, "missing-path") == []
    (repo / ".gitignore").write_text("*.log\n", encoding="utf-8")  # not staged: still read
    assert summary(repo, "missing-path") == [
        ("data/raw", "error", "the plan's folder `data/raw` is missing")
    ]


@pytest.mark.parametrize(
    ("line", "title"),
    [
        (
            "- Attention Is All You Need. Vaswani et al. NeurIPS 2017. "
            "[[pdf]](https://arxiv.org/pdf/1706.03762)",
            "Attention Is All You Need",
        ),
        (
            "- Deep Residual Learning for Image Recognition, He et al., CVPR 2016 "
            "[pdf](https://arxiv.org/abs/1512.03385)",
            "Deep Residual Learning for Image Recognition",
        ),
        (
            "- Dropout: A Simple Way to Prevent Overfitting - N. Srivastava, G. Hinton - "
            "JMLR 2014 [pdf](http://jmlr.org/papers/v15/srivastava14a.pdf)",
            "Dropout: A Simple Way to Prevent Overfitting",
        ),
        (
            "- *Playing Atari with Deep RL*, Mnih et al. 2013. [pdf](https://arxiv.org/pdf/1312.5602)",
            "Playing Atari with Deep RL",
        ),
    ],
)
def test_a_plain_title_before_a_generic_link_is_the_title(line: str, title: str) -> None:
    assert titles(line + "\n") == [title]


def test_material_before_a_generic_link_is_no_paper() -> None:
    assert titles("- Lecture 3 slides [pdf](https://example.org/l3.pdf)\n") == []


def test_tags_and_prose_words_are_not_titles() -> None:
    text = (
        "* __[recommended]__ - evolution strategies as an alternative - "
        "[blog post](https://openai.com/research/es), [article](https://arxiv.org/abs/1703.03864)\n"
        "* crossentropy method in [general](https://example.org/ce.pdf) and for "
        "[optimization](https://example.org/ceopt.pdf)\n"
        "* [en] Notes on vector and matrix derivatives - [pdf](https://example.org/d.pdf)\n"
    )
    assert titles(text) == [
        "evolution strategies as an alternative",
        "Notes on vector and matrix derivatives",
    ]


def test_a_table_cell_of_several_titled_links_is_one_paper_each() -> None:
    text = (
        "| Week | Readings |\n|---|---|\n"
        "| 1 | [Attention Is All You Need](https://arxiv.org/abs/1706.03762), "
        "[BERT](https://arxiv.org/abs/1810.04805) |\n"
    )
    assert papers(text) == [
        ("Attention Is All You Need", ("https://arxiv.org/abs/1706.03762", "arXiv:1706.03762")),
        ("BERT", ("https://arxiv.org/abs/1810.04805", "arXiv:1810.04805")),
    ]


def test_paper_lists_beside_the_readme_are_read_and_paperwork_is_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no configuration, markdown files that list papers are the plan too; the
    repository's paperwork (CONTRIBUTING.md) and files naming folders that are not there
    (a tool's docs) are not."""
    repo = make_repo(
        tmp_path / "r",
        {
            "README.md": "# LLM papers\n\nSee the lists in `paper_list/`.\n",
            "paper_list/alignment.md": "- **InstructGPT** [paper](https://arxiv.org/abs/2203.02155)\n",
            "CONTRIBUTING.md": "- **Your Paper** [paper](https://arxiv.org/abs/2401.00001)\n",
            "docs/usage.md": "- [Our Paper](https://arxiv.org/abs/2401.00002) in `build/`, "
            "`dist/` and `out/`\n",
        },
    )
    assert main(["plan", "--format", "json", str(repo)]) == 0
    document = json.loads(capsys.readouterr().out)
    names = [
        item["name"]
        for plan in document.get("plans", [document])
        for phase in plan["phases"]
        for step in phase["steps"]
        for item in step["items"]
        if item["kind"] == "paper"
    ]
    assert names == ["InstructGPT"]


@pytest.mark.parametrize(
    "line",
    [
        "- **[Attention Is All You Need](https://example.org/attention)** - Vaswani et al.",
        "* *[Attention Is All You Need](https://arxiv.org/abs/1706.03762)* (2017)",
        '- <a href="https://arxiv.org/abs/1706.03762">Attention Is All You Need</a>',
    ],
)
def test_a_link_in_emphasis_or_an_html_anchor_is_a_titled_link(line: str) -> None:
    assert titles(line + "\n") == ["Attention Is All You Need"]


def test_html_tables_and_lists_are_read_as_markdown_ones() -> None:
    text = (
        "<table>\n<tr><th>Paper</th><th>Code</th></tr>\n"
        '<tr><td><a href="https://arxiv.org/abs/1706.03762">Attention Is All You Need</a></td>'
        '<td><a href="https://github.com/x/y">code</a></td></tr>\n</table>\n\n'
        '<ul>\n  <li><a href="https://arxiv.org/abs/1512.03385">Deep Residual Learning</a>, '
        "He et al.</li>\n  <li>Plain text</li>\n</ul>\n"
    )
    found = [(item.name, item.line) for item in parse(text).items()]
    assert found == [("Attention Is All You Need", 3), ("Deep Residual Learning", 7)]


def test_citations_by_surnames_or_one_author_with_a_year() -> None:
    text = (
        "* Collins and Singer: Unsupervised Models for Named Entity Classification, EMNLP 1999.\n"
        "* David Chiang. A Hierarchical Phrase-Based Model for Statistical Machine "
        "Translation, ACL 2005.\n"
        "* Kenton Lee at al.: End-to-end Neural Coreference Resolution, EMNLP 2017.\n"
    )
    assert titles(text) == [
        "Unsupervised Models for Named Entity Classification",
        "A Hierarchical Phrase-Based Model for Statistical Machine Translation",
        "End-to-end Neural Coreference Resolution",
    ]


def test_a_quoted_title_is_exactly_what_it_quotes_and_a_link_drops_its_byline() -> None:
    text = (
        '- **"The Early History of Smalltalk, by Alan Kay"**\n'
        "- [Data preprocessing - Tidy data - by Hadley Wickham](https://example.org/tidy.pdf)\n"
    )
    assert titles(text) == [
        "The Early History of Smalltalk, by Alan Kay",
        "Data preprocessing - Tidy data",
    ]


def test_the_reader_itself_reads_a_mojibake_plan_repaired() -> None:
    """Every way in (the check, ``plan --explain``, :func:`papershelf.plan.parse`) reads a
    plan saved through the wrong code page as it was written."""
    from papershelf.plan import explain, parse

    written = "# Глубокое обучение\n\n- **«Внимание — всё, что нужно»** [pdf](a.pdf)\n"
    garbled = written.encode("utf-8").decode("mac_roman")
    assert garbled != written
    plan = parse(garbled)
    assert plan.title == "Глубокое обучение"
    assert [item.name for item in plan.items()] == ["Внимание — всё, что нужно"]
    assert next(source for _, source, _ in explain(garbled)) == "# Глубокое обучение"
