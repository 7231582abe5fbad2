"""Builders of real (and hostile) PDFs for the paper tests; nothing is committed."""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF

XMP = """<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
{doi}</rdf:Description>
</rdf:RDF>
</x:xmpmeta>"""


def pdf(
    lines: Sequence[str] = (),
    *,
    title: str = "",
    subject: str = "",
    xmp_title: str = "",
    xmp_doi: str = "",
    stamp: str = "",
    pages: int = 1,
    image_only: bool = False,
    password: str = "",
) -> bytes:
    """A PDF whose first page shows ``lines`` (the title region) and some body text."""
    document = FPDF()
    document.set_compression(False)
    if title:
        document.set_title(title)
    if subject:
        document.set_subject(subject)
    if xmp_title or xmp_doi:
        doi = f"<prism:doi>{xmp_doi}</prism:doi>\n" if xmp_doi else ""
        document.set_xmp_metadata(XMP.format(title=xmp_title, doi=doi))
    if password:
        document.set_encryption(owner_password="owner", user_password=password)
    for page in range(pages):
        document.add_page()
        if image_only:
            document.set_fill_color(40, 40, 40)
            document.rect(20, 20, 170, 30, style="F")  # a scanned title is pixels, not text
            continue
        document.set_font("helvetica", size=16)
        if page == 0 and stamp:
            document.text(5, 200, stamp)
        for line in lines if page == 0 else ():
            document.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
        document.set_font("helvetica", size=10)
        document.cell(0, 8, "Abstract", new_x="LMARGIN", new_y="NEXT")
        document.multi_cell(0, 5, "We study things. " * 40)
    return bytes(document.output())


def damaged(data: bytes) -> bytes:
    """The first third of a PDF: a download cut short."""
    return data[: len(data) // 3]
