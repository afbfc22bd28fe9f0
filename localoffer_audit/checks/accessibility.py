"""Static HTML accessibility rules (family `accessibility`, no browser).

First slice of issue 5: language, image alternatives, iframe titles, meta refresh and zoom.
Each rule's `extra` is not used yet; the "who this affects" sentence lives in WHO_AFFECTED.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin
from typing import Iterable

from ..models import Finding, Page, Rule, Severity
from . import NoOptions, load_doc


def _rule(code, name, summary, severity, tags, fix):
    return Rule(code, name, summary, severity, "accessibility", tags=tags, fix=fix,
                doc=load_doc(code))


LANG_MISSING = _rule("A11Y501", "html-lang-missing", "Page does not say what language it is in",
                     Severity.ERROR, ("wcag2a", "wcag311"),
                     'Add lang="en" (or the page language) to the <html> element.')
IMG_ALT_MISSING = _rule("A11Y507", "img-alt-missing", "Image has no alt text", Severity.ERROR,
                        ("wcag2a", "wcag111"),
                        'Give every image an alt attribute: describe it, or alt="" if decorative.')
IFRAME_TITLE_MISSING = _rule("A11Y517", "iframe-title-missing", "Embedded frame has no title",
                             Severity.ERROR, ("wcag2a", "wcag412"),
                             "Give every <iframe> a title saying what it contains.")
META_REFRESH = _rule("A11Y518", "meta-refresh", "Page refreshes or redirects itself on a timer",
                     Severity.ERROR, ("wcag2a", "wcag221"),
                     "Remove the meta refresh; use a server-side redirect instead.")
ZOOM_DISABLED = _rule("A11Y519", "zoom-disabled", "Page stops people zooming in",
                      Severity.ERROR, ("wcag2aa", "wcag144"),
                      "Remove user-scalable=no and maximum-scale below 2 from the viewport meta.")

WHO_AFFECTED = {
    "A11Y501": "Parents and young people using screen readers hear the page read with the wrong voice.",
    "A11Y507": "Blind and partially sighted parents cannot tell what the image shows.",
    "A11Y517": "Screen-reader users cannot tell what an embedded map, video or form is.",
    "A11Y518": "People who read slowly or use screen readers lose their place when the page changes.",
    "A11Y519": "Partially sighted parents on phones cannot enlarge the text.",
}

_MAX_SCALE = re.compile(r"maximum-scale\s*=\s*([0-9.]+)", re.I)
_NO_SCALE = re.compile(r"user-scalable\s*=\s*(no|0)\b", re.I)


def _absolute(page: Page, src: str | None) -> str | None:
    return urljoin(page.url, src) if src else None


class StaticAccessibility(NoOptions):
    """WCAG failures that can be seen in the HTML alone."""

    name = "accessibility"
    rules = (LANG_MISSING, IMG_ALT_MISSING, IFRAME_TITLE_MISSING, META_REFRESH, ZOOM_DISABLED)

    def check_page(self, page: Page) -> Iterable[Finding]:
        if page.kind != "html" or page.status != 200 or page.tree is None:
            return
        tree = page.tree
        root = tree.getroottree().getroot()
        if not (root.get("lang") or root.get("xml:lang") or "").strip():
            yield page.finding(LANG_MISSING, "The <html> element has no lang attribute, so "
                               "screen readers may read the page in the wrong language.",
                               selector="html")
        for img in tree.iter("img"):
            if img.get("alt") is None and img.get("role") not in ("presentation", "none"):
                yield page.finding(IMG_ALT_MISSING, f"Image {img.get('src', '')[:80]!r} has no "
                                   "alt attribute.", selector="img",
                                   target=_absolute(page, img.get("src")))
        for frame in tree.iter("iframe"):
            if not (frame.get("title") or frame.get("aria-label") or "").strip():
                yield page.finding(IFRAME_TITLE_MISSING, "An <iframe> has no title.",
                                   selector="iframe", target=_absolute(page, frame.get("src")))
        for meta in tree.iter("meta"):
            equiv = (meta.get("http-equiv") or "").lower()
            content = meta.get("content") or ""
            if equiv == "refresh" and content.strip():
                yield page.finding(META_REFRESH, f"meta refresh {content[:60]!r}.",
                                   selector="meta[http-equiv=refresh]")
            if (meta.get("name") or "").lower() == "viewport":
                scale = _MAX_SCALE.search(content)
                if _NO_SCALE.search(content) or (scale and float(scale.group(1) or 0) < 2):
                    yield page.finding(ZOOM_DISABLED, f"viewport {content[:80]!r} blocks zoom.",
                                       selector="meta[name=viewport]")


CHECKS = [StaticAccessibility]
