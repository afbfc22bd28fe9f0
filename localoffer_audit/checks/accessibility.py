"""Static HTML accessibility rules (family `accessibility`, no browser).

Issue 5: language, image alternatives, iframe titles, meta refresh, zoom, headings, link names,
form labels, table headers and new windows.
Each rule's `extra` is not used yet; the "who this affects" sentence lives in WHO_AFFECTED.
"""

from __future__ import annotations

import re

import langcodes
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
LANG_INVALID = _rule("A11Y504", "html-lang-invalid", "Page's language code is not a real language",
                     Severity.ERROR, ("wcag2a", "wcag311"),
                     'Use a real language code on the <html> element, e.g. lang="en" or "en-GB".')
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
HEADING_SKIPPED = _rule("A11Y505", "heading-level-skipped", "Heading skips a level",
                        Severity.WARNING, ("wcag2a", "wcag131"),
                        "Use the next heading level down (h3 after h2); style headings with CSS.")
HEADING_EMPTY = _rule("A11Y506", "heading-empty", "Heading has no text", Severity.ERROR,
                      ("wcag2a", "wcag131", "wcag246"),
                      "Put words in the heading, or remove the empty heading element.")
IMG_ALT_MEANINGLESS = _rule("A11Y508", "img-alt-meaningless",
                            "Image alt text is a file name or a placeholder word", Severity.ERROR,
                            ("wcag2a", "wcag111"),
                            'Describe what the image shows, or use alt="" if it is decoration.')
LINK_NAME_MISSING = _rule("A11Y510", "link-name-missing", "Link has no text or name",
                          Severity.ERROR, ("wcag2a", "wcag244", "wcag412"),
                          "Give the link text, or an aria-label saying where it goes.")
LINK_TEXT_AMBIGUOUS = _rule("A11Y512", "link-text-ambiguous",
                            'Link text does not say where it goes ("click here", "read more")',
                            Severity.WARNING, ("wcag2a", "wcag244"),
                            'Make the link text say where it goes, e.g. "Read more about short breaks".')
FIELD_LABEL_MISSING = _rule("A11Y515", "form-field-label-missing", "Form field has no label",
                            Severity.ERROR, ("wcag2a", "wcag131", "wcag332"),
                            "Add a <label for=...> (a placeholder is not a label).")
TABLE_HEADERS_MISSING = _rule("A11Y516", "table-headers-missing", "Data table has no header cells",
                              Severity.WARNING, ("wcag2a", "wcag131"),
                              "Mark the header row or column with <th scope=...>.")
NEW_WINDOW_UNANNOUNCED = _rule("A11Y521", "new-window-unannounced",
                               "Link opens a new window without saying so", Severity.NOTICE,
                               ("wcag2aaa", "wcag325"),
                               'Add "(opens in a new tab)" to the link text, or drop target="_blank".')

WHO_AFFECTED = {
    "A11Y501": "Parents and young people using screen readers hear the page read with the wrong voice.",
    "A11Y504": "Parents and young people using screen readers hear the page read with the wrong voice.",
    "A11Y507": "Blind and partially sighted parents cannot tell what the image shows.",
    "A11Y517": "Screen-reader users cannot tell what an embedded map, video or form is.",
    "A11Y518": "People who read slowly or use screen readers lose their place when the page changes.",
    "A11Y519": "Partially sighted parents on phones cannot enlarge the text.",
    "A11Y505": "Screen-reader users moving by headings think part of the page is missing.",
    "A11Y506": "Screen-reader users hear an empty \"heading\" and lose the page outline.",
    "A11Y508": "Blind parents hear a file name or \"image\" instead of what the picture shows.",
    "A11Y510": "Screen-reader and voice-control users cannot tell where the link goes or say it.",
    "A11Y512": "Screen-reader users listing the links hear \"read more\" with no idea where it goes.",
    "A11Y515": "Screen-reader users are not told what to type; a placeholder hint vanishes on typing.",
    "A11Y516": "Screen-reader users cannot tell which column or row a value belongs to.",
    "A11Y521": "People using screen readers or magnifiers lose their place when a new window opens.",
}

