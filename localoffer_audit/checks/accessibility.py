"""Static HTML accessibility rules (family `accessibility`, no browser).

Issue 5: language, page titles, image alternatives, iframe titles, meta refresh, zoom, headings,
link and button names, form labels and groups, tables, lists, ARIA, keyboard order, ids and new
windows. Word lists and the ARIA and autocomplete vocabularies are data: checks/data/a11y_html.toml.
Each rule's `extra` is not used yet; the "who this affects" sentence lives in WHO_AFFECTED.
"""

from __future__ import annotations

import re
from typing import Iterable
from urllib.parse import urlsplit

import langcodes

from ..defaults import (A11Y_IMAGE_OF_TEXT_MIN_WORDS, A11Y_IMAGE_OF_TEXT_PROSE_SENTENCES,
                        A11Y_LANG_DETECT_MIN_PROBABILITY, A11Y_LANG_DETECT_MIN_WORDS,
                        A11Y_LANG_PAGE_ENGLISH_SHARE)
from ..models import Finding, Page, Rule, Severity
from . import NoOptions, load_doc, with_who_affected
from .a11y_html import (LANGDETECT_CHARS, SKIP_TEXT, Ids, absolute, accessible_name,
                        aria_value_problem, autocomplete_valid, cell_rows, content_text, data,
                        describe, detectable_languages, detected_language, english_share,
                        focusable, hidden, labelled_by, meaningful, normal,
                        release_language_data, role_of, short_url, skipped, tabindex)
from .links import EXTENSION_TYPES


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

IMAGE_OF_TEXT = _rule("A11Y509", "image-of-text", "Image seems to be a picture of words",
                      Severity.WARNING, ("wcag2aa", "wcag145", "wcag111"),
                      "Put the words of posters, flyers and banners on the page as text; keep "
                      "the picture only as decoration or illustration.")
BUTTON_NAME_MISSING = _rule("A11Y511", "button-name-missing", "Button has no text or name",
                            Severity.ERROR, ("wcag2a", "wcag412"),
                            "Give the button words, a value, alt text (image buttons) or an "
                            "aria-label saying what it does.")
LINK_TEXT_SAME_DIFFERENT = _rule("A11Y513", "link-text-same-different-destinations",
                                 "Links with the same text go to different places",
                                 Severity.WARNING, ("wcag2a", "wcag244", "wcag249"),
                                 "Make the text of each link say where that link goes, so "
                                 "two different places never share one link text.")
DUPLICATE_ID_REFERENCED = _rule("A11Y514", "duplicate-id-referenced",
                                "An id used by a label or ARIA appears more than once",
                                Severity.ERROR, ("wcag2a", "wcag412", "wcag131"),
                                "Give every element its own id, so each label and aria-* "
                                "reference points at exactly one element.")
TITLE_PLACEHOLDER = _rule("A11Y522", "page-title-placeholder",
                          "Page title is a placeholder such as \"Untitled\"", Severity.ERROR,
                          ("wcag2a", "wcag242"),
                          "Replace the placeholder with a short title that says what the page "
                          "is about, then the site name.")
ELEMENT_LANG_INVALID = _rule("A11Y523", "element-lang-invalid",
                             "Part of the page is marked with a language code that is not real",
                             Severity.ERROR, ("wcag2aa", "wcag312"),
                             'Use a real language code on the element, e.g. lang="cy" or "fr".')
LANG_WRONG = _rule("A11Y524", "html-lang-wrong", "Page says it is in one language but is "
                   "written in another", Severity.ERROR, ("wcag2a", "wcag311"),
                   "Set the lang on the <html> element to the language the page is written in.")
MOVING_TEXT = _rule("A11Y525", "moving-text", "Text blinks or scrolls and cannot be stopped",
                    Severity.ERROR, ("wcag2a", "wcag222"),
                    "Remove <blink>, <marquee> and text-decoration: blink; show the text still.")
LIST_INVALID = _rule("A11Y526", "list-structure-invalid", "List is marked up wrongly",
                     Severity.ERROR, ("wcag2a", "wcag131"),
                     "Put <li> items directly inside <ul> or <ol>, and <dt>/<dd> inside <dl>.")
ARIA_INVALID = _rule("A11Y527", "aria-invalid", "ARIA role or attribute is not valid",
                     Severity.ERROR, ("wcag2a", "wcag412"),
                     "Use only roles and aria-* attributes from WAI-ARIA, with allowed values; "
                     "or remove them and use plain HTML.")
AUTOCOMPLETE_INVALID = _rule("A11Y528", "autocomplete-invalid",
                             "Form field's autocomplete value is not one browsers know",
                             Severity.ERROR, ("wcag21aa", "wcag135"),
                             'Use a standard autocomplete value, e.g. "name", "email", '
                             '"tel" or "postal-code".')
