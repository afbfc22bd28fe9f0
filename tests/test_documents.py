"""Document text extraction (PDF, Word), and outdated terms found inside documents."""

from __future__ import annotations

import io

import docx
from fpdf import FPDF

from localoffer_audit.checks.staleness import OutdatedTermsCheck
from localoffer_audit.documents import document_text
from localoffer_audit.models import Page

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def make_pdf(text: str, password: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    if password:
        pdf.set_encryption(owner_password=password, user_password=password)
    return bytes(pdf.output())


def make_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_pdf_and_docx_text():
    assert "School Action Plus" in document_text(make_pdf("Support at School Action Plus."), PDF_TYPE)
    assert "Connexions" in document_text(make_docx("Ask Connexions.", "Second"), DOCX_TYPE)


def test_unreadable_documents_have_no_text():
    assert document_text(b"%PDF-1.4 garbage \x00\xff", PDF_TYPE) == ""
    assert document_text(b"not a zip", DOCX_TYPE) == ""
    assert document_text(make_pdf("secret", password="x"), PDF_TYPE) == ""
    assert document_text(b"<html></html>", "text/html") == ""


def _document(body: bytes, content_type: str) -> Page:
    return Page(url="http://x/guide.pdf", status=200, content_type=content_type, kind="document",
                body=body, fetched_at="2026-11-22T10:00:00+00:00")


def test_outdated_term_in_a_pdf_is_reported_but_history_is_not():
    check = OutdatedTermsCheck.from_config({})
    stale = _document(make_pdf("If your child has a statement of special educational needs, "
                               "it is reviewed every year."), PDF_TYPE)
    history = _document(make_pdf("Statements of SEN were replaced by EHC plans in 2014."),
                        PDF_TYPE)
    found = list(check.check_page(stale))
    assert [f.rule for f in found] == ["STL411"]
    assert list(check.check_page(history)) == []
