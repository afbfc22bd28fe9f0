"""Accessibility of documents (family `accessibility`, A11Y550-A11Y559).

Two checks:
  pdf-accessibility     (page check) each crawled PDF, read with pypdf once (Page.pdf):
                        A11Y550 untagged, A11Y551 no title, A11Y552 title not shown,
                        A11Y553 no language, A11Y554 image-only pages (no text layer),
                        A11Y557 could not be read (broken or password-protected)
  document-only-content (site check) GOV.UK "HTML first": A11Y555 a required Local Offer topic
                        is only in a document; A11Y556 a page is nothing but a link to one.
                        Topic detection is the required-content check's (content.Coverage),
                        not a copy of it.

Office documents published before 23 September 2018 are exempt from the accessibility
regulations unless they are needed for active administrative processes (forms): a PDF that
says it was created before `exempt_before` and has no form fields gets its A11Y550-554
findings as notices, saying why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Iterator, Mapping

import langcodes

from ..models import Finding, Page, Severity, Site
from . import read_options, rule_factory, with_who_affected
from .content import Coverage, load_catalogue, load_signals

_rule = rule_factory("accessibility")

PDF_UNTAGGED = _rule(
    "A11Y550", "pdf-untagged", "PDF is not tagged, so screen readers cannot tell its "
    "headings, lists and tables apart", Severity.ERROR,
    "Export the PDF again with tags switched on (in Word: File > Save as > PDF > Options > "
    "\"Document structure tags for accessibility\"), or better, publish the content as a web "
    "page.", "wcag2a", "wcag131", "pdf-ua", "psbar-2018")
PDF_TITLE_MISSING = _rule(
    "A11Y551", "pdf-title-missing", "PDF has no document title", Severity.ERROR,
    "Set the document title (File > Properties in Word or Acrobat) to a short description "
    "of the document, and export again.", "wcag2a", "wcag242", "pdf-ua")
PDF_TITLE_NOT_SHOWN = _rule(
    "A11Y552", "pdf-title-not-displayed", "PDF shows its file name instead of its title",
    Severity.NOTICE, "Set the PDF to show the document title in the window title bar "
    "(Acrobat: File > Properties > Initial View > Show: Document Title).",
    "wcag2a", "wcag242", "pdf-ua")
PDF_LANG_MISSING = _rule(
    "A11Y553", "pdf-language-missing", "PDF does not say what language it is in",
    Severity.ERROR, "Set the document language (Acrobat: File > Properties > Advanced > "
    "Language; Word sets it from the proofing language) and export again.",
    "wcag2a", "wcag311", "pdf-ua")
PDF_NO_TEXT = _rule(
    "A11Y554", "pdf-no-text-layer", "PDF pages are images with no text (a scan)",
    Severity.ERROR, "Publish the content as a web page. If the PDF must stay, replace the "
    "scan with the original document, or run text recognition (OCR) and check the result.",
    "wcag2a", "wcag111", "psbar-2018")
TOPIC_ONLY_IN_DOCUMENT = _rule(
    "A11Y555", "topic-only-in-document", "A topic the Local Offer must cover is only in a PDF "
    "or Word document", Severity.WARNING,
    "Publish the information as a web page (HTML) and keep the document, if at all, as an "
    "extra download: GOV.UK says HTML first, because documents are hard to use on phones and "
    "with screen readers.", "psbar-2018", "gds-html-first", "send-regulations-sch2")
PAGE_ONLY_DOCUMENT = _rule(
    "A11Y556", "page-only-links-to-document", "Page has no content of its own, only a link "
    "to a PDF or Word document", Severity.WARNING,
    "Put the document's content on the page as HTML; offer the document as an extra "
    "download if people need to print it.", "psbar-2018", "gds-html-first")
PDF_UNREADABLE = _rule(
    "A11Y557", "pdf-not-readable", "PDF could not be opened to check it (broken or password-"
    "protected)", Severity.NOTICE,
    "Open the PDF yourself. If it needs a password or is broken, many families (and screen "
    "readers) cannot open it either: publish it without a password, or as a web page.",
    "wcag2a", "psbar-2018")

WHO_AFFECTED = {
    "A11Y550": "Blind parents using screen readers hear the PDF as one long run of text, with "
               "no headings, lists or tables.",
    "A11Y551": "Screen-reader users and people with many tabs open cannot tell which "
               "document is which.",
    "A11Y552": "Screen-reader users hear a file name such as \"doc_4471_v2.pdf\" instead of "
               "what the document is.",
    "A11Y553": "Parents using screen readers may hear the document read in the wrong voice.",
    "A11Y554": "Blind and partially sighted parents, and anyone who enlarges or copies text, "
               "get nothing from a scanned page.",
    "A11Y555": "Families on phones, screen-reader users and people who need larger text find "
               "the information hard or impossible to read.",
    "A11Y556": "Families on phones and screen-reader users have to download and open a file "
               "to read something that should be on the page.",
    "A11Y557": "Families who cannot open the file, and screen readers that are refused "
               "access, get none of its information.",
}

_EXEMPTIBLE = {PDF_UNTAGGED.code, PDF_TITLE_MISSING.code, PDF_TITLE_NOT_SHOWN.code,
               PDF_LANG_MISSING.code, PDF_NO_TEXT.code}
_PAGES_NAMED = 8  # image-only pages named in a message


def _page_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:_PAGES_NAMED])
    return shown + (f" and {len(numbers) - _PAGES_NAMED} more" if len(numbers) > _PAGES_NAMED
                    else "")


class PdfAccessibility:
    """Tags, title, language and a text layer: what a screen reader needs from a PDF."""

    name = "pdf-accessibility"
    # Results depend only on the stored crawl (no "today"): reused when a re-audit's crawl is
    # the same as the run it builds on (runner: crawl digest).
    crawl_only = True
    rules = with_who_affected((PDF_UNTAGGED, PDF_TITLE_MISSING, PDF_TITLE_NOT_SHOWN, PDF_LANG_MISSING, PDF_NO_TEXT,
             PDF_UNREADABLE), WHO_AFFECTED)

    def __init__(self, exempt_before: str) -> None:
        self.exempt_before = dt.date.fromisoformat(exempt_before)

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> PdfAccessibility:
        merged = read_options(options, cls.name)
        try:
            dt.date.fromisoformat(merged["exempt_before"])
        except ValueError:
            raise ValueError("exempt_before must be a date, \"YYYY-MM-DD\", such as "
                             f"\"2018-09-23\", got {merged['exempt_before']!r}") from None
        return cls(**merged)

    def check_page(self, page: Page) -> Iterable[Finding]:
        if page.kind != "document" or not page.status or not 200 <= page.status < 300:
            return
        facts = page.pdf
        if facts is None:
            return
        if facts.error:
            why = ("it is password-protected" if facts.encrypted
                   else f"it could not be read ({facts.error})")
            yield page.finding(PDF_UNREADABLE, f"This PDF could not be checked: {why}.",
                               extra={"error": facts.error})
            return
        found = list(self._problems(page, facts))
        exempt = (facts.created is not None and facts.created < self.exempt_before
                  and not facts.has_form)
        for finding in found:
            if exempt and finding.rule in _EXEMPTIBLE:
                finding = finding.with_changes(
                    severity=Severity.NOTICE,
                    message=f"{finding.message} The PDF says it was created on "
                    f"{facts.created.isoformat()}, before {self.exempt_before.isoformat()}, "
                    "and has no form, so it may be exempt from the accessibility regulations "
                    "unless families need it to use a service.",
                    extra={**finding.extra, "possibly_exempt": True})
            yield finding

    def _problems(self, page: Page, facts) -> Iterator[Finding]:
        base = {"pages": facts.pages, "created": facts.created.isoformat() if facts.created
                else None}
        if not (facts.marked and facts.struct_tree):
            missing = ("has no tags at all" if not facts.marked and not facts.struct_tree else
                       "is marked as tagged but has no structure tree" if facts.marked else
                       "has a structure tree but is not marked as tagged")
            yield page.finding(PDF_UNTAGGED, f"This PDF {missing} (/MarkInfo, /StructTreeRoot), "
                               "so screen readers cannot find its headings, lists, tables or "
                               "reading order.", selector="pdf:tags",
                               extra={**base, "marked": facts.marked,
                                      "struct_tree": facts.struct_tree})
        if not facts.title:
            yield page.finding(PDF_TITLE_MISSING, "This PDF has no document title (no /Title "
                               "and no XMP dc:title), so screen readers and browser tabs name "
                               "it by its file name.", selector="pdf:title", extra=base)
        elif not facts.display_doc_title:
            yield page.finding(PDF_TITLE_NOT_SHOWN, f"This PDF's title {facts.title[:80]!r} is "
                               "set, but it is not set to be shown (DisplayDocTitle), so "
                               "viewers show the file name instead.", selector="pdf:title",
                               snippet=facts.title[:80], extra=base)
        if not facts.lang:
            yield page.finding(PDF_LANG_MISSING, "This PDF does not say what language it is "
                               "in (no /Lang), so screen readers may read it in the wrong "
                               "voice.", selector="pdf:lang", extra=base)
        elif not langcodes.tag_is_valid(facts.lang):
            yield page.finding(PDF_LANG_MISSING, f"This PDF's language {facts.lang[:40]!r} is "
                               "not a language code, so screen readers cannot choose a voice.",
                               selector="pdf:lang", snippet=facts.lang[:40], extra=base)
        scanned = [i for i, (text, image) in enumerate(zip(facts.page_texts, facts.image_pages),
                                                       1) if image and not text.strip()]
        if scanned:
            checked = len(facts.page_texts)
            whole = len(scanned) == checked
            yield page.finding(
                PDF_NO_TEXT,
                ("Every page of this PDF" if whole and checked > 1 else
                 "This PDF's only page" if whole else
                 f"{len(scanned)} of the {checked} pages checked in this PDF (page "
                 f"{_page_list(scanned)})") + " is an image with no text layer, probably a "
                "scan: screen readers find nothing to read and the text cannot be enlarged "
                "or searched.", selector="pdf:text",
                extra={**base, "image_only_pages": scanned[:50], "pages_checked": checked})


# --- HTML first: documents instead of pages ---------------------------------------------------


class DocumentOnlyContent:
    """Required topics and pages whose information is only in a document."""

    name = "document-only-content"
    rules = with_who_affected((TOPIC_ONLY_IN_DOCUMENT, PAGE_ONLY_DOCUMENT), WHO_AFFECTED)

    def __init__(self, ignore_topics: list[str]) -> None:
        self.ignore = frozenset(ignore_topics)
        self.coverage = Coverage(load_catalogue(), load_signals())
        self.wrappers: dict[str, tuple[str, ...]] = {}  # page -> documents it only links to
        self._seen = 0

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> DocumentOnlyContent:
        merged = read_options(options, cls.name)
        known = load_catalogue().by_id
        unknown = [t for t in merged["ignore_topics"] if t not in known]
        if unknown:
            raise ValueError(f"ignore_topics: unknown topic {unknown[0]!r} "
                             f"(known: {', '.join(known)})")
        return cls(**merged)

    # The runner's single pass over the store feeds measure_page (see content.RequiredContent).
    def measure_page(self, page: Page) -> dict[str, Any]:
        self._seen += 1
        self._add(page)
        return {}

    def _add(self, page: Page) -> None:
        reading = self.coverage.add(page)
        if reading is not None and reading.kind == "html" and reading.document_link_only \
                and reading.document_targets and len(self.wrappers) < 5000:
            self.wrappers[page.url] = reading.document_targets

    def check_site(self, site: Site) -> Iterator[Finding]:
        if not self._seen:  # not run by the runner: read the pages now
            for page in site.pages():
                self._add(page)
        places: dict[tuple[str, str | None], list] = {}  # (url, document) -> its topics
        for topic in self.coverage.catalogue.topics:
            if topic.id in self.ignore:
                continue
            evidence = self.coverage.document_only(topic.id)
            if evidence:
                places.setdefault(self._place(evidence), []).append((topic, evidence))
        for (url, target), topics in places.items():
            yield self._topic_finding(url, target, topics)
        reported = {url for url, _target in places}
        for url, documents in self.wrappers.items():
            if url in reported:
                continue
            yield Finding(
                rule=PAGE_ONLY_DOCUMENT.code, rule_name=PAGE_ONLY_DOCUMENT.name,
                family=PAGE_ONLY_DOCUMENT.family, severity=PAGE_ONLY_DOCUMENT.severity, url=url,
                message="This page has almost no content of its own: it is only a link to "
                f"{_document_words(documents[0])}. Families have to download and open the file "
                "to read it, which is hard on a phone or with a screen reader.",
                fix=PAGE_ONLY_DOCUMENT.fix, target=documents[0], selector="a",
                extra={"documents": list(documents)})

    def _place(self, evidence) -> tuple[str, str | None]:
        """Where to report a document-only topic: the page that only links to the document
        (with the document as target) when there is one, else the document itself."""
        documents = [e.url for e in evidence if e.kind == "document"]
        wrapper = next((e.url for e in evidence if e.kind == "document-link"
                        and e.url in self.wrappers), None)
        if wrapper is None and documents:
            wrapper = next((url for url, docs in self.wrappers.items()
                            if documents[0] in docs), None)
        if wrapper is None:
            return documents[0], None
        linked = self.wrappers[wrapper]
        return wrapper, next((d for d in documents if d in linked), linked[0])

    def _topic_finding(self, url: str, target: str | None, topics: list) -> Finding:
        names = " and ".join(f"\"{topic.title}\"" for topic, _evidence in topics)
        where = (f"this page only links to {_document_words(target)}" if target
                 else "it is only in this document")
        plural = "s" if len(topics) > 1 else ""
        documents = list(dict.fromkeys(e.url for _topic, evidence in topics for e in evidence
                                       if e.kind == "document"))
        return Finding(
            rule=TOPIC_ONLY_IN_DOCUMENT.code, rule_name=TOPIC_ONLY_IN_DOCUMENT.name,
            family=TOPIC_ONLY_IN_DOCUMENT.family, severity=TOPIC_ONLY_IN_DOCUMENT.severity,
            url=url, message=f"No web page covers the required topic{plural} {names}: "
            f"{where}. Publish it as HTML: documents are hard to read on a phone, with a screen "
            "reader or with larger text.", fix=TOPIC_ONLY_IN_DOCUMENT.fix, target=target,
            selector="topics:" + ",".join(topic.id for topic, _e in topics),
            extra={"topics": [topic.id for topic, _e in topics],
                   "legal_refs": [topic.legal_ref for topic, _e in topics],
                   "documents": documents[:10]})


def _document_words(url: str) -> str:
    path = url.split("#", 1)[0].split("?", 1)[0].lower()
    if path.endswith(".pdf"):
        return "a PDF"
    if path.endswith((".doc", ".docx", ".odt", ".rtf")):
        return "a Word document"
    return "a document"


CHECKS = [PdfAccessibility, DocumentOnlyContent]
