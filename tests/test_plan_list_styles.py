"""Paper lists in the styles awesome lists, reading lists and course READMEs are written in:
a bold name before a quoted title, a ``[[paper]]`` mark with no link yet, numbered and
dated titles, citations with the title in quotes or a GB/T type mark, and the links a
course hands out (slides, tutorials, a repository to visit) that are not papers."""

from __future__ import annotations

from pathlib import Path

import pytest

from checking import summary
from gitrepo import make_repo
from papershelf.plan import parse


def papers(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(i.name, i.identifiers) for i in parse(text).items() if i.kind == "paper"]


def titles(text: str) -> list[str]:
    return [name for name, _ in papers(text)]


def test_a_bold_name_and_a_colon_before_a_quoted_title() -> None:
    text = (
        '* **ViT**: "An Image is Worth 16x16 Words: Transformers for Image Recognition at '
        'Scale", ICLR, 2021 (*Google*). [[Paper](https://arxiv.org/abs/2010.11929)]'
        "[[JAX](https://github.com/google-research/vision_transformer)]\n"
        '* **?**: "Patches Are All You Need?", arXiv, 2022 (*CMU*). '
        "[[Paper](https://arxiv.org/abs/2201.09792)]\n"
        '* **MiM**: "Masked Image Modeling at Scale", arXiv, 2022. '
        "[[Paper](https://arxiv.org/abs/2206.00001)]\n"
    )
    assert papers(text) == [
        (
            "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
            ("https://arxiv.org/abs/2010.11929", "arXiv:2010.11929"),
        ),
        ("Patches Are All You Need?", ("https://arxiv.org/abs/2201.09792", "arXiv:2201.09792")),
        (
            "Masked Image Modeling at Scale",
            ("https://arxiv.org/abs/2206.00001", "arXiv:2206.00001"),
        ),
    ]


def test_a_plain_label_and_a_quote_is_not_a_title() -> None:
    assert titles('- Note: "read the appendix before the proofs"\n') == []


def test_a_paper_mark_with_no_link_yet_ends_the_title() -> None:
    text = (
        "* Speech synthesis\n"
        "  - WaveGlow: A Flow-based Generative Network for Speech Synthesis [[paper]] "
        "[[code]](https://github.com/NVIDIA/waveglow)\n"
        "  - Tacotron [[paper]] [[pytorch]](https://github.com/someone/tacotron)\n"
        "  - FastSpeech 2 (ICLR 2021) [[Paper]] [[code]](https://github.com/someone/fs2)\n"
    )
    assert titles(text) == [
        "WaveGlow: A Flow-based Generative Network for Speech Synthesis",
        "Tacotron",
        "FastSpeech 2",
    ]


def test_a_link_that_only_says_link_to_a_code_host_is_a_repository() -> None:
    text = (
        "1. Speech Processing Lecture Notes [[link]](https://github.com/someone/notes)\n"
        "2. Deep Speech: Scaling up end-to-end speech recognition [[link]]"
        "(https://arxiv.org/abs/1412.5567)\n"
    )
    assert titles(text) == ["Deep Speech: Scaling up end-to-end speech recognition"]


@pytest.mark.parametrize(
    ("line", "title"),
    [
        (
            "- **07.Going Deeper with Convolutions** : [**Paper**](https://arxiv.org/abs/1409.4842)"
            " || [**Code**](https://github.com/someone/inception)",
            "Going Deeper with Convolutions",
        ),
        (
            "- **02. Network in Network** : [**Paper**](https://arxiv.org/abs/1312.4400)",
            "Network in Network",
        ),
        (
            "* [arXiv] [A Tour of TensorFlow (2016)](https://arxiv.org/abs/1610.01178)",
            "A Tour of TensorFlow",
        ),
        (
            "- [1.58-bit Language Models Explained](https://arxiv.org/abs/2402.17764)",
            "1.58-bit Language Models Explained",
        ),
    ],
)
def test_list_numbers_and_a_closing_year_are_not_part_of_the_title(line: str, title: str) -> None:
    assert titles(line + "\n") == [title]


def test_a_numbered_bold_title_under_a_year_heading_in_a_list() -> None:
    text = (
        "## Papers List\n\n- ### 2014\n"
        "  - **05.Generative Adversarial Networks** : [**Paper**](https://arxiv.org/abs/1406.2661)\n"
        "- ### 2016\n"
        "  - **13.Deep Residual Learning for Image Recognition** : "
        "[**Paper**](https://arxiv.org/abs/1512.03385)\n"
    )
    assert titles(text) == [
        "Generative Adversarial Networks",
        "Deep Residual Learning for Image Recognition",
    ]


