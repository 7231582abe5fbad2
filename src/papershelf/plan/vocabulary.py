"""The words the plan reader knows: what link text says that is not a title, and which
table columns hold titles. English and Russian, as the plans papershelf reads are."""

from __future__ import annotations


def _words(lines: tuple[str, ...]) -> frozenset[str]:
    return frozenset(word for line in lines for word in line.split())


_GENERIC = (
    "pdf paper papers article link links code source tweet thread arxiv url here html",
    "slide slides video videos blog post project page website site demo github repo",
    "repository abs abstract poster talk openreview doi official supp supplementary bib",
    "bibtex youtube colab notebook notebooks huggingface hf weights checkpoint docs",
    "documentation main extra bonus optional assignment assignments homework hw seminar",
    "seminars lecture lectures notes note recording playlist original the a an full",
    "version preprint arxiv.org",
    "статья статьи код слайды видео ссылка ссылки презентация конспект лекция лекции",
    "семинар запись домашка задание",
)
# Words that name a kind of link or material, not a paper: link text made only of these
# (``[pdf]``, ``[Lecture slides]``, ``[main]``, ``[код]``) is never a title.
GENERIC_WORDS = _words(_GENERIC)

_MATERIAL = (
    "slide slides lecture lectures notes homework hw assignment assignments seminar seminars",
    "video videos recording playlist notebook notebooks colab demo poster talk blog post",
    "website site tutorial tutorials course test quiz form",
    "слайды видео лекция лекции семинар конспект домашка задание презентация запись",
)
# Words that name material a course hands out or a page to visit, not a paper: a link
# whose text says one of these (``[Slides](l3.pdf)``, ``[video]``) is not the paper.
MATERIAL_WORDS = _words(_MATERIAL)

_DESCRIBING = (
    "great awesome nice cool excellent amazing brilliant friendly gentle",
    "series guide tutorial tutorials playlist course blog notebooks walkthrough cheatsheet podcast",
)
# Words by which link text describes what it leads to, as a sentence does ("a great series
# of notebooks", "PyTorch tutorial"), where a title would name a work ("A Guide to …").
DESCRIBING_WORDS = _words(_DESCRIBING)

# A table column under one of these headers holds the papers' titles.
TITLE_HEADERS = frozenset(
    {"paper", "papers", "title", "name", "статья", "название", "работа", "论文", "标题"}
)
