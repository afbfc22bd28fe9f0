"""Write the fixture PDFs and fixture sites of the document and statement rules (A11Y550-565)
into tests/fixtures/pages/accessibility/<CODE>/, with each folder's expected.json.

    .venv/bin/python tools/make_a11y_doc_fixtures.py

The files are committed; run this again only to change them. PDFs are made with fpdf2 (as the
demo site's are, tagged the same way) and edited with pypdf where a case needs something fpdf2
cannot write (a marked PDF with no structure tree, a title only in XMP, a password).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

from fpdf import FPDF, ViewerPreferences
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (BooleanObject, DecodedStreamObject, DictionaryObject, NameObject,
                           TextStringObject)

from localoffer_audit.demo.documents import DocSpec, _scan_image, _tagged, build

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pages" / "accessibility"
CODES = ("A11Y550", "A11Y551", "A11Y552", "A11Y553", "A11Y554", "A11Y555", "A11Y556", "A11Y557",
         "A11Y560", "A11Y561", "A11Y562", "A11Y563", "A11Y564", "A11Y565")
WHEN = dt.date(2024, 3, 4)
TEXT = ["This leaflet explains the short breaks that Exampleshire offers to disabled children.",
        "Ask the short breaks team for a copy in large print or easy read."]


# --- PDFs ------------------------------------------------------------------------------------


def good(**kw) -> bytes:
    """Tagged, titled, language set, title shown: what an accessible export gives."""
    return build(DocSpec("/x.pdf", "Short breaks leaflet", TEXT, kw.pop("created", WHEN), **kw))


def plain(title: str | None = "Short breaks leaflet", lang: str | None = "en-GB",
          show_title: bool = True, created: dt.date = WHEN) -> bytes:
    """Text, no tags (a "print to PDF")."""
    pdf = FPDF()
    pdf.set_creation_date(dt.datetime.combine(created, dt.time(9), tzinfo=dt.timezone.utc))
    if title is not None:
        pdf.set_title(title)
    if lang:
        pdf.set_lang(lang)
    if show_title:
        pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in TEXT:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def scan(pages_of_text: int = 0, ocr: bool = False) -> bytes:
    """Image-only pages (after `pages_of_text` tagged text pages); `ocr` adds an invisible text
    layer over the image, as text recognition does."""
    from fpdf.enums import TextMode

    pdf = FPDF()
    pdf.set_creation_date(dt.datetime.combine(WHEN, dt.time(9), tzinfo=dt.timezone.utc))
    pdf.set_title("Scanned referral form")
    pdf.set_lang("en-GB")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.set_font("helvetica", size=11)
    for _ in range(pages_of_text):
        pdf.add_page()
        with _tagged(pdf, "/P"):
            pdf.cell(0, 6, TEXT[0], new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    with _tagged(pdf, "/Figure"):
        pdf.image(_scan_image(DocSpec("/s.pdf", "scan")), x=0, y=0, w=210, h=297)
    if ocr:
        pdf.text_mode = TextMode.INVISIBLE
        with _tagged(pdf, "/P"):
            pdf.set_xy(20, 30)
            pdf.cell(0, 6, "Family Hub referral form", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def vector_only() -> bytes:
    """A page of drawn shapes: no text, but no image either (a blank or a diagram)."""
    pdf = FPDF()
    pdf.set_title("Map key")
    pdf.set_lang("en-GB")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.add_page()
    with _tagged(pdf, "/Figure"):
        pdf.rect(20, 20, 100, 40, style="F")
    return bytes(pdf.output())


def edit(blob: bytes, change) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blob)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _drop_struct_tree(writer: PdfWriter) -> None:
    del writer.root_object[NameObject("/StructTreeRoot")]


def _xmp_title_only(writer: PdfWriter) -> None:
    writer.add_metadata({"/Title": ""})
    del writer._info.get_object()[NameObject("/Title")]
    xmp = ('<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
           'rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt>'
           '<rdf:li xml:lang="x-default">Short breaks leaflet</rdf:li></rdf:Alt></dc:title>'
           '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
    stream = DecodedStreamObject()
    stream.set_data(xmp.encode())
    stream.update({NameObject("/Type"): NameObject("/Metadata"),
                   NameObject("/Subtype"): NameObject("/XML")})
    writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)


def _lang(value: str):
    def change(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/Lang")] = TextStringObject(value)
    return change


def _marked_only(writer: PdfWriter) -> None:  # a structure tree, but /Marked false
    writer.root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(False)})


def _password(user: str):
    def change(writer: PdfWriter) -> None:
        writer.encrypt(user_password=user, owner_password="council-owner", algorithm="AES-128")
    return change


def form(created: dt.date) -> bytes:
    """An untagged PDF with a form field (forms are never exempt)."""
    blob = plain(created=created)
    def change(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
            {NameObject("/Fields"): writer._add_object(DictionaryObject(
                {NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject("name")}))})
    return edit(blob, change)


PDFS: dict[str, dict[str, tuple[bytes, dict]]] = {
    "A11Y550": {
        "pass-tagged.pdf": (good(), {"count": 0}),
        "fail-untagged.pdf": (plain(), {"count": 1, "message_has": ["has no tags at all"]}),
        "fail-marked-no-structure-tree.pdf": (
            edit(good(), _drop_struct_tree),
            {"count": 1, "message_has": ["marked as tagged but has no structure tree"]}),
        "fail-structure-tree-not-marked.pdf": (
            edit(good(), _marked_only),
            {"count": 1, "message_has": ["has a structure tree but is not marked as tagged"]}),
        "fail-before-2018-may-be-exempt.pdf": (
            plain(created=dt.date(2017, 5, 1)),
            {"count": 1, "message_has": ["may be exempt", "2017-05-01"]}),
        "fail-old-form-not-exempt.pdf": (
            form(dt.date(2017, 5, 1)), {"count": 1, "message_has": ["has no tags at all"]}),
    },
    "A11Y551": {
        "pass-info-title.pdf": (good(), {"count": 0}),
        "pass-xmp-title-only.pdf": (edit(good(), _xmp_title_only), {"count": 0}),
        "fail-no-title.pdf": (good(metadata_title=False), {"count": 1,
                                                           "message_has": ["no document title"]}),
        "fail-blank-title.pdf": (plain(title="   "), {"count": 1}),
    },
    "A11Y552": {
        "pass-title-shown.pdf": (good(), {"count": 0}),
        "pass-no-title-is-a11y551.pdf": (good(metadata_title=False), {"count": 0}),
        "fail-file-name-shown.pdf": (plain(show_title=False),
                                     {"count": 1, "message_has": ["Short breaks leaflet",
                                                                  "DisplayDocTitle"]}),
    },
    "A11Y553": {
        "pass-en-gb.pdf": (good(), {"count": 0}),
        "pass-welsh.pdf": (edit(good(), _lang("cy")), {"count": 0}),
        "fail-no-lang.pdf": (plain(lang=None), {"count": 1, "message_has": ["no /Lang"]}),
        "fail-made-up-lang.pdf": (edit(good(), _lang("english")),
                                  {"count": 1, "message_has": ["'english'"]}),
    },
    "A11Y554": {
        "pass-text.pdf": (good(), {"count": 0}),
        "pass-scan-with-ocr-text-layer.pdf": (scan(ocr=True), {"count": 0}),
        "pass-drawing-without-image.pdf": (vector_only(), {"count": 0}),
        "fail-scan.pdf": (scan(), {"count": 1, "message_has": ["only page is an image"]}),
        "fail-scanned-appendix.pdf": (scan(pages_of_text=2),
                                      {"count": 1, "message_has": ["1 of the 3 pages", "page 3"]}),
    },
    "A11Y557": {
        "pass-permissions-only.pdf": (edit(good(), _password("")), {"count": 0}),
        "fail-password.pdf": (edit(good(), _password("letmein")),
                              {"count": 1, "message_has": ["password-protected"]}),
        "fail-broken.pdf": (b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 9 0 R>> endobj\ntrailer "
                            b"<</Root 1 0 R>>\n%%EOF\n", {"count": 1, "message_has": ["could not be read"]}),
    },
}


# --- sites -----------------------------------------------------------------------------------

FOOTER = '<footer><ul><li><a href="/privacy">Privacy</a></li>{link}</ul></footer>'
STATEMENT_LINK = '<li><a href="/accessibility-statement">Accessibility statement</a></li>'

SECTIONS = {
    "intro": "<p>This accessibility statement applies to the Exampleshire SEND Local Offer.</p>",
    "non-accessible-content": "<h2>Non-accessible content</h2><p>Some older PDF documents are "
                              "scans without a text layer. We are replacing them with web "
                              "pages.</p>",
    "reporting-problems": "<h2>Reporting accessibility problems with this website</h2><p>We "
                          "are always looking to improve this website. If you find any "
                          "problems not listed on this page, please tell us.</p>",
    "contact": "<h2>Feedback and contact information</h2><p>Email "
               '<a href="mailto:send@exampleshire.gov.uk">send@exampleshire.gov.uk</a> or call '
               "01632 960 123 if you need information in a different format.</p>",
    "enforcement-procedure": "<h2>Enforcement procedure</h2><p>The Equality and Human Rights "
                             "Commission (EHRC) is responsible for enforcing the regulations. "
                             "If you are not happy with how we respond to your complaint, "
                             "contact the Equality Advisory and Support Service (EASS).</p>",
    "compliance-status": "<h2>Compliance status</h2><p>This website is partially compliant "
                         "with the Web Content Accessibility Guidelines version {wcag} AA "
                         "standard, due to the non-compliances listed below.</p>",
    "preparation-date": "<p>This statement was prepared on 4 March 2024.</p>",
    "last-reviewed-date": "<p>It was last reviewed on 2 February 2026.</p>",
}


def statement(without: tuple[str, ...] = (), wcag: str = "2.2") -> str:
    """A complete statement (GOV.UK's sample headings), minus the sections named."""
    body = "".join(html.replace("{wcag}", wcag) for key, html in SECTIONS.items()
                   if key not in without)
    return page("Accessibility statement for the Exampleshire Local Offer", body)


def page(title: str, body: str, link: str = STATEMENT_LINK) -> str:
    return (f'<!doctype html><html lang="en"><head><title>{title} | Exampleshire Local Offer'
            f'</title></head><body><header><a href="/">Exampleshire Local Offer</a></header>'
            f"<main><h1>{title}</h1>{body}</main>{FOOTER.format(link=link)}</body></html>")


def home(*links: tuple[str, str], link: str = STATEMENT_LINK) -> str:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for text, href in links)
    return page("Exampleshire SEND Local Offer", "<p>Information and services for children and "
                f"young people with SEND and their families.</p><ul>{items}</ul>", link)