def test_a_citation_with_its_title_in_quotes() -> None:
    text = (
        '1.\tIoffe, Sergey, and Christian Szegedy. "Batch normalization: Accelerating deep '
        'network training by reducing internal covariate shift." arXiv preprint '
        "arXiv:1502.03167 (2015).\n"
        '2.\tLeCun, Yann, Yoshua Bengio, and Geoffrey Hinton. "Deep learning." Nature '
        "521.7553 (2015): 436-444\n"
        '* Richard Bellman, "A Markovian Decision Process" - [pdf](https://example.org/b57.pdf)\n'
    )
    assert papers(text) == [
        (
            "Batch normalization: Accelerating deep network training by reducing internal "
            "covariate shift",
            ("arXiv:1502.03167",),
        ),
        ("Deep learning", ()),
        ("A Markovian Decision Process", ("https://example.org/b57.pdf",)),
    ]


def test_a_gbt_citation_ends_its_title_at_the_type_mark() -> None:
    text = (
        "10. Deng J, Dong W, Socher R, et al. ImageNet: A large-scale hierarchical image "
        "database[C]//2009 IEEE conference on computer vision and pattern recognition. "
        "IEEE, 2009: 248-255.\n"
        "11. Hochreiter S, Schmidhuber J. Long short-term memory[J]. Neural computation, "
        "1997, 9(8): 1735-1780.\n"
    )
    assert titles(text) == [
        "ImageNet: A large-scale hierarchical image database",
        "Long short-term memory",
    ]


FURTHER_READING = (
    "## Week 4: Approximate Q-learning\n\n"
    "### Further reading\n"
    "* [A great series of notebooks going from tabular Q-learning to Rainbow]"
    "(https://github.com/someone/rl-notebooks)\n"
    "* [in pytorch] A great series starting from simple DQN to the newest methods - "
    "[url](https://github.com/someone/rl-adventure)\n"
    "* A gentle guide to deep Q-networks (blog) - [url](https://example.org/dqn-guide)\n"
    "* Lecture by D. Silver on value approximation - [video](https://www.youtube.com/watch?v=1)\n"
    "* [A Guide to Convolution Arithmetic for Deep Learning](https://arxiv.org/abs/1603.07285)\n"
    "* Article on double DQN - [arxiv](https://arxiv.org/abs/1509.06461)\n"
)


def test_further_reading_that_describes_tutorials_names_no_paper() -> None:
    """A link text that reads as a sentence about what it leads to ("a great series …"),
    pointing nowhere a paper is kept, is a tutorial to visit; a guide on arXiv is a paper."""
    assert titles(FURTHER_READING) == [
        "A Guide to Convolution Arithmetic for Deep Learning",
        "Article on double DQN",
    ]


def test_a_course_readme_with_further_reading_has_no_missing_tutorials(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "course",
        {
            "README.md": "# RL course\n\n- [Week 4](./week04_approx_rl)\n",
            "week04_approx_rl/README.md": FURTHER_READING,
            "week04_approx_rl/seminar.ipynb": "{}",
        },
    )
    reported = summary(repo, "missing-paper") + summary(repo, "missing-path")
    assert not [finding for finding in reported if "great series" in finding[2]]
    assert [finding for finding in reported if finding[1] == "error"] == []


def test_slides_and_forms_in_a_course_table_are_not_papers() -> None:
    text = (
        "| Date | Content | Slides | WarmUp test |\n|---|---|---|---|\n"
        "| 22.03 | RL introduction | [Slides](https://github.com/o/rl/blob/main/l01.pdf) | "
        "[Warm up test](https://docs.google.com/forms/d/e/1/viewform) |\n"
        "| 29.03 | Proximal Policy Optimization | [Slides](https://example.org/l02.pdf) | "
        "[paper](https://arxiv.org/abs/1707.06347) |\n"
    )
    assert titles(text) == ["Proximal Policy Optimization"]


def test_a_local_pdf_called_slides_is_a_file_and_a_pdf_link_is_a_paper() -> None:
    plan = parse(
        "[Lecture Slides](./lect06_policy_gradient.pdf)\n\n"
        "- Policy Gradient Methods with Function Approximation [pdf](./sutton2000.pdf)\n"
    )
    assert [(item.kind, item.name) for item in plan.items()] == [
        ("file", "lect06_policy_gradient.pdf"),
        ("paper", "Policy Gradient Methods with Function Approximation"),
    ]


