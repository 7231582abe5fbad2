"""Where a paper's PDF comes from, its file name, and each host's pace: no network here."""

from __future__ import annotations

import time

import pytest

from papershelf.fetch.http import Hosts, Settings
from papershelf.fetch.sources import Source, source_of, sources
from papershelf.fetch.wanted import portable_file_name
from papershelf.repo.names import is_windows_reserved


@pytest.mark.parametrize(
    ("link", "url", "kind"),
    [
        ("https://arxiv.org/abs/1706.03762", "https://arxiv.org/pdf/1706.03762", "arxiv"),
        ("https://arxiv.org/abs/1706.03762v5", "https://arxiv.org/pdf/1706.03762", "arxiv"),
        ("http://arxiv.org/pdf/1706.03762v2.pdf", "https://arxiv.org/pdf/1706.03762", "arxiv"),
        (
            "https://export.arxiv.org/abs/hep-th/9901001",
            "https://arxiv.org/pdf/hep-th/9901001",
            "arxiv",
        ),
        ("arXiv:1810.04805v2", "https://arxiv.org/pdf/1810.04805", "arxiv"),
        ("arXiv: math.DS/0411343", "https://arxiv.org/pdf/math.DS/0411343", "arxiv"),
        (
            "https://openreview.net/forum?id=nZeVKeeFYf9",
            "https://openreview.net/pdf?id=nZeVKeeFYf9",
            "openreview",
        ),
        (
            "https://aclanthology.org/2020.acl-main.463/",
            "https://aclanthology.org/2020.acl-main.463.pdf",
            "acl",
        ),
        (
            "https://www.aclweb.org/anthology/P19-1285",
            "https://aclanthology.org/P19-1285.pdf",
            "acl",
        ),
        (
            "https://proceedings.mlr.press/v139/radford21a.html",
            "https://proceedings.mlr.press/v139/radford21a/radford21a.pdf",
            "pmlr",
        ),
        (
            "https://papers.nips.cc/paper/2017/hash/3f5ee243547dee91fbd053c1c4a845aa-Abstract.html",
            "https://papers.nips.cc/paper/2017/file/3f5ee243547dee91fbd053c1c4a845aa-Paper.pdf",
            "neurips",
        ),
        (
            "https://proceedings.neurips.cc/paper_files/paper/2022/hash/"
            "b1efde53be364a73914f58805a001731-Abstract-Conference.html",
            "https://proceedings.neurips.cc/paper_files/paper/2022/file/"
            "b1efde53be364a73914f58805a001731-Paper-Conference.pdf",
            "neurips",
        ),
        (
            "https://openaccess.thecvf.com/content_cvpr_2016/html/He_Deep_CVPR_2016_paper.html",
            "https://openaccess.thecvf.com/content_cvpr_2016/papers/He_Deep_CVPR_2016_paper.pdf",
            "cvf",
        ),
        ("https://example.org/papers/x.PDF#page=2", "https://example.org/papers/x.PDF", "pdf"),
        ("https://example.org/get.pdf?download=1", "https://example.org/get.pdf?download=1", "pdf"),
        ("doi:10.1145/3290354", "https://doi.org/10.1145/3290354", "doi"),
        ("https://dx.doi.org/10.1145/3290354", "https://doi.org/10.1145/3290354", "doi"),
        ("https://example.org/blog/post", "https://example.org/blog/post", "page"),
    ],
)
def test_a_link_becomes_its_pdf_source(link: str, url: str, kind: str) -> None:
    source = source_of(link)
    assert source is not None
    assert (source.url, source.kind) == (url, kind)
    assert source.sure == (kind not in ("doi", "page"))


@pytest.mark.parametrize("written", ["", "see the book", "ftp://example.org/x.pdf", "arXiv:"])
def test_what_is_no_link_gives_no_source(written: str) -> None:
    assert source_of(written) is None


def test_sources_come_most_trusted_first_and_once() -> None:
    found = sources(
        [
            "https://doi.org/10.1145/3290354",
            "https://example.org/x.pdf",
            "https://arxiv.org/abs/1706.03762v3",
            "arXiv:1706.03762",
        ]
    )
    assert [source.kind for source in found] == ["arxiv", "pdf", "doi"]
    assert found[0] == Source("https://arxiv.org/pdf/1706.03762", "arxiv", True)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Attention Is All You Need", "Attention Is All You Need.pdf"),
        ("Input/Output: a study", "Input Output a study.pdf"),
        ('Why "Attention" Works?', "Why Attention Works.pdf"),
        ("Внимание: всё", "Внимание всё.pdf"),
        ("nul", "nul (paper).pdf"),
        ("Com1.", "Com1 (paper).pdf"),
        ("a\u202etxt.exe", "atxt.exe.pdf"),
        ("e\u0301te\u0301", "\u00e9t\u00e9.pdf"),  # NFD written, NFC named
        ("...", "paper.pdf"),
    ],
)
def test_a_title_gets_a_portable_file_name(title: str, name: str) -> None:
    assert portable_file_name(title, "papers") == name
    assert not is_windows_reserved(name)


def test_a_long_title_keeps_the_whole_path_under_260_characters() -> None:
    folder = "a" * 200
    name = portable_file_name("word " * 100, folder)
    assert len(f"{folder}/{name}") <= 260
    assert name.endswith(".pdf") and not name[:-4].endswith((" ", "."))


def test_each_host_is_paced_on_its_own() -> None:
    hosts = Hosts(Settings(interval=0.3))
    started = time.monotonic()
    for host in ("a.example", "b.example", "a.example", "b.example", "a.example"):
        hosts.wait_turn(host)
    assert 0.55 <= time.monotonic() - started < 1.15  # a at 0, 0.3, 0.6; b beside it


def test_arxiv_is_asked_once_every_three_seconds_on_one_connection() -> None:
    assert Settings().pace("arxiv.org") == (3.0, 1)
    assert Settings().pace("example.org") == (0.0, 2)
    assert Settings(interval=0.0, connections=8).pace("arxiv.org") == (0.0, 8)


def test_a_mirror_serves_the_urls_under_its_prefix() -> None:
    settings = Settings(mirrors=(("https://arxiv.org", "http://127.0.0.1:9/arxiv"),))
    assert settings.mirrored("https://arxiv.org/pdf/1") == "http://127.0.0.1:9/arxiv/pdf/1"
    assert settings.mirrored("https://example.org/x.pdf") == "https://example.org/x.pdf"