_MAX_SCALE = re.compile(r"maximum-scale\s*=\s*([0-9.]+)", re.I)
_NO_SCALE = re.compile(r"user-scalable\s*=\s*(no|0)\b", re.I)


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SKIP_TEXT = ("script", "style", "template")
_FILE_ALT = re.compile(r"^\S+\.(png|jpe?g|gif|svg|webp|bmp|tiff?|avif|heic)$", re.I)
_CAMERA_ALT = re.compile(r"^(img|dsc|dscn|dcim|pxl|image|photo)[-_ ]?\d+$", re.I)
_PLACEHOLDER_ALT = {"image", "picture", "photo", "graphic", "img", "photograph", "pic"}
_AMBIGUOUS = {"click here", "here", "read more", "more", "more info", "find out more", "this link",
              "link", "click", "more information", "click this link"}
_NEW_WINDOW = ("new window", "new tab", "opens in")
_NO_LABEL_TYPES = {"hidden", "submit", "button", "reset", "image"}
_PUNCT = re.compile(r"[^\w\s]+")


def _hidden(el) -> bool:
    return (el.get("aria-hidden") or "").strip().lower() == "true"


def _content_text(el) -> str:
    """The text a screen reader would read from el's content: text and image alt text,
    skipping aria-hidden parts and scripts. Linear in the size of el."""
    parts: list[str] = []

    def walk(node):
        if node.text and node.tag not in _SKIP_TEXT:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and not _hidden(child) and child.tag not in _SKIP_TEXT:
                if child.tag == "img":
                    parts.append(child.get("alt") or "")
                else:
                    walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return " ".join(" ".join(parts).split())


class _Ids:
    """Elements by id, indexed once per page and only if some element uses aria-labelledby."""

    def __init__(self, tree):
        self.tree, self._map = tree, None

    def get(self, key):
        if self._map is None:
            self._map = {}
            for el in self.tree.iter():
                if isinstance(el.tag, str) and el.get("id"):
                    self._map.setdefault(el.get("id"), el)
        return self._map.get(key)


def _labelled_by(ids: _Ids, el) -> str:
    found = []
    for i in (el.get("aria-labelledby") or "").split():
        hit = ids.get(i)
        if hit is not None:
            found.append(_content_text(hit))
    return " ".join(found).strip()


def _name(ids: _Ids, el) -> str:
    """Accessible name of a link-like element: aria-labelledby, aria-label, content, title."""
    return (_labelled_by(ids, el) or (el.get("aria-label") or "").strip()
            or _content_text(el) or (el.get("title") or "").strip())