SCHOOLS = page("Schools", "<p>Find out about mainstream schools, special schools and the support "
                          "each school gives children with special educational needs.</p>")


def site_with_statement(**statement_kw) -> dict[str, str | bytes]:
    return {"index.html": home(("Schools", "/schools"), ("Accessibility", "/accessibility-statement")),
            "schools.html": SCHOOLS, "accessibility-statement.html": statement(**statement_kw)}


SHORT_BREAKS = build(DocSpec(
    "/files/short-breaks-services-statement.pdf", "Exampleshire short breaks services statement",
    ["This short breaks services statement describes the range of short breaks services "
     "available in Exampleshire, the eligibility criteria for each service and how the services "
     "are designed to meet the needs of carers.",
     "Short breaks give disabled children and young people enjoyable experiences away from "
     "their primary carers, and give parents and carers a break from caring."], WHEN))
WRAPPER = page("Short breaks services statement", '<p><a href="/files/short-breaks-services-'
               'statement.pdf">Download the short breaks services statement (PDF)</a></p>')
SHORT_BREAKS_HTML = page("Short breaks services statement", "".join(
    f"<p>{p}</p>" for p in [
        "Our short breaks services statement describes the range of short breaks services for "
        "disabled children and young people in Exampleshire.",
        "Eligibility criteria: children aged 0 to 18 with a disability who live in Exampleshire "
        "can use universal short breaks; targeted short breaks need an assessment.",
        "Short breaks give parents and carers a break from caring, and we review the statement "
        "every year with the parent carer forum."])
    + '<p><a href="/files/short-breaks-services-statement.pdf">Print the short breaks services '
      'statement (PDF, 2 KB)</a></p>')

