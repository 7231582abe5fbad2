"""Which PDF library papershelf reads papers with: measured, not guessed.

For each candidate installed (pypdf, pypdfium2, pdfminer.six, pymupdf) and for
poppler's ``pdftotext``/``pdfinfo``, read what papershelf needs from every PDF of
a folder (the document's title and XMP packet, the text of its first two pages)
plus a set of hostile files this script builds (truncated, garbage, encrypted,
image-only, a looping cross-reference table). Each library runs in its own
process: milliseconds per PDF (median and mean), peak RSS, failures, and how
often a labelled title shows up in the text read.

    python scripts/compare_pdf_libraries.py [../shared/papers-dev]

Only a measurement: papershelf itself depends on the one library chosen here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

PAGES = 2
PER_FILE_SECONDS = 10
LIBRARIES = ("pypdf", "pypdfium2", "pdfminer", "pymupdf", "pdftotext")


def _read_pypdf(path: str) -> tuple[str, str]:
    import pypdf

    reader = pypdf.PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt("")
    title = str((reader.metadata or {}).get("/Title", "") or "")
    xmp = reader.xmp_metadata
    if xmp is not None and xmp.dc_title:
        title += " | " + " ".join(xmp.dc_title.values())
    text = "\n".join(page.extract_text() or "" for page in reader.pages[:PAGES])
    return title, text


def _read_pypdfium2(path: str) -> tuple[str, str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        title = document.get_metadata_dict().get("Title", "")
        parts = []
        for index in range(min(PAGES, len(document))):
            page = document[index]
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return title, "\n".join(parts)
    finally:
        document.close()


def _read_pdfminer(path: str) -> tuple[str, str]:
    from pdfminer.high_level import extract_text
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    with open(path, "rb") as stream:
        document = PDFDocument(PDFParser(stream))
        info = document.info[0] if document.info else {}
        raw = info.get("Title", b"")
        title = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
    return title, extract_text(path, maxpages=PAGES)


def _read_pymupdf(path: str) -> tuple[str, str]:
    import pymupdf

    document = pymupdf.open(path)
    try:
        title = (document.metadata or {}).get("title", "") or ""
        text = "\n".join(document[i].get_text() for i in range(min(PAGES, len(document))))
        return title, text
    finally:
        document.close()


def _read_pdftotext(path: str) -> tuple[str, str]:
    info = subprocess.run(
        ["pdfinfo", path], capture_output=True, text=True, timeout=PER_FILE_SECONDS
    )
    title = next(
        (line[6:].strip() for line in info.stdout.splitlines() if line.startswith("Title:")), ""
    )
    text = subprocess.run(
        ["pdftotext", "-l", str(PAGES), path, "-"],
        capture_output=True,
        text=True,
        timeout=PER_FILE_SECONDS,
    )
    if text.returncode != 0:
        raise RuntimeError(text.stderr.strip().splitlines()[-1] if text.stderr else "failed")
    return title, text.stdout


def _child(library: str, paths: list[str]) -> None:
    """One library over every file; one JSON line per file, then the peak RSS."""
    import resource
    import signal
    import warnings

    warnings.simplefilter("ignore")
    import logging

    logging.disable(logging.CRITICAL)
    read = globals()[f"_read_{library}"]
    if library != "pdftotext":
        __import__({"pdfminer": "pdfminer.high_level"}.get(library, library))
    base = _high_water_kb()

    def timeout(*_: object) -> None:
        raise TimeoutError("over the per-file time cap")

    signal.signal(signal.SIGALRM, timeout)
    for path in paths:
        started = time.perf_counter()
        signal.alarm(PER_FILE_SECONDS)
        try:
            title, text = read(path)
            error = ""
        except BaseException as caught:  # a library may raise anything on a hostile file
            title, text, error = "", "", f"{type(caught).__name__}: {caught}"[:120]
        finally:
            signal.alarm(0)
        elapsed = time.perf_counter() - started
        print(json.dumps({"path": path, "ms": elapsed * 1000, "title": title, "text": text,
                          "error": error}), flush=True)  # fmt: skip
    # ru_maxrss survives exec (it would count the parent's size); a child tool's does too.
    peak = _high_water_kb()
    if library == "pdftotext":
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"rss_mb": peak / 1024, "base_mb": base / 1024}), flush=True)


def _high_water_kb() -> int:
    """This process's peak resident size (VmHWM), which starts afresh at exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return " ".join(re.findall(r"[a-z0-9]+", text))


