"""PDF and DOCX files for the demo site, built deterministically.

fpdf2 and python-docx are imported lazily so that importing the demo package
(for example to use ``DemoServer`` on an already generated tree) stays cheap.
Both formats normally embed "now" (PDF CreationDate, zip member times, docx core
properties); every such field is pinned to the document's own date so the same
seed gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
import zipfile
from dataclasses import dataclass, field


@dataclass
class DocSpec:
    path: str  # site path, e.g. /wp-content/uploads/2023/09/x.pdf
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    created: dt.date = dt.date(2020, 1, 1)
    metadata_title: bool = True  # False -> no /Title (an accessibility fault)
    scanned: bool = False  # True -> image-only, no text layer

    @property
    def is_pdf(self) -> bool:
        return self.path.endswith(".pdf")


def build(spec: DocSpec) -> bytes:
    return _pdf(spec) if spec.is_pdf else _docx(spec)


def _latin1(text: str) -> str:
    # Core PDF fonts are Latin-1 only.
    return text.replace("\u2019", "'").replace("\u2013", "-").encode("latin-1", "replace").decode("latin-1")


def _pdf(spec: DocSpec) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(dt.datetime.combine(spec.created, dt.time(9, 0), tzinfo=dt.timezone.utc))
    pdf.set_author("Exampleshire County Council")
    if spec.metadata_title:
        pdf.set_title(_latin1(spec.heading))
        pdf.set_lang("en-GB")
    pdf.add_page()
    if spec.scanned:
        # A "scan": grey page furniture and blocks where text would be, but no text objects.
        pdf.set_fill_color(235, 235, 230)
        pdf.rect(0, 0, 210, 297, style="F")
        pdf.set_fill_color(60, 60, 60)
        y = 30
        for width in (120, 170, 165, 172, 90, 168, 171, 150, 60, 169, 166, 140):
            pdf.rect(20, y, width, 3.2, style="F")
            y += 9
        pdf.set_draw_color(40, 40, 40)
        pdf.rect(20, y + 10, 170, 60)
    else:
        # Wrap lines ourselves: fpdf2's multi_cell line breaking costs ~25 ms a paragraph.
        pdf.set_font("helvetica", "B", 16)
        for line in textwrap.wrap(_latin1(spec.heading), 55):
            pdf.cell(0, 9, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("helvetica", size=11)
        for para in spec.paragraphs:
            for line in textwrap.wrap(_latin1(para), 95):
                pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    return bytes(pdf.output())


def _docx(spec: DocSpec) -> bytes:
    import docx

    document = docx.Document()
    stamp = dt.datetime.combine(spec.created, dt.time(9, 0))
    props = document.core_properties
    props.author = "Exampleshire County Council"
    props.title = spec.heading if spec.metadata_title else ""
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    document.add_heading(spec.heading, level=1)
    for para in spec.paragraphs:
        document.add_paragraph(para)
    raw = io.BytesIO()
    document.save(raw)
    return _pin_zip_times(raw.getvalue(), stamp)


def _pin_zip_times(blob: bytes, stamp: dt.datetime) -> bytes:
    """Rewrite a zip with fixed member times and order."""
    src = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            pinned = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = 0o644 << 16
            dst.writestr(pinned, src.read(info.filename))
    return out.getvalue()