def test_a_quoted_word_inside_a_phrase_is_not_a_title() -> None:
    text = (
        '* "Deep" version: variational information maximizing exploration - '
        "[video](https://www.youtube.com/watch?v=2)\n"
        '* Lecture: bandits, UCB, Thompson sampling. "Deep" heuristics for exploration.\n'
        '* "Attention" by Bahdanau et al. - [pdf](https://arxiv.org/pdf/1409.0473)\n'
    )
    assert titles(text) == ["Attention"]


def test_a_quote_that_opens_a_longer_title_is_not_cut_at_its_close() -> None:
    text = (
        '* Marco Tulio Ribeiro et al.: "Why Should I Trust You?": Explaining the Predictions '
        "of Any Classifier, KDD 2016.\n"
    )
    assert titles(text) != ["Why Should I Trust You?"]


def test_an_article_titled_as_a_guide_is_kept_and_a_sentence_about_one_is_not() -> None:
    text = (
        "* [A Guide to Search Ranking Systems](https://blog.example.com/ranking) (2021)\n"
        "* [PyTorch tutorial](https://pytorch.org/tutorials/beginner/basics)\n"
        "* [Blog post on eligibility traces](https://example.org/traces)\n"
    )
    assert titles(text) == ["A Guide to Search Ranking Systems"]


def test_a_paragraph_names_a_paper_as_a_title_and_a_colon_before_its_link() -> None:
    text = (
        "[Lecture Slides](./lect06.pdf)\n\n"
        "Policy gradient for discounted rewards: [NeurIPS proceedings link]"
        "(https://proceedings.neurips.cc/paper/1999/file/464d-Paper.pdf)\n\n"
        "We will discuss it in class, see [the pdf](https://example.org/notes.pdf).\n"
    )
    assert titles(text) == ["Policy gradient for discounted rewards"]


def test_a_link_called_link_to_a_homework_does_not_make_a_row_a_paper() -> None:
    text = (
        "| Date | Content | Slides | HW |\n|---|---|---|---|\n"
        "| 29.03 | Model free | [Slides](https://example.org/l03.pdf) | "
        "[link](https://github.com/o/rl/blob/main/homework01.ipynb) |\n"
    )
    assert titles(text) == []


def test_a_venue_and_year_in_brackets_close_a_plain_title() -> None:
    line = (
        "- Emotion Recognition from Speech Using Wav2vec 2.0 Embeddings (Interspeech 2021) "
        "[[paper]] [[code]](https://github.com/someone/ser)\n"
    )
    assert titles(line) == ["Emotion Recognition from Speech Using Wav2vec 2.0 Embeddings"]


def test_a_name_shown_as_an_example_is_not_in_the_plan() -> None:
    text = (
        "## Contributing\n"
        "* Paper names are dashed (example: `out-of-the-tar-pit.pdf`), folders too, "
        "e.g. `distributed_systems/`\n"
        "* Read `papers/out-of-the-tar-pit.pdf` first\n"
    )
    assert [(item.kind, item.name) for item in parse(text).items()] == [
        ("file", "papers/out-of-the-tar-pit.pdf")
    ]


def test_a_title_before_links_that_say_what_they_are() -> None:
    text = (
        "## Полезная литература:\n\n"
        "1. Pattern Recognition and Machine Learning; [English link](https://example.org/prml), "
        "[Русский перевод](https://example.ru/prml)\n"
        "2. Lecture notes on kernels; [Lecture notes link](https://example.org/kernels.pdf)\n"
    )
    assert titles(text) == ["Pattern Recognition and Machine Learning"]


def test_a_heading_names_the_paper_its_paragraph_links() -> None:
    text = (
        "# Paper notes\n\n## 2017\n\n### Attention Is All You Need\n"
        "**Authors:** Vaswani et al.  \n"
        "[[paper]](https://arxiv.org/abs/1706.03762) [[code]](https://github.com/o/t2t)\n\n"
        "Summary: the transformer.\n\n### ResNet\n[pdf](https://arxiv.org/pdf/1512.03385)\n\n"
        "## Week 3\n[pdf](https://example.org/w3.pdf)\n\n"
        "### 1.2 Agents\nSee: [[Paper](https://arxiv.org/abs/2503.00001)]\n\n"
        "## Readings\n[pdf](https://example.org/r.pdf)\n"
    )
    assert papers(text) == [
        (
            "Attention Is All You Need",
            ("https://arxiv.org/abs/1706.03762", "arXiv:1706.03762"),
        ),
        ("ResNet", ("https://arxiv.org/pdf/1512.03385", "arXiv:1512.03385")),
    ]
