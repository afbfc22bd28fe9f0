"""Text of documents (PDF, Word) for checks that read words. Extraction is bounded and never
raises: a broken or hostile document simply has no text."""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass

from . import defaults

log = logging.getLogger(__name__)

PDF_TYPES = ("application/pdf",)
DOCX_TYPES = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",)


def document_text(body: bytes, content_type: str, url: str = "") -> str:
    """Plain text of a PDF or .docx body ("" for other types, encrypted or unreadable files)."""
    kind = (content_type or "").split(";")[0].strip().lower()
    path = url.lower().split("?")[0]
    try:
        if kind in PDF_TYPES or (not kind and path.endswith(".pdf")) or body[:5] == b"%PDF-":
            return _pdf_text(body)
        if kind in DOCX_TYPES or path.endswith(".docx"):
            return _docx_text(body)
    except Exception as exc:  # hostile input: any parser failure means "no text"
        log.info("no text from %s: %s", url or "document", exc)
    return ""


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body), strict=False)
    if reader.is_encrypted:
        return ""
    pages = reader.pages[:defaults.DOCUMENT_TEXT_MAX_PAGES]
    return "\n\n".join((page.extract_text() or "") for page in pages)


def _docx_text(body: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(body))
    return "\n\n".join(p.text for p in document.paragraphs
                       [:defaults.DOCUMENT_TEXT_MAX_PARAGRAPHS])


@dataclass(frozen=True)
class PdfFacts:
    """What the accessibility checks need from a PDF, read once (see Page.pdf)."""

    pages: int  # pages in the document
    page_texts: tuple[str, ...]  # extracted text of the first DOCUMENT_TEXT_MAX_PAGES pages
    image_pages: tuple[bool, ...]  # whether each of those pages paints an image
    marked: bool  # catalog /MarkInfo /Marked true
    struct_tree: bool  # catalog has a /StructTreeRoot
    title: str  # /Title in the document information, else the XMP dc:title
    display_doc_title: bool  # /ViewerPreferences /DisplayDocTitle true
    lang: str  # catalog /Lang
    created: dt.date | None  # /CreationDate, else XMP xmp:CreateDate
    has_form: bool  # an interactive form (/AcroForm with fields)
    encrypted: bool = False
    error: str = ""  # why the PDF could not be read ("" when it could)

    @property
    def text(self) -> str:
        return "\n\n".join(self.page_texts)


def _is_pdf(body: bytes, content_type: str, url: str) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    return kind in PDF_TYPES or body[:5] == b"%PDF-" or (
        not kind and url.lower().split("?")[0].endswith(".pdf"))


def pdf_facts(body: bytes, content_type: str = "", url: str = "") -> PdfFacts | None:
    """The accessibility facts of a PDF body (None when it is not a PDF). A PDF that cannot be
    parsed or is password-protected gives facts with `error` set; this never raises."""
    if not body or not _is_pdf(body, content_type, url):
        return None
    try:
        return _read_pdf(body)
    except Exception as exc:  # hostile input: any parser failure is reported, not raised
        log.info("could not read PDF %s: %s", url or "document", exc)
        return PdfFacts(0, (), (), False, False, "", False, "", None, False,
                        error=f"{type(exc).__name__}: {exc}"[:200])


def _read_pdf(body: bytes) -> PdfFacts:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body), strict=False)
    if reader.is_encrypted:
        try:  # an empty user password opens many "protected" PDFs (permissions only)
            opened = reader.decrypt("")
        except Exception:
            opened = 0
        if not opened:
            return PdfFacts(len(reader.pages) if not reader.is_encrypted else 0, (), (), False,
                            False, "", False, "", None, False, encrypted=True,
                            error="password-protected")
    root = reader.trailer["/Root"].get_object()
    mark_info = _get(root, "/MarkInfo")
    marked = bool(mark_info and _get(mark_info, "/Marked") in (True, "true"))
    prefs = _get(root, "/ViewerPreferences")
    display = bool(prefs and _get(prefs, "/DisplayDocTitle") in (True, "true"))
    info = reader.metadata
    title = str(info.title or "").strip() if info else ""
    created = None
    try:
        created = info.creation_date.date() if info and info.creation_date else None
    except Exception:
        created = None
    if not title or created is None:
        xmp = _xmp(reader)
        if xmp is not None:
            if not title:
                titles = xmp.dc_title or {}
                title = next((str(t).strip() for t in titles.values() if str(t).strip()), "")
            if created is None and xmp.xmp_create_date:
                created = xmp.xmp_create_date.date()
    acro = _get(root, "/AcroForm")
    fields = _get(acro, "/Fields") if acro else None
    texts, images = [], []
    for page in reader.pages[:defaults.DOCUMENT_TEXT_MAX_PAGES]:
        texts.append(page.extract_text() or "")
        images.append(_paints_image(page))
    return PdfFacts(len(reader.pages), tuple(texts), tuple(images), marked,
                    _get(root, "/StructTreeRoot") is not None, title, display,
                    str(_get(root, "/Lang") or "").strip(), created, bool(fields))


def _get(obj, key: str):
    try:
        value = obj.get(key)
        return value.get_object() if value is not None else None
    except Exception:
        return None


def _xmp(reader):
    try:
        return reader.xmp_metadata
    except Exception:
        return None


def _paints_image(page, depth: int = 0) -> bool:
    """Whether a page (or a form XObject on it, a few levels deep) draws an image."""
    try:
        if len(page.images):  # image XObjects and inline images, without decoding them
            return True
    except Exception:
        pass
    resources = _get(page, "/Resources")
    xobjects = _get(resources, "/XObject") if resources else None
    if not xobjects or depth > 3:
        return False
    for name in list(xobjects.keys())[:50]:
        xobject = _get(xobjects, name)
        subtype = _get(xobject, "/Subtype") if xobject is not None else None
        if subtype == "/Image":
            return True
        if subtype == "/Form" and _paints_image(xobject, depth + 1):
            return True
    return False
