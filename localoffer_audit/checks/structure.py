"""Page structure: every page needs a title and a main heading (family `accessibility`)."""

from __future__ import annotations

from typing import Iterable

from ..models import Finding, Page, Rule, Severity
from . import NoOptions, load_doc

TITLE_MISSING = Rule(
    "A11Y502", "page-title-missing", "Page has no title", Severity.ERROR, "accessibility",
    tags=("wcag2a", "wcag242"),
    fix="Give the page a short, unique <title> that says what it is about, then the site name.",
    doc=load_doc("A11Y502"))
H1_MISSING = Rule(
    "A11Y503", "page-h1-missing", "Page has no main heading (h1)", Severity.WARNING,
    "accessibility", tags=("best-practice", "wcag131"),
    fix="Add one <h1> at the start of the main content that names the page.",
    doc=load_doc("A11Y503"))


def _visible_text(element) -> str:
    text = element.text_content().strip()
    if not text:  # a heading that is only an image is named by its alt text
        text = " ".join(img.get("alt", "") for img in element.iter("img")).strip()
    return text


class PageStructure(NoOptions):
    """Titles and h1s: how screen-reader users and search engines know where they are."""

    name = "page-structure"
    content_only = True  # same content, same results: reused for unchanged pages
    rules = (TITLE_MISSING, H1_MISSING)

    def check_page(self, page: Page) -> Iterable[Finding]:
        if page.kind != "html" or page.status != 200 or page.tree is None:
            return
        tree = page.tree
        titles = tree.xpath("//title")
        if not titles:
            yield page.finding(TITLE_MISSING, "This page has no <title>, so browser tabs, "
                               "bookmarks and screen readers cannot name it.", selector="head")
        elif not titles[0].text_content().strip():
            yield page.finding(TITLE_MISSING, "This page's <title> is empty, so browser tabs, "
                               "bookmarks and screen readers cannot name it.", selector="title")
        if not any(_visible_text(h1) for h1 in tree.xpath("//h1")):
            yield page.finding(H1_MISSING, "This page has no main heading (h1), so people "
                               "scanning or using a screen reader cannot tell what it is about.",
                               selector="body")


CHECKS = [PageStructure]
