"""Zips that are documents by their members (.docx, .odp, .epub, .jar, .whl, .npz, PyTorch
saves): never an archive to the rule, the hook or ``extract``; built with zipfile here."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from checking import summary
from gitrepo import make_repo
from papershelf import hooks
from papershelf.check.engine import run_check
from papershelf.cli import main
from papershelf.repo import magic


def zipped(members: dict[str, str | bytes], first: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as container:
        if first:  # ODF and EPUB: "mimetype" first, stored
            container.writestr(first, members[first], zipfile.ZIP_STORED)
        for name, data in members.items():
            if name != first:
                container.writestr(name, data)
    return buffer.getvalue()


DOCUMENTS = {
    "report.docx": zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
    "sheet.xlsx": zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"}),
    "slides.odp": zipped(
        {"mimetype": "application/vnd.oasis.opendocument.presentation", "content.xml": "<x/>"},
        first="mimetype",
    ),
    "book.epub": zipped(
        {"mimetype": "application/epub+zip", "META-INF/container.xml": "<c/>"}, first="mimetype"
    ),
    "tool.jar": zipped({"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n", "a/B.class": "x"}),
    "pkg-1.0-py3-none-any.whl": zipped(
        {"pkg/__init__.py": "", "pkg-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\n"}
    ),
    "arrays.npz": zipped({"x.npy": b"\x93NUMPY" + b"\0" * 20, "y.npy": b"\x93NUMPY"}),
    "model.pt": zipped(
        {"archive/data.pkl": b"\x80\x02}q\x00.", "archive/version": "3\n", "archive/data/0": "z"}
    ),
}
ARCHIVES = {
    "data.zip": zipped({"notes.txt": "x", "code/a.py": "print(1)\n"}),
    "hidden.bin": zipped({"arrays/x.npy": "x", "README.txt": "what these are"}),
    "fake.docx": zipped({"word/document.xml": "<w/>"}),  # no [Content_Types].xml
}


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("report.docx", "an Office Open XML document (.docx, .xlsx, .pptx)"),
        ("slides.odp", "an OpenDocument file (.odt, .ods, .odp)"),
        ("book.epub", "an EPUB book"),
        ("tool.jar", "a Java archive (.jar)"),
        ("pkg-1.0-py3-none-any.whl", "a Python wheel"),
        ("arrays.npz", "NumPy arrays (.npz)"),
        ("model.pt", "a PyTorch save"),
    ],
)
def test_a_document_is_known_by_its_members(name: str, what: str) -> None:
    assert magic.zip_document(io.BytesIO(DOCUMENTS[name])) == what


@pytest.mark.parametrize("name", sorted(ARCHIVES))
def test_a_zip_of_files_is_no_document(name: str) -> None:
    assert magic.zip_document(io.BytesIO(ARCHIVES[name])) is None


def test_a_damaged_or_oversized_zip_is_no_document(monkeypatch: pytest.MonkeyPatch) -> None:
    assert magic.zip_document(io.BytesIO(DOCUMENTS["report.docx"][:-30])) is None
    assert magic.zip_document(io.BytesIO(b"PK\x03\x04" + b"\0" * 40)) is None
    many = zipped({f"a/{n:05}.npy": "" for n in range(2000)})
    assert magic.zip_document(io.BytesIO(many)) == "NumPy arrays (.npz)"
    monkeypatch.setattr(magic, "ZIP_READ_MAX", 64 * 1024)  # its central directory is larger
    assert magic.zip_document(io.BytesIO(many)) is None


def test_archive_in_git_reports_archives_not_documents(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {**DOCUMENTS, **ARCHIVES, "README.md": "# x\n"})
    assert [path for path, _, _ in summary(repo, "archive-in-git")] == sorted(ARCHIVES)


def test_outside_git_documents_are_no_archives_either(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    for name, data in {**DOCUMENTS, **ARCHIVES}.items():
        (folder / name).write_bytes(data)
    result = run_check(folder, only={"archive-in-git"})
    assert sorted(f.path for f in result.findings) == sorted(ARCHIVES)


def test_the_no_archives_hook_passes_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, data in {**DOCUMENTS, **ARCHIVES}.items():
        (tmp_path / name).write_bytes(data)
    documents = [str(tmp_path / name) for name in DOCUMENTS]
    assert hooks.main(documents) == 0
    assert capsys.readouterr().out == ""
    assert hooks.main([*documents, str(tmp_path / "data.zip")]) == 1
    assert "data.zip: warning archive-in-git" in capsys.readouterr().out


def test_extract_refuses_a_document_in_one_line_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    npz = tmp_path / "arrays.npz"
    npz.write_bytes(DOCUMENTS["arrays.npz"])
    dest = tmp_path / "out"
    assert main(["extract", "--dest", str(dest), str(npz)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"papershelf: error: {npz}: NumPy arrays (.npz) in a zip container, not an archive "
        "to extract (--force extracts it)\n"
    )
    assert not dest.exists()  # nothing written
    assert main(["extract", "--force", "--dest", str(dest), str(npz)]) == 0
    assert sorted(p.name for p in dest.rglob("*.npy")) == ["x.npy", "y.npy"]
