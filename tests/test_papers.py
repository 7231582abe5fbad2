from __future__ import annotations

import os
from pathlib import Path

import pytest

from gitrepo import git, make_repo
from papershelf import papers, store
from papershelf.papers import ids, reading, scan, titles
from papershelf.papers.matching import Wanted, duplicates, match, nearest_title
from pdf_builders import damaged, pdf

LORA = pdf(
    ["LoRA: Low-Rank Adaptation of", "Large Language Models", "Edward J. Hu, Yelong Shen"],
    stamp="arXiv:2106.09685v2 [cs.CL] 16 Oct 2021",
)
ATTENTION = pdf(["A draft"], xmp_title="Attention Is All You Need", xmp_doi="10.5555/3295222")
TWO_LINES = pdf(["Functional Programming with Bananas, Lenses,", "Envelopes and Barbed Wire"])
IMAGE_ONLY = pdf(image_only=True)
ENCRYPTED = pdf(["Secret Paper Title"], password="secret")
DAMAGED = damaged(TWO_LINES)


def read_repo(root: Path, cache: bool = True) -> dict[str, reading.Identity]:
    files = [path for path in git(root, "ls-files", "-z").split("\0") if papers.is_pdf(path)]
    blobs = papers.blob_ids(root, True, files)
    return papers.identities(root, blobs, root / ".git" / "papershelf" if cache else None)


def test_ids_from_file_names() -> None:
    assert ids.from_file_name("a/2106.09685v2.pdf") == (("2106.09685",), ())
    assert ids.from_file_name("arxiv_1311.2542.pdf") == (("1311.2542",), ())
    assert ids.from_file_name("cs_0112017v1.pdf") == (("cs/0112017",), ())
    assert ids.from_file_name("10.1145_3290354.pdf") == ((), ("10.1145/3290354",))
    assert ids.from_file_name("notes 2021.1234567.pdf") == ((), ())
    assert ids.from_file_name("Attention is all you need.pdf") == ((), ())


def test_ids_a_plan_writes() -> None:
    assert ids.parse_written(
        ("arXiv:2106.09685", "https://arxiv.org/abs/math/0411343v1", "doi:10.1145/3290354")
    ) == (("2106.09685", "math/0411343"), ("10.1145/3290354",))


def test_titles_ignore_case_accents_hyphenation_and_greek() -> None:
    assert titles.compact("The Transcendence of π") == titles.compact("the transcendence of Pi")
    assert titles.compact("Ĉe la ﬁrst-order") == "celafirstorder"
    assert titles.segments("Representing Game Dialogue as Expres-\r\nsions: a study") == (
        "representinggamedialogueasexpres",
        "sions:",
        "astudy",
    )


def test_reads_an_arxiv_stamp_and_title_lines() -> None:
    identity = reading.read(LORA)
    assert identity.arxiv == ("2106.09685",)
    assert "lowrankadaptationof" in identity.head
    assert identity.note == ""


def test_reads_an_xmp_title_and_doi() -> None:
    identity = reading.read(ATTENTION)
    assert identity.title == "Attention Is All You Need"
    assert identity.dois == ("10.5555/3295222",)


def test_unreadable_pdfs_get_a_note() -> None:
    assert reading.read(IMAGE_ONLY).note.startswith("no text")
    assert reading.read(ENCRYPTED).note.startswith("encrypted")
    assert reading.read(DAMAGED).note.startswith("damaged")
    assert reading.read(b"<html>403</html>").note.startswith("not a PDF")


def test_junk_metadata_titles_are_ignored() -> None:
    assert reading.read(pdf(["Real Title Here"], title="fpca.dvi")).title == ""
    assert reading.read(pdf(["x"], title="Microsoft Word - draft7.doc")).title == ""
    assert reading.read(pdf(["x"], title="Predicate Dispatching")).title == "Predicate Dispatching"


def test_identities_are_read_once_per_blob(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {"a/p1.pdf": LORA, "a/p2.pdf": ENCRYPTED, "a/p3.pdf": DAMAGED, "a/copy.pdf": LORA},
    )
    first = read_repo(root)
    assert first["a/p1.pdf"].arxiv == ("2106.09685",)
    assert first["a/copy.pdf"] == first["a/p1.pdf"]
    assert first["a/p2.pdf"].note.startswith("encrypted")
    assert first["a/p3.pdf"].note.startswith("damaged")
    # A warm run reads the cache, no PDF: the work tree's files may even be gone.
    for name in ("p1", "p2", "p3", "copy"):
        os.remove(root / "a" / f"{name}.pdf")
    assert read_repo(root) == first