def _normal(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def _absolute(page: Page, src: str | None) -> str | None:
    return urljoin(page.url, src) if src else None


class StaticAccessibility(NoOptions):
    """WCAG failures that can be seen in the HTML alone."""

    name = "accessibility"
    content_only = True  # same content, same results: reused for unchanged pages
    rules = (LANG_MISSING, LANG_INVALID, IMG_ALT_MISSING, IFRAME_TITLE_MISSING, META_REFRESH, ZOOM_DISABLED,
             HEADING_SKIPPED, HEADING_EMPTY, IMG_ALT_MEANINGLESS, LINK_NAME_MISSING,
             LINK_TEXT_AMBIGUOUS, FIELD_LABEL_MISSING, TABLE_HEADERS_MISSING,
             NEW_WINDOW_UNANNOUNCED)

    def check_page(self, page: Page) -> Iterable[Finding]:
        if page.kind != "html" or page.status != 200 or page.tree is None:
            return
        tree = page.tree
        root = tree.getroottree().getroot()
        lang = (root.get("lang") or root.get("xml:lang") or "").strip()
        if not lang:
            yield page.finding(LANG_MISSING, "The <html> element has no lang attribute, so "
                               "screen readers may read the page in the wrong language.",
                               selector="html")
        elif not langcodes.tag_is_valid(lang):  # the IANA language subtag registry decides
            yield page.finding(LANG_INVALID, f"The <html> element's lang {lang[:40]!r} is not "
                               "a language code, so screen readers cannot choose a voice.",
                               selector="html", snippet=lang[:40])
        for img in tree.iter("img"):
            alt = img.get("alt")
            if alt is None and img.get("role") not in ("presentation", "none"):
                yield page.finding(IMG_ALT_MISSING, f"Image {img.get('src', '')[:80]!r} has no "
                                   "alt attribute.", selector="img",
                                   target=_absolute(page, img.get("src")))
            elif alt and alt.strip():
                word = alt.strip()
                if (_FILE_ALT.match(word) or _CAMERA_ALT.match(word)
                        or _normal(word) in _PLACEHOLDER_ALT):
                    yield page.finding(IMG_ALT_MEANINGLESS, f"Image {img.get('src', '')[:80]!r} "
                                       f"has alt text {word[:60]!r}, which does not describe it.",
                                       selector="img", target=_absolute(page, img.get("src")))
        ids = _Ids(tree)
        yield from self._headings(page, tree, ids)
        yield from self._links(page, tree, ids)
        yield from self._fields(page, tree, ids)
        yield from self._tables(page, tree)
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


    def _headings(self, page: Page, tree, ids: _Ids) -> Iterable[Finding]:
        previous = None
        for h in tree.iter(*_HEADINGS):
            if _hidden(h):
                continue
            level = int(h.tag[1])
            if not (_content_text(h) or (h.get("aria-label") or "").strip()
                    or _labelled_by(ids, h)):
                yield page.finding(HEADING_EMPTY, f"An <{h.tag}> heading has no text.",
                                   selector=h.tag)
                continue
            if previous is not None and level > previous + 1:
                yield page.finding(HEADING_SKIPPED, f"Heading jumps from h{previous} to "
                                   f"h{level}: {_content_text(h)[:60]!r}.", selector=h.tag)
            previous = level

    def _links(self, page: Page, tree, ids: _Ids) -> Iterable[Finding]:
        for a in tree.iter("a"):
            href = a.get("href")
            if href is None or _hidden(a):
                continue
            target = _absolute(page, href.strip())
            name = _name(ids, a)
            if not name:
                yield page.finding(LINK_NAME_MISSING, f"A link to {href[:80]!r} has no text or "
                                   "name.", selector="a", target=target)
                continue
            text = _content_text(a)
            label = _labelled_by(ids, a) or (a.get("aria-label") or "").strip()
            if _normal(text) in _AMBIGUOUS and (not label or _normal(label) in _AMBIGUOUS):
                yield page.finding(LINK_TEXT_AMBIGUOUS, f"Link text {text[:40]!r} does not say "
                                   "where the link goes.", selector="a", target=target)
            if (a.get("target") or "").strip().lower() == "_blank":
                words = " ".join((name, a.get("title") or "", a.get("aria-label") or "")).lower()
                if not any(w in words for w in _NEW_WINDOW):
                    yield page.finding(NEW_WINDOW_UNANNOUNCED, f"Link {name[:60]!r} opens a new "
                                       "window without saying so.", selector="a[target=_blank]",
                                       target=target)

    def _fields(self, page: Page, tree, ids: _Ids) -> Iterable[Finding]:
        labelled = {(lab.get("for") or "").strip() for lab in tree.iter("label")}
        for field in tree.iter("input", "select", "textarea"):
            kind = (field.get("type") or "text").strip().lower()
            if (field.tag == "input" and kind in _NO_LABEL_TYPES) or _hidden(field):
                continue
            fid = (field.get("id") or "").strip()
            if ((fid and fid in labelled) or (field.get("aria-label") or "").strip()
                    or _labelled_by(ids, field) or (field.get("title") or "").strip()
                    or any(anc.tag == "label" for anc in field.iterancestors())):
                continue
            what = field.get("name") or fid or field.get("placeholder") or ""
            yield page.finding(FIELD_LABEL_MISSING, f"Form field <{field.tag}> {what[:40]!r} has "
                               "no label.", selector=f"{field.tag}[name={field.get('name', '')}]")

    def _tables(self, page: Page, tree) -> Iterable[Finding]:
        for table in tree.iter("table"):
            if (table.get("role") or "").strip().lower() in ("presentation", "none"):
                continue
            rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
            if len(rows) < 2:
                continue
            widest = max(len(r.xpath("./td|./th")) for r in rows)
            has_th = any(r.xpath("./th") for r in rows)
            if widest >= 2 and not has_th:
                yield page.finding(TABLE_HEADERS_MISSING, f"A table of {len(rows)} rows and "
                                   f"{widest} columns has no header cells.", selector="table")


CHECKS = [StaticAccessibility]
