"""The words the plan reader knows: what link text says that is not a title, and which
table columns hold titles. English and Russian, as the plans papershelf reads are."""

from __future__ import annotations

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
GENERIC_WORDS = frozenset(word for line in _GENERIC for word in line.split())

# A table column under one of these headers holds the papers' titles.
TITLE_HEADERS = frozenset(
    {"paper", "papers", "title", "name", "статья", "название", "работа", "论文", "标题"}
)