TABINDEX_POSITIVE = _rule("A11Y529", "tabindex-positive",
                          "Element changes the keyboard order with a positive tabindex",
                          Severity.ERROR, ("wcag2a", "wcag243"),
                          'Remove the tabindex, or use tabindex="0"; put things in the page in '
                          "the order they should be reached.")
GROUP_NOT_GROUPED = _rule("A11Y530", "radio-checkbox-group-missing",
                          "Radio buttons or checkboxes for one question are not grouped",
                          Severity.ERROR, ("wcag2a", "wcag131", "wcag332"),
                          "Wrap the options in a <fieldset> with the question as its <legend>.")
FIELDSET_LEGEND_MISSING = _rule("A11Y531", "fieldset-legend-missing",
                                "Group of form fields has no legend", Severity.WARNING,
                                ("wcag2a", "wcag131"),
                                "Give the <fieldset> a <legend> with the question or the "
                                "name of the group as its first element.")
TABLE_NO_DATA = _rule("A11Y532", "table-no-data-cells", "Table has header cells but no data",
                      Severity.ERROR, ("wcag2a", "wcag131"),
                      "Put the data in <td> cells under the headers, or do not use a table.")
DATA_TABLE_HEADERS_MISSING = _rule("A11Y533", "data-table-headers-missing",
                                   "Table with a caption or header row has no header cells",
                                   Severity.ERROR, ("wcag2a", "wcag131"),
                                   "Mark the header row or column with <th scope=...>.")
TABLE_HEADER_EMPTY = _rule("A11Y534", "table-header-empty", "Table header cell is empty",
                           Severity.NOTICE, ("best-practice", "wcag131"),
                           "Put words in every <th>, or make an empty corner cell a <td>.")
LINK_NO_DESTINATION = _rule("A11Y535", "link-without-destination",
                            "Link goes nowhere: it is a script or \"#\" acting as a button",
                            Severity.WARNING, ("wcag2a", "wcag412", "wcag211"),
                            "Use a <button> for things that do something on the page, and a "
                            "link with a real address for things that go somewhere.")
CONTROL_ROLE_MISSING = _rule("A11Y536", "control-role-missing",
                             "Something that acts as a control is not a real button or link",
                             Severity.WARNING, ("wcag2a", "wcag412", "wcag211"),
                             "Use <button> or <a href> for controls; a <div> or <span> needs a "
                             "role, keyboard focus and key handling to work for everyone.")
ARIA_HIDDEN_FOCUSABLE = _rule("A11Y537", "aria-hidden-focusable",
                              "Hidden from screen readers but still reachable with the keyboard",
                              Severity.ERROR, ("wcag2a", "wcag412", "wcag131"),
                              'Remove aria-hidden="true", or take the links and buttons inside '
                              'out of the tab order (tabindex="-1", or hide them completely).')
DUPLICATE_ID = _rule("A11Y538", "duplicate-id", "An id appears more than once on the page",
                     Severity.NOTICE, ("best-practice", "wcag411-obsolete"),
                     "Give every element its own id; scripts and in-page links find the first.")
DOCUMENT_LINK_FORMAT = _rule("A11Y539", "document-link-format-missing",
                             "Link to a document does not say what kind of file it is",
                             Severity.WARNING, ("wcag2a", "wcag244", "best-practice"),
                             "Add the file type and size to the link text, e.g. "
                             "\"Short breaks statement (PDF, 250 KB)\".")

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
    "A11Y509": "Blind and partially sighted parents, and people who enlarge or recolour text, "
               "cannot read words that are only in a picture.",
    "A11Y511": "Screen-reader and voice-control users cannot tell what the button does or say it.",
    "A11Y513": "Screen-reader users listing the links hear the same words twice and cannot tell "
               "which one they need.",
    "A11Y514": "Screen-reader users hear the wrong label or description, or none, for a field "
               "or control.",
    "A11Y522": "Screen-reader users and everyone with many tabs open cannot tell which page "
               "this is.",
    "A11Y523": "Screen-reader users hear words in another language read with the wrong voice.",
    "A11Y524": "Screen-reader users hear the whole page read in the wrong language's voice.",
    "A11Y525": "People with attention difficulties, learning disabilities or low vision cannot "
               "read text that moves, and cannot stop it.",
    "A11Y526": "Screen-reader users are not told that items form a list or how long it is.",
    "A11Y527": "Screen-reader users are told the wrong thing about what a part of the page is "
               "or does, or nothing at all.",
    "A11Y528": "Parents with memory, dexterity or learning difficulties cannot have their "
               "browser fill in the form for them.",
    "A11Y529": "Keyboard and switch users jump around the page in a confusing order.",
    "A11Y530": "Screen-reader users hear \"Yes\" or \"No\" without the question they answer.",
    "A11Y531": "Screen-reader users are not told what a group of fields is about.",
    "A11Y532": "Screen-reader users hear table headings with nothing under them.",
    "A11Y533": "Screen-reader users cannot tell which column or row a value belongs to.",
    "A11Y534": "Screen-reader users hear an empty heading for a row or column of a table.",
    "A11Y535": "Keyboard and screen-reader users meet a \"link\" that goes nowhere; it may not "
               "work without a mouse.",
    "A11Y536": "Keyboard, switch and screen-reader users cannot reach or use the control.",
    "A11Y537": "Screen-reader users reach links or buttons that are read as nothing.",
    "A11Y538": "Screen-reader users may be sent to the wrong place by in-page links and labels.",
    "A11Y539": "Parents on phones, and screen-reader users, open a PDF or Word file they did "
               "not expect and may not be able to read.",
}

