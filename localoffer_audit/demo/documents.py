"""PDF and DOCX files for the demo site, built deterministically.

fpdf2 and python-docx are imported lazily so that importing the demo package
(for example to use ``DemoServer`` on an already generated tree) stays cheap.
Both formats normally embed "now" (PDF CreationDate, zip member times, docx core
properties); every such field is pinned to the document's own date so the same
seed gives the same bytes.
"""

from __future__ import annotations

import contextlib
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
    from fpdf import FPDF, ViewerPreferences

    pdf = FPDF()
    pdf.set_creation_date(dt.datetime.combine(spec.created, dt.time(9, 0), tzinfo=dt.timezone.utc))
    pdf.set_author("Exampleshire County Council")
    # A council's PDFs are exported from Word: language always, title unless forgotten (a
    # planted fault), and tags unless the document is a scan.
    pdf.set_lang("en-GB")
    if spec.metadata_title:
        pdf.set_title(_latin1(spec.heading))
        pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.add_page()
    if spec.scanned:
        # A scan: one raster image of a printed page, with no text objects and no tags.
        pdf.image(_scan_image(spec), x=0, y=0, w=210, h=297)
    else:
        # Wrap lines ourselves: fpdf2's multi_cell line breaking costs ~25 ms a paragraph.
        pdf.set_font("helvetica", "B", 16)
        with _tagged(pdf, "/H1"):
            for line in textwrap.wrap(_latin1(spec.heading), 55):
                pdf.cell(0, 9, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("helvetica", size=11)
        for para in spec.paragraphs:
            with _tagged(pdf, "/P"):
                for line in textwrap.wrap(_latin1(para), 95):
                    pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    return bytes(pdf.output())


@contextlib.contextmanager
def _tagged(pdf, struct_type: str):
    """Mark what is drawn inside as one structure element (H1, P) of the tag tree, the way a
    tagged export does: a marked-content sequence with an MCID, and the element pointing to
    it. fpdf2 builds the StructTreeRoot and sets /MarkInfo /Marked true. Its public API only
    tags images (alt text), hence the private calls."""
    mcid = pdf.struct_builder.next_mcid_for_page(pdf.page)
    pdf._add_marked_content(struct_type=struct_type, mcid=mcid)
    pdf._out(f"/{struct_type[1:]} <</MCID {mcid}>> BDC")
    yield
    pdf._out("EMC")


def _scan_image(spec: DocSpec):
    """A greyscale "photocopy" of a page: grey paper, dark bars where lines of text were."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (420, 594), 235)
    draw = ImageDraw.Draw(image)
    y = 60
    for width in (240, 340, 330, 344, 180, 336, 342, 300, 120, 338, 332, 280):
        draw.rectangle((40, y, 40 + width, y + 6), fill=60)
        y += 18
    draw.rectangle((40, y + 20, 380, y + 140), outline=40, width=2)
    return image


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
