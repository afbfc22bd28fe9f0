"""Text of documents (PDF, Word) for checks that read words. Extraction is bounded and never
raises: a broken or hostile document simply has no text."""

from __future__ import annotations

import io
import logging

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