def _statement_only() -> dict[str, str]:
    return {"accessibility-statement.html": statement()}


def _sites() -> dict[str, dict[str, tuple[dict[str, str | bytes], dict]]]:
    sb = {"files/short-breaks-services-statement.pdf": SHORT_BREAKS, **_statement_only()}
    return {
        "A11Y555": {
            "site-fail-statutory-statement-only-in-pdf": (
                {"index.html": home(("Short breaks services statement",
                                     "/short-breaks-services-statement")),
                 "short-breaks-services-statement.html": WRAPPER, **sb},
                {"count": 1, "message_has": ["Short breaks services statement",
                                             "only links to a PDF", "Publish it as HTML"]}),
            "site-pass-statement-on-a-web-page": (
                {"index.html": home(("Short breaks services statement",
                                     "/short-breaks-services-statement")),
                 "short-breaks-services-statement.html": SHORT_BREAKS_HTML, **sb},
                {"count": 0}),
        },
        "A11Y556": {
            "site-fail-page-is-only-a-download": (
                {"index.html": home(("SEND strategy", "/send-strategy")),
                 "send-strategy.html": page("SEND strategy", '<p><a href="/files/strategy.pdf">'
                                            "Download the SEND strategy (PDF)</a></p>"),
                 "files/strategy.pdf": build(DocSpec("/s.pdf", "Our plan", [
                     "What we will do in the next three years, and how we will know."], WHEN)),
                 **_statement_only()},
                {"count": 1, "message_has": ["only a link to a PDF"]}),
            "site-pass-page-with-its-own-content": (
                {"index.html": home(("Schools", "/schools")), "schools.html": page(
                    "Schools", SCHOOLS.split("<main>")[1].split("</main>")[0].split("</h1>")[1]
                    + '<p><a href="/files/leaflet.pdf">Schools leaflet (PDF, 2 KB)</a></p>'),
                 "files/leaflet.pdf": good(), **_statement_only()},
                {"count": 0}),
        },
        "A11Y560": {
            "site-fail-no-statement": (
                {"index.html": home(("Schools", "/schools"), link=""),
                 "schools.html": page("Schools", "<p>Schools and colleges.</p>", link="")},
                {"count": 1, "message_has": ["No accessibility statement was found"]}),
            "site-pass-statement-in-footer": (site_with_statement(), {"count": 0}),
        },
        "A11Y561": {
            "site-pass-linked-from-every-page": (site_with_statement(), {"count": 0}),
            "site-fail-directory-pages-without-link": (
                {**site_with_statement(),
                 "index.html": home(("Schools", "/schools"), ("Directory", "/directory/a")),
                 "directory/a.html": page("Swimming club", '<p><a href="/directory/b">Next</a>'
                                          "</p>", link=""),
                 "directory/b.html": page("Youth club", "<p>Fridays.</p>", link="")},
                {"count": 1, "message_has": ["2 of the 4 pages", "/directory/a, /directory/b"]}),
            "site-pass-statement-on-council-website": (
                {"index.html": home(("Schools", "/schools"), link=(
                    '<li><a href="https://www.exampleshire.gov.uk/accessibility">'
                    "Accessibility</a></li>")),
                 "schools.html": page("Schools", "<p>Schools.</p>", link=(
                     '<li><a href="https://www.exampleshire.gov.uk/accessibility">'
                     "Accessibility</a></li>"))},
                {"count": 0}),
        },
        "A11Y562": {
            "site-pass-complete-statement": (site_with_statement(), {"count": 0}),
            "site-fail-no-enforcement-procedure": (
                site_with_statement(without=("enforcement-procedure",)),
                {"count": 1, "message_has": ["\"Enforcement procedure\"",
                                             "Equality Advisory and Support Service"]}),
            "site-fail-no-dates": (
                site_with_statement(without=("preparation-date", "last-reviewed-date")),
                {"count": 2, "message_has": ["\"Preparation date\"", "\"Last reviewed date\""]}),
        },
        "A11Y563": {
            "site-pass-wcag-2-2": (site_with_statement(), {"count": 0}),
            "site-fail-wcag-2-1": (site_with_statement(wcag="2.1"),
                                   {"count": 1, "message_has": ["WCAG 2.1 only"]}),
            "site-fail-wcag-2-0": (site_with_statement(wcag="2.0"),
                                   {"count": 1, "message_has": ["WCAG 2.0 only"]}),
        },
        "A11Y564": {
            "site-pass-html-statement": (site_with_statement(), {"count": 0}),
            "site-fail-pdf-statement": (
                {"index.html": home(("Schools", "/schools"), link=(
                    '<li><a href="/files/accessibility-statement.pdf">Accessibility statement '
                    "(PDF)</a></li>")),
                 "schools.html": page("Schools", "<p>Schools.</p>", link=(
                     '<li><a href="/files/accessibility-statement.pdf">Accessibility statement '
                     "(PDF)</a></li>")),
                 "files/accessibility-statement.pdf": good()},
                {"count": 1, "message_has": ["is a document, not a web page"]}),
        },
        "A11Y565": {
            "site-pass-statement-crawled": (site_with_statement(), {"count": 0}),
            "site-fail-statement-on-council-website": (
                {"index.html": home(("Schools", "/schools"), link=(
                    '<li><a href="https://www.exampleshire.gov.uk/accessibility">'
                    "Accessibility</a></li>"))},
                {"count": 1, "message_has": ["https://www.exampleshire.gov.uk/accessibility",
                                             "was not crawled"]}),
        },
    }


def main() -> None:
    sites = _sites()
    for code in CODES:
        folder = OUT / code
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        files = {}
        for name, (blob, expect) in PDFS.get(code, {}).items():
            (folder / name).write_bytes(blob)
            files[name] = expect
        for name, (tree, expect) in sites.get(code, {}).items():
            for rel, content in tree.items():
                path = folder / name / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content if isinstance(content, bytes) else content.encode())
            files[name] = expect
        (folder / "expected.json").write_text(json.dumps(
            {"url": "http://localoffer.test/p", "files": dict(sorted(files.items()))},
            indent=1) + "\n", "utf-8")
        print(f"{code}: {len(files)} cases")


if __name__ == "__main__":
    main()