def test_a_changed_work_tree_file_is_read_from_git(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"p.pdf": LORA})
    (root / "p.pdf").write_bytes(ATTENTION)  # edited, not staged: the index still has LoRA
    assert read_repo(root, cache=False)["p.pdf"].arxiv == ("2106.09685",)


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"p.pdf": LORA})
    read_repo(root)
    cache = store.entry(root / ".git" / "papershelf", "papers")
    data = bytearray(cache.read_bytes())
    data[-5:] = b"\xff\xff\xff\xff\xff"
    cache.write_bytes(bytes(data))
    assert read_repo(root)["p.pdf"].arxiv == ("2106.09685",)
    header = cache.read_bytes()
    cache.write_bytes(header[: len(header) // 2])
    assert read_repo(root)["p.pdf"].arxiv == ("2106.09685",)


def test_a_cache_entry_of_the_wrong_shape_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "cache"
    scan.save_cache(path, ("v", 1), {"a" * 40: reading.Identity.unreadable("x")})
    assert scan.load_cache(path, ("v", 1)) == {"a" * 40: reading.Identity.unreadable("x")}
    assert scan.load_cache(path, ("v", 2)) == {}
    body = {"b" * 40: ((1,), (), "", (), ""), "c" * 40: "junk", "d" * 40: ("x",) * 5}
    store.store(path, (scan.CACHE_VERSION, ("v", 1)), body)
    assert scan.load_cache(path, ("v", 1)) == {}


@pytest.mark.slow
def test_a_pdf_that_hangs_the_reader_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "repo", {"p.pdf": LORA, "q.pdf": ATTENTION})
    monkeypatch.setattr(scan, "TIME_CAP", 0.0)
    found = read_repo(root, cache=False)
    assert {identity.note for identity in found.values()} == {"took longer than 0 s: not read"}


def test_matching_in_order_of_evidence() -> None:
    found = {
        "x/2106.09685v1.pdf": reading.Identity.unreadable("no text"),
        "x/p1.pdf": reading.read(LORA),
        "x/p2.pdf": reading.read(ATTENTION),
        "x/p3.pdf": reading.read(TWO_LINES),
    }
    wanted = [
        Wanted(("LoRA",), arxiv=("2106.09685",)),
        Wanted(("Attention is all you need",)),
        Wanted(("Functional Programming with Bananas, Lenses, Envelopes and Barbed Wire",)),
        Wanted(("Functional Programing with Bananas, Lenses, Envelopes & Barbed Wire",)),
        Wanted(("Functional Programming",)),
        Wanted(("Large Language Models Are Few-Shot Learners",)),
        Wanted(("Transformer",), dois=("10.5555/3295222",)),
    ]
    assert match(wanted, found) == {
        0: ("x/2106.09685v1.pdf", "arxiv-id", 100.0),
        1: ("x/p2.pdf", "metadata", 100.0),
        2: ("x/p3.pdf", "first-page", 100.0),
        6: ("x/p2.pdf", "doi", 100.0),
    }


def test_a_misspelt_title_is_found_but_never_at_another_paper() -> None:
    found = {"p3.pdf": reading.read(TWO_LINES), "p1.pdf": reading.read(LORA)}
    misspelt = Wanted(("Functional Programing with Bananas, Lenses, Envelops and Barbed Wire",))
    result = match(
        [misspelt, Wanted(("LoRA: Low-Rank Adaptation of Large Language Model",))], found
    )
    assert result[0].path == "p3.pdf" and 90 <= result[0].score < 100
    assert result[1].path == "p1.pdf"
    assert match([Wanted(("Low-Rank Adaptation",))], found) == {}


def test_duplicates_by_content_id_and_title() -> None:
    blobs = {"a.pdf": "1" * 40, "b.pdf": "1" * 40, "2106.09685.pdf": "2" * 40, "c.pdf": "3" * 40}
    found = {"c.pdf": reading.read(LORA), "a.pdf": reading.read(ATTENTION)}
    found["b.pdf"] = found["a.pdf"]
    assert duplicates(blobs, found) == [
        ("arXiv:2106.09685", ["2106.09685.pdf", "c.pdf"]),
        ("the same content", ["a.pdf", "b.pdf"]),
    ]


def test_nearest_title() -> None:
    plan = ["Attention Is All You Need", "Deep Residual Learning"]
    assert nearest_title("x/attention-is-all.pdf", None, plan) == "Attention Is All You Need"
    assert nearest_title("x/p1.pdf", reading.read(LORA), plan) is None


def test_a_main_title_alone_names_a_paper_only_when_it_is_distinctive() -> None:
    book = reading.read(pdf(["Programming Languages: Application and", "Interpretation"]))
    found = {"book.pdf": book, "lora.pdf": reading.read(LORA)}
    assert match([Wanted(("Programming Languages",))], found) == {}
    assert match([Wanted(("LoRA",))], found) == {0: ("lora.pdf", "first-page", 100.0)}
    both = [
        Wanted(("Programming Languages",)),
        Wanted(("Programming Languages: Application and Interpretaiton",)),
    ]
    assert match(both, found)[1].path == "book.pdf"


def test_a_title_with_a_word_more_or_less_is_another_paper() -> None:
    found = {
        "why.pdf": reading.read(pdf(["Why Functional Programming Matters", "John Hughes"])),
        "attention.pdf": reading.read(pdf(["Attention Is Not All You Need"])),
    }
    assert match([Wanted(("Why Functional Programming Matters Less",))], found) == {}
    assert match([Wanted(("Attention Is All You Need",))], found) == {}
    assert match([Wanted(("Why Funtcional Programming Matters",))], found)[0].path == "why.pdf"