_MAX_SCALE = re.compile(r"maximum-scale\s*=\s*([0-9.]+)", re.I)
_NO_SCALE = re.compile(r"user-scalable\s*=\s*(no|0)\b", re.I)


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_FIELD_TAGS = ("select", "textarea", "option", "datalist")
_FILE_ALT = re.compile(r"^\S+\.(png|jpe?g|gif|svg|webp|bmp|tiff?|avif|heic)$", re.I)
_CAMERA_ALT = re.compile(r"^(img|dsc|dscn|dcim|pxl|image|photo)[-_ ]?\d+$", re.I)
_PLACEHOLDER_ALT = {"image", "picture", "photo", "graphic", "img", "photograph", "pic", "click",
                    "button", "icon", "image button"}
_AMBIGUOUS = {"click here", "here", "read more", "more", "more info", "find out more", "this link",
              "link", "click", "more information", "click this link", "page", "this page",
              "learn more", "see more", "view more", "continue reading", "website"}
_NEW_WINDOW = ("new window", "new tab", "opens in")
_BUTTON_TYPES = {"submit", "reset", "button", "image"}
_NO_LABEL_TYPES = {"hidden", "submit", "button", "reset", "image"}
_BLINK_STYLE = re.compile(r"text-decoration(-line)?\s*:[^;]*\bblink\b", re.I)
_SENTENCE_END = re.compile(r"\w[.!?](\s|$)")
_ID_REFS = ("aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "aria-flowto",
            "aria-details", "aria-errormessage", "aria-activedescendant", "headers")
_NATIVE_CONTROLS = {"a", "button", "input", "select", "textarea", "summary", "area", "iframe",
                    "option", "optgroup", "label", "details", "audio", "video", "embed",
                    "object", "html", "body"}
_KEYBOARD_ROLES = {"button", "link", "checkbox", "radio", "switch"}
_TEXT_BULLET = re.compile(r"^\s*([*\u2022\u00b7\u25aa\u25e6\u2023\u2013\u2043-])\s+\w")
_TEXT_LIST_MIN_LINES = 3  # bullet lines in a row before a text is taken for a list
_BUTTON_CLASS = re.compile(r"^(btn|button)$|[-_](btn|button)$", re.I)
_DOCUMENT_WORDS = ("pdf", "word", "doc", "excel", "xls", "spreadsheet", "powerpoint", "ppt",
                   "opendocument", "odt", "ods", "odp", "rtf", "csv")