def hostile_files(folder: Path, sample: Path) -> list[Path]:
    """Files papershelf must survive: each one is skipped, never a crash or a hang."""
    data = sample.read_bytes()
    made = {
        "truncated.pdf": data[: len(data) // 3],
        "garbage.pdf": b"%PDF-1.7\n" + os.urandom(50_000),
        "no-xref.pdf": data.replace(b"xref", b"xxxx").replace(b"startxref", b"startxxxx"),
        "empty.pdf": b"",
        "html.pdf": b"<!DOCTYPE html><html><body>403 Forbidden</body></html>",
        "loop.pdf": _looping_xref(),
    }
    paths = []
    for name, content in made.items():
        (folder / name).write_bytes(content)
        paths.append(folder / name)
    try:
        import pypdf

        reader, writer = pypdf.PdfReader(sample), pypdf.PdfWriter()
        for page in reader.pages[:2]:
            writer.add_page(page)
        writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
        writer.write(folder / "encrypted.pdf")
        paths.append(folder / "encrypted.pdf")
    except ImportError:
        pass
    try:
        from fpdf import FPDF
        from PIL import Image

        image = Image.new("L", (800, 1000), 255)
        pdf = FPDF()
        pdf.add_page()
        pdf.image(image, x=10, y=10, w=180)
        pdf.output(str(folder / "image-only.pdf"))
        paths.append(folder / "image-only.pdf")
    except ImportError:
        pass
    return paths


def _looping_xref() -> bytes:
    """A cross-reference table whose /Prev points at itself."""
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    body += b"2 0 obj<</Type/Pages/Kids[2 0 R]/Count 1>>endobj\n"
    offset = len(body)
    body += b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000055 00000 n \n"
    body += b"trailer<</Size 3/Root 1 0 R/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (offset, offset)
    return body


def measure(library: str, paths: list[Path]) -> tuple[list[dict[str, object]], float, float]:
    """Run one library in a fresh process; restart it past a file that hangs it."""
    results: list[dict[str, object]] = []
    remaining = [str(path) for path in paths]
    peak = base = 0.0
    while remaining:
        command = [sys.executable, __file__, "--child", library, *remaining]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=PER_FILE_SECONDS * 3 + 60
            )
            lines = done.stdout.splitlines()
        except subprocess.TimeoutExpired as expired:
            out = expired.stdout or b""
            lines = (out.decode() if isinstance(out, bytes) else out).splitlines()
        records = [json.loads(line) for line in lines if line.startswith("{")]
        for record in records:
            if "rss_mb" in record:
                peak, base = max(peak, record["rss_mb"]), record["base_mb"]
            else:
                results.append(record)
        handled = {str(record["path"]) for record in results}
        if (
            remaining
            and remaining[0] not in handled
            and not any(path in handled for path in remaining)
        ):  # the very first file killed it: record and go on
            results.append({"path": remaining[0], "ms": 0.0, "title": "", "text": "",
                            "error": "process died"})  # fmt: skip
            handled.add(remaining[0])
        remaining = [path for path in remaining if path not in handled]
    return results, peak, base


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--child"]:
        _child(args[1], args[2:])
        return 0
    root = Path(__file__).resolve().parent.parent
    folder = Path(args[0]) if args else root.parent.parent / "shared" / "papers-dev"
    if not (folder / "labels.tsv").is_file():
        folder = root / ".." / "shared" / "papers-dev"
    if not (folder / "labels.tsv").is_file():
        print(f"skipped: no labelled papers at {folder}")
        return 0
    labels: dict[str, str] = {}
    for line in (folder / "labels.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        where, name, title = line.split("\t")
        labels[str(folder / where / name)] = title
    papers = [Path(path) for path in labels]
    with tempfile.TemporaryDirectory() as scratch:
        hostile = hostile_files(Path(scratch), papers[0])
        print(f"{len(papers)} real PDFs, {len(hostile)} hostile files, first {PAGES} pages\n")
        header = "| reader | ms/PDF median | ms/PDF mean | peak RSS MB (after import) |"
        header += " failures (real) | title in text | hostile: text read / refused / hung |"
        print(header)
        print("|" + "---|" * 7)
        for library in LIBRARIES:
            if library == "pdftotext" and shutil.which("pdftotext") is None:
                continue
            if library != "pdftotext":
                try:
                    __import__(library)
                except ImportError:
                    continue
            measure(library, papers[:3])  # warm the file cache and the import
            results, peak, base = measure(library, papers + hostile)
            by_path = {str(r["path"]): r for r in results}
            real = [by_path[str(p)] for p in papers]
            times = [float(str(r["ms"])) for r in real]
            failed = sum(1 for r in real if r["error"])
            found = sum(
                1
                for r in real
                if normalize(labels[str(r["path"])]) in normalize(f"{r['title']}\n{r['text']}")
            )
            bad = [by_path[str(p)] for p in hostile]
            read = sum(1 for r in bad if not r["error"] and str(r["text"]).strip())
            refused = sum(1 for r in bad if r["error"] or not str(r["text"]).strip())
            wild = [
                Path(str(r["path"])).name
                for r in bad
                if str(r["error"]).startswith(("process died", "TimeoutError"))
            ]
            print(
                f"| {library} | {statistics.median(times):.1f} | {statistics.mean(times):.1f} "
                f"| {peak:.0f} ({base:.0f}) | {failed}/{len(real)} | {found}/{len(real)} "
                f"| {read} / {refused} / {', '.join(wild) or 'none'} |",
                flush=True,
            )
            if os.environ.get("SHOW_ERRORS"):
                for r in real + bad:
                    if r["error"]:
                        print(f"    {Path(str(r['path'])).name}: {r['error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