class StaticAccessibility(NoOptions):
    """WCAG failures that can be seen in the HTML alone."""

    name = "accessibility"
    content_only = True  # same content, same results: reused for unchanged pages
    rules = with_who_affected((LANG_MISSING, LANG_INVALID, IMG_ALT_MISSING, IFRAME_TITLE_MISSING, META_REFRESH, ZOOM_DISABLED,
             HEADING_SKIPPED, HEADING_EMPTY, IMG_ALT_MEANINGLESS, LINK_NAME_MISSING,
             LINK_TEXT_AMBIGUOUS, FIELD_LABEL_MISSING, TABLE_HEADERS_MISSING,
             NEW_WINDOW_UNANNOUNCED, IMAGE_OF_TEXT, BUTTON_NAME_MISSING, LINK_TEXT_SAME_DIFFERENT,
             DUPLICATE_ID_REFERENCED, TITLE_PLACEHOLDER, ELEMENT_LANG_INVALID, LANG_WRONG,
             MOVING_TEXT, LIST_INVALID, ARIA_INVALID, AUTOCOMPLETE_INVALID, TABINDEX_POSITIVE,
             GROUP_NOT_GROUPED, FIELDSET_LEGEND_MISSING, TABLE_NO_DATA,
             DATA_TABLE_HEADERS_MISSING, TABLE_HEADER_EMPTY, LINK_NO_DESTINATION,
             CONTROL_ROLE_MISSING, ARIA_HIDDEN_FOCUSABLE, DUPLICATE_ID, DOCUMENT_LINK_FORMAT), WHO_AFFECTED)

    def pages_done(self) -> None:
        release_language_data()

    def check_page(self, page: Page) -> Iterable[Finding]:
        if page.kind != "html" or page.status != 200 or page.tree is None:
            return
        tree = page.tree
        ids = Ids(tree)
        yield from self._language(page, tree)
        yield from self._title(page, tree)
        yield from self._images(page, tree)
        yield from self._headings(page, tree, ids)
        yield from self._links(page, tree, ids)
        yield from self._buttons(page, tree, ids)
        yield from self._fields(page, tree, ids)
        yield from self._groups(page, tree)
        yield from self._tables(page, tree)
        yield from self._lists(page, tree)
        yield from self._markup(page, tree)
        yield from self._ids(page, tree)
        for frame in tree.iter("iframe"):
            if not (frame.get("title") or frame.get("aria-label") or "").strip():
                yield page.finding(IFRAME_TITLE_MISSING, "An <iframe> has no title.",
                                   selector="iframe", target=absolute(page, frame.get("src")))
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

    # --- language and title -------------------------------------------------------------------

    def _language(self, page: Page, tree) -> Iterable[Finding]:
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
        else:
            yield from self._language_of_text(page, tree, lang)
        for el in tree.iter():
            if el is root or not isinstance(el.tag, str) or el.get("lang") is None:
                continue
            value = el.get("lang").strip()
            if value and not langcodes.tag_is_valid(value):
                yield page.finding(ELEMENT_LANG_INVALID, f"A <{el.tag}> is marked lang="
                                   f"{value[:40]!r}, which is not a language code, so screen "
                                   "readers cannot choose a voice for it.",
                                   selector=f"{el.tag}[lang]", snippet=value[:40])

    def _language_of_text(self, page: Page, tree, lang: str) -> Iterable[Finding]:
        declared = langcodes.get(lang).language
        body = tree.find("body")
        if body is None or declared not in detectable_languages():
            return
        text = content_text(body)
        if len(text.split()) < A11Y_LANG_DETECT_MIN_WORDS:
            return
        if declared == "en" and (english_share(text[:LANGDETECT_CHARS])
                                 >= A11Y_LANG_PAGE_ENGLISH_SHARE):
            return  # a set lookup per word settles most pages; langdetect cost a fifth of the checks
        found = detected_language(text)
        if found and found[1] >= A11Y_LANG_DETECT_MIN_PROBABILITY and found[0] != declared:
            said = langcodes.get(declared).display_name()
            real = langcodes.get(found[0]).display_name()
            yield page.finding(LANG_WRONG, f"The page says it is in {said} (lang={lang!r}) but "
                               f"its text is in {real}, so screen readers read it with the "
                               "wrong voice.", selector="html", snippet=lang[:40])

    def _title(self, page: Page, tree) -> Iterable[Finding]:
        titles = tree.xpath("//title")
        text = normal(titles[0].text_content()) if titles else ""
        if text and text in data()["page_titles"]["placeholders"]:
            yield page.finding(TITLE_PLACEHOLDER, f"The page title is {titles[0].text_content().strip()[:60]!r}, "
                               "a placeholder that does not say what the page is.",
                               selector="title")

    # --- images -------------------------------------------------------------------------------

    def _images(self, page: Page, tree) -> Iterable[Finding]:
        for img in tree.iter("img"):
            alt = img.get("alt")
            if alt is None and img.get("role") not in ("presentation", "none"):
                yield page.finding(IMG_ALT_MISSING, f"Image {img.get('src', '')[:80]!r} has no "
                                   "alt attribute.", selector="img",
                                   target=absolute(page, img.get("src")))
            elif alt and alt.strip():
                word = alt.strip()
                if self._meaningless(word):
                    yield page.finding(IMG_ALT_MEANINGLESS, f"Image {img.get('src', '')[:80]!r} "
                                       f"has alt text {word[:60]!r}, which does not describe it.",
                                       selector="img", target=absolute(page, img.get("src")))
                elif role_of(img) not in ("presentation", "none") and self._words_in_picture(img, word):
                    yield page.finding(IMAGE_OF_TEXT, f"Image {img.get('src', '')[:80]!r} seems "
                                       f"to be a picture of words (its alt text is "
                                       f"{len(word.split())} words: {word[:60]!r}...).",
                                       selector="img", target=absolute(page, img.get("src")))
        for area in tree.iter("area"):
            if area.get("href") is not None and area.get("alt") is None and not (
                    area.get("aria-label") or "").strip():
                yield page.finding(IMG_ALT_MISSING, f"Image-map area to {area.get('href')[:80]!r} "
                                   "has no alt attribute.", selector="area",
                                   target=absolute(page, area.get("href")))

    @staticmethod
    def _meaningless(alt: str) -> bool:
        return bool(_FILE_ALT.match(alt) or _CAMERA_ALT.match(alt)
                    or normal(alt) in _PLACEHOLDER_ALT)

    @staticmethod
    def _words_in_picture(img, alt: str) -> bool:
        """Posters, flyers and banners described word for word, or alt text that is several
        sentences of prose: both are what a picture of text looks like from its markup."""
        stem = (img.get("src") or "").rsplit("/", 1)[-1].split("?")[0].lower()
        if (any(w in stem for w in data()["images_of_text"]["file_words"])
                and len(alt.split()) >= A11Y_IMAGE_OF_TEXT_MIN_WORDS):
            return True
        return len(_SENTENCE_END.findall(alt)) >= A11Y_IMAGE_OF_TEXT_PROSE_SENTENCES

    # --- headings -----------------------------------------------------------------------------

    def _headings(self, page: Page, tree, ids: Ids) -> Iterable[Finding]:
        previous = None
        for h in tree.iter(*_HEADINGS):
            if skipped(h):
                continue
            level = int(h.tag[1])
            if not (content_text(h) or (h.get("aria-label") or "").strip()
                    or labelled_by(ids, h)):
                yield page.finding(HEADING_EMPTY, f"An <{h.tag}> heading has no text.",
                                   selector=h.tag)
                continue
            if previous is not None and level > previous + 1:
                yield page.finding(HEADING_SKIPPED, f"Heading jumps from h{previous} to "
                                   f"h{level}: {content_text(h)[:60]!r}.", selector=h.tag)
            previous = level

    # --- links and buttons --------------------------------------------------------------------

    def _links(self, page: Page, tree, ids: Ids) -> Iterable[Finding]:
        places: dict[str, dict[str, str]] = {}  # normal link text -> destination -> text
        for a in tree.iter("a"):
            href = a.get("href")
            if href is None or skipped(a):
                continue
            target = absolute(page, href.strip())
            name = accessible_name(ids, a)
            if not (meaningful(name) or name.startswith("/")):  # "/" is a path shown as text
                what = f"only {name[:20]!r} as its text" if name else "no text or name"
                yield page.finding(LINK_NAME_MISSING, f"A link to {href[:80]!r} has {what}.",
                                   selector="a", target=target)
                continue
            text = content_text(a)
            label = labelled_by(ids, a) or (a.get("aria-label") or "").strip()
            ambiguous = normal(text) in _AMBIGUOUS and (not label or normal(label) in _AMBIGUOUS)
            if ambiguous:
                yield page.finding(LINK_TEXT_AMBIGUOUS, f"Link text {text[:40]!r} does not say "
                                   "where the link goes.", selector="a", target=target)
            if (a.get("target") or "").strip().lower() == "_blank":
                words = " ".join((name, a.get("title") or "", a.get("aria-label") or "")).lower()
                if not any(w in words for w in _NEW_WINDOW):
                    yield page.finding(NEW_WINDOW_UNANNOUNCED, f"Link {name[:60]!r} opens a new "
                                       "window without saying so.", selector="a[target=_blank]",
                                       target=target)
            bare = href.strip().lower()
            if bare in ("#", "#!") or bare.startswith("javascript:"):
                if role_of(a) != "button":
                    yield page.finding(LINK_NO_DESTINATION, f"Link {name[:60]!r} has the address "
                                       f"{href.strip()[:40]!r}: it goes nowhere, so it is a "
                                       "button pretending to be a link.", selector="a",
                                       target=target)
                continue
            if not ambiguous:
                yield from self._document_link(page, a, name, target)
                # Records of one kind (service.page?id=1, ?id=2) count as one place: two
                # records with one name are duplicate data, which the directory checks report.
                place = urlsplit(target)._replace(query="", fragment="").geturl()
                places.setdefault(normal(name), {}).setdefault(place, name)
        for key, destinations in places.items():
            if len(destinations) > 1:
                urls = list(destinations)
                yield page.finding(LINK_TEXT_SAME_DIFFERENT, f"{len(urls)} links say "
                                   f"{destinations[urls[0]][:60]!r} but go to different places: "
                                   f"{', '.join(short_url(page, u) for u in urls[:3])}.",
                                   selector=f"a:text({key[:40]})", target=urls[1])

    def _document_link(self, page: Page, a, name: str, target: str) -> Iterable[Finding]:
        path = urlsplit(target).path.lower()
        kind = next((k for ext, k in EXTENSION_TYPES.items() if path.endswith(ext)), None)
        if kind is None:
            return
        words = set(re.findall(r"[a-z]+", f"{name} {a.get('title') or ''}".lower()))
        if not words & set(_DOCUMENT_WORDS):
            yield page.finding(DOCUMENT_LINK_FORMAT, f"Link {name[:60]!r} opens a {kind} file "
                               "but does not say so.", selector="a", target=target)

    def _buttons(self, page: Page, tree, ids: Ids) -> Iterable[Finding]:
        for el in tree.iter():
            if not isinstance(el.tag, str) or skipped(el):
                continue
            kind = (el.get("type") or "").strip().lower() if el.tag == "input" else ""
            if el.tag != "button" and role_of(el) != "button" and kind not in _BUTTON_TYPES:
                continue
            named = (labelled_by(ids, el) or (el.get("aria-label") or "").strip()
                     or (el.get("title") or "").strip())
            if el.tag == "button" or (role_of(el) == "button" and el.tag not in ("input", "a")):
                if not meaningful(named or content_text(el)):
                    yield page.finding(BUTTON_NAME_MISSING, f"A {describe(el)} button has no "
                                       "text or name.", selector=el.tag)
            elif kind in ("submit", "reset", "button"):
                value = el.get("value")
                empty = (value is None and kind == "button") or (value is not None and not value.strip())
                if empty and not named:
                    yield page.finding(BUTTON_NAME_MISSING, f'An <input type="{kind}"> button has '
                                       "no value, so it has no name.", selector=f"input[type={kind}]")
            elif kind == "image":
                alt = el.get("alt")
                src = absolute(page, el.get("src"))
                if named:
                    continue
                if alt is None:
                    yield page.finding(IMG_ALT_MISSING, f"Image button {el.get('src', '')[:80]!r} "
                                       "has no alt attribute.", selector="input[type=image]",
                                       target=src)
                elif not meaningful(alt):
                    yield page.finding(BUTTON_NAME_MISSING, f"Image button {el.get('src', '')[:80]!r} "
                                       'has alt="", so it has no name.',
                                       selector="input[type=image]", target=src)
                elif self._meaningless(alt.strip()):
                    yield page.finding(IMG_ALT_MEANINGLESS, f"Image button {el.get('src', '')[:80]!r} "
                                       f"has alt text {alt.strip()[:60]!r}, which does not say what "
                                       "it does.", selector="input[type=image]", target=src)

    # --- forms --------------------------------------------------------------------------------

    def _fields(self, page: Page, tree, ids: Ids) -> Iterable[Finding]:
        labelled, empty = set(), set()
        for lab in tree.iter("label"):
            key = (lab.get("for") or "").strip()
            (labelled if meaningful(content_text(lab, _FIELD_TAGS)) else empty).add(key)
        for field in tree.iter("input", "select", "textarea"):
            kind = (field.get("type") or "text").strip().lower()
            if (field.tag == "input" and kind in _NO_LABEL_TYPES) or skipped(field):
                continue
            fid = (field.get("id") or "").strip()
            wrapper = next((anc for anc in field.iterancestors() if anc.tag == "label"), None)
            if ((fid and fid in labelled) or (field.get("aria-label") or "").strip()
                    or labelled_by(ids, field) or (field.get("title") or "").strip()
                    or (wrapper is not None and meaningful(content_text(wrapper, _FIELD_TAGS)))):
                continue
            what = field.get("name") or fid or field.get("placeholder") or ""
            why = ("has a label with no words" if (fid and fid in empty) or wrapper is not None
                   else "has no label")
            yield page.finding(FIELD_LABEL_MISSING, f"Form field <{field.tag}> {what[:40]!r} "
                               f"{why}.", selector=f"{field.tag}[name={field.get('name', '')}]")
        for field in tree.iter("input", "select", "textarea"):
            value = (field.get("autocomplete") or "").strip()
            if value and (field.get("type") or "").strip().lower() != "hidden" and not autocomplete_valid(value):
                yield page.finding(AUTOCOMPLETE_INVALID, f"Form field <{field.tag}> "
                                   f"{(field.get('name') or '')[:40]!r} has autocomplete="
                                   f"{value[:40]!r}, which browsers do not know.",
                                   selector=f"{field.tag}[autocomplete]", snippet=value[:40])

    def _groups(self, page: Page, tree) -> Iterable[Finding]:
        groups: dict[tuple, list] = {}
        for field in tree.iter("input"):
            kind = (field.get("type") or "").strip().lower()
            name = (field.get("name") or "").strip()
            if kind in ("radio", "checkbox") and name and not skipped(field):
                form = next((anc for anc in field.iterancestors() if anc.tag == "form"), None)
                groups.setdefault((id(form), kind, name), []).append(field)
        for (_, kind, name), fields in groups.items():
            if len(fields) < 2:
                continue
            if not all(any(anc.tag == "fieldset" or role_of(anc) in ("group", "radiogroup")
                           for anc in f.iterancestors()) for f in fields):
                noun = "radio buttons" if kind == "radio" else "checkboxes"
                yield page.finding(GROUP_NOT_GROUPED, f"{len(fields)} {noun} named {name[:40]!r} "
                                   "are not in a <fieldset> with a <legend>, so the question they "
                                   "answer is not read out with them.",
                                   selector=f"input[name={name[:40]}]")
        for fieldset in tree.iter("fieldset"):
            if skipped(fieldset) or (fieldset.get("aria-label") or "").strip() or (
                    fieldset.get("aria-labelledby") or "").strip():
                continue
            legends = [c for c in fieldset if c.tag == "legend"]
            if not any(meaningful(content_text(leg)) for leg in legends):
                how = "an empty <legend>" if legends else "no <legend>"
                yield page.finding(FIELDSET_LEGEND_MISSING, f"A <fieldset> has {how}, so its "
                                   "fields have no group name.", selector="fieldset")

    # --- tables and lists ---------------------------------------------------------------------

    def _tables(self, page: Page, tree) -> Iterable[Finding]:
        for table in tree.iter("table"):
            if role_of(table) in ("presentation", "none"):
                continue
            rows = cell_rows(table)
            cells = [c for r in rows for c in r.xpath("./td|./th")]
            heads = [c for c in cells if c.tag == "th"]
            if heads and len(heads) == len(cells):
                yield page.finding(TABLE_NO_DATA, f"A table has {len(heads)} header cells and no "
                                   "data cells.", selector="table")
            empty = [th for th in heads if not meaningful(
                content_text(th) or th.get("aria-label") or th.get("title") or "")]
            if empty:
                yield page.finding(TABLE_HEADER_EMPTY, f"A table has {len(empty)} empty header "
                                   "cell(s).", selector="table th")
            if heads or not rows:
                continue
            widest = max(len(r.xpath("./td|./th")) for r in rows)
            declared = (table.xpath("./thead|./tfoot|./colgroup|./col") or table.get("summary")
                        or any(meaningful(c.text_content()) for c in table.xpath("./caption")))
            if declared and widest >= 2:
                yield page.finding(DATA_TABLE_HEADERS_MISSING, f"A data table (it has a caption "
                                   f"or a header row) of {len(rows)} rows and {widest} columns "
                                   "has no header cells.", selector="table")
            elif len(rows) >= 2 and widest >= 2:
                yield page.finding(TABLE_HEADERS_MISSING, f"A table of {len(rows)} rows and "
                                   f"{widest} columns has no header cells.", selector="table")

    def _lists(self, page: Page, tree) -> Iterable[Finding]:
        reported = set()

        def wrong(parent, message):
            if id(parent) not in reported:
                reported.add(id(parent))
                return page.finding(LIST_INVALID, message, selector=parent.tag)
            return None

        for el in tree.iter("li", "dt", "dd", "ul", "ol", "dl"):
            if skipped(el) or role_of(el):
                continue
            parent = el.getparent()
            if parent is None:
                continue
            finding = None
            if el.tag == "li" and parent.tag not in ("ul", "ol", "menu") and role_of(parent) != "list":
                finding = wrong(el, "A list item (<li>) is not inside a list (<ul> or <ol>).")
            elif el.tag in ("dt", "dd") and parent.tag != "dl" and not (
                    parent.tag == "div" and parent.getparent() is not None
                    and parent.getparent().tag == "dl"):
                finding = wrong(el, f"A <{el.tag}> is not inside a description list (<dl>).")
            elif el.tag in ("ul", "ol", "dl"):
                allowed = ("dt", "dd", "div") if el.tag == "dl" else ("li",)
                bad = [c for c in el if isinstance(c.tag, str) and c.tag not in allowed
                       and c.tag not in SKIP_TEXT and not role_of(c)]
                if bad:
                    finding = wrong(el, f"A <{el.tag}> list holds a <{bad[0].tag}> directly, so "
                                    "screen readers miscount or miss its items.")
            if finding:
                yield finding
        yield from self._text_lists(page, tree)

    def _text_lists(self, page: Page, tree) -> Iterable[Finding]:
        """Lines that start with a bullet character, split by <br> or in sibling paragraphs:
        a list typed as text (pasted from a word processor), which nothing announces."""
        for el in tree.iter():
            if not isinstance(el.tag, str) or el.tag in SKIP_TEXT or el.tag in ("pre", "code"):
                continue
            lines = [el.text or ""] + [c.tail or "" for c in el if c.tag == "br"]
            run, bullet = self._bullet_run(lines)
            paragraphs = [c for c in el if c.tag == "p"]
            if run < _TEXT_LIST_MIN_LINES and paragraphs:
                run, bullet = self._bullet_run([p.text_content() for p in paragraphs])
            if run >= _TEXT_LIST_MIN_LINES:
                yield page.finding(LIST_INVALID, f"{run} lines start with {bullet!r} like a list, "
                                   "but are not marked up as one (<ul> and <li>), so screen "
                                   "readers do not announce a list.", selector=el.tag)

    @staticmethod
    def _bullet_run(lines: list[str]) -> tuple[int, str]:
        best, run, bullet = 0, 0, ""
        for line in lines:
            m = _TEXT_BULLET.match(line)
            run = run + 1 if m else 0
            if m and run > best:
                best, bullet = run, m.group(1)
        return best, bullet

    # --- ARIA, keyboard and obsolete markup ----------------------------------------------------

    def _markup(self, page: Page, tree) -> Iterable[Finding]:
        roles = set(data()["aria"]["roles"])
        problems: dict[str, int] = {}
        hidden_reported = set()
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            if el.tag in ("blink", "marquee") or _BLINK_STYLE.search(el.get("style") or ""):
                what = f"<{el.tag}>" if el.tag in ("blink", "marquee") else "text-decoration: blink"
                yield page.finding(MOVING_TEXT, f"Text moves or blinks ({what}): "
                                   f"{content_text(el)[:60]!r}.", selector=el.tag)
            role = role_of(el)
            if role and not any(t in roles for t in role.split()):
                problems[f'role="{role[:30]}" is not an ARIA role'] = problems.get(
                    f'role="{role[:30]}" is not an ARIA role', 0) + 1
            for attr, value in el.attrib.items():
                if attr.startswith("aria-"):
                    problem = aria_value_problem(attr, value)
                    if problem:
                        problems[problem] = problems.get(problem, 0) + 1
            index = tabindex(el)
            if index is not None and index > 0:
                yield page.finding(TABINDEX_POSITIVE, f"A <{el.tag}> has tabindex=\"{index}\", so "
                                   "the keyboard reaches it out of the page's order: "
                                   f"{content_text(el)[:50]!r}.", selector=f"{el.tag}[tabindex]")
            if hidden(el) and not hidden_reported & {id(a) for a in el.iterancestors()}:
                reachable = [d for d in el.iter() if isinstance(d.tag, str) and focusable(d)]
                if reachable:
                    hidden_reported.add(id(el))
                    yield page.finding(ARIA_HIDDEN_FOCUSABLE, f'A <{el.tag}> with aria-hidden="true" '
                                       f"holds {len(reachable)} thing(s) the keyboard can reach "
                                       f"(first: <{reachable[0].tag}>), which screen readers then "
                                       "read as nothing.", selector=f"{el.tag}[aria-hidden]")
            yield from self._control(page, el, role)
        for problem, count in problems.items():
            times = f" ({count} elements)" if count > 1 else ""
            yield page.finding(ARIA_INVALID, f"{problem}{times}.", selector=problem[:60])

    def _control(self, page: Page, el, role: str) -> Iterable[Finding]:
        if el.tag in _NATIVE_CONTROLS or skipped(el):
            return
        index = tabindex(el)
        why = None
        if not role and index is not None and index >= 0:
            why = "can be reached with the Tab key but does not say what it is (no role)"
        elif not role and el.get("onclick") is not None:
            why = "reacts to clicks but is not a button or link, so keyboards cannot use it"
        elif role in _KEYBOARD_ROLES and index is None:
            why = f'has role="{role}" but cannot be reached with the Tab key'
        elif not role and index is None and any(
                _BUTTON_CLASS.search(c) for c in (el.get("class") or "").split()):
            why = ("is styled as a button (class) but is not one, so keyboards and screen "
                   "readers cannot use it")
        if why:
            text = content_text(el)[:50]
            yield page.finding(CONTROL_ROLE_MISSING, f"A <{el.tag}> {text!r} {why}.",
                               selector=el.tag)

    def _ids(self, page: Page, tree) -> Iterable[Finding]:
        counts: dict[str, int] = {}
        referenced = set()
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            key = (el.get("id") or "").strip()
            if key:
                counts[key] = counts.get(key, 0) + 1
            if el.tag == "label" and el.get("for"):
                referenced.add(el.get("for").strip())
            for attr in _ID_REFS:
                if el.get(attr):
                    referenced.update(el.get(attr).split())
        for key, count in counts.items():
            if count < 2:
                continue
            if key in referenced:
                yield page.finding(DUPLICATE_ID_REFERENCED, f"The id {key[:40]!r} is used by "
                                   f"{count} elements and a label or aria-* attribute points at "
                                   "it, so it may name or describe the wrong one.",
                                   selector=f"#{key[:40]}", snippet=key[:40])
            else:
                yield page.finding(DUPLICATE_ID, f"The id {key[:40]!r} is used by {count} "
                                   "elements.", selector=f"#{key[:40]}", snippet=key[:40])


CHECKS = [StaticAccessibility]
