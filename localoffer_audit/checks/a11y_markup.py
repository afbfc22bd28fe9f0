"""More static HTML accessibility rules (family `accessibility`, no browser), A11Y600-A11Y623.

Barriers of the GDS accessibility tool audit that the markup shows: passages in another language
or written the other way, images marked decorative that carry a description, form labels and
hints, captions and transcripts, redundant links, tables nested or used for layout, and
obsolete presentational markup. Word lists are data (checks/data/a11y_html.toml [markup]); the
"who this affects" sentence of each rule lives in WHO_AFFECTED. Helpers: checks/a11y_html.py.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Iterator
from urllib.parse import urlsplit

import langcodes

from ..defaults import (A11Y_LANG_BLOCK_MIN_WORDS, A11Y_LANG_LONG_PASSAGE_MAX_ENGLISH_SHARE,
                        A11Y_LANG_LONG_PASSAGE_WORDS, A11Y_LANG_PASSAGE_MAX_ENGLISH_SHARE,
                        A11Y_LANG_PASSAGE_MIN_PROBABILITY, A11Y_LANG_PASSAGE_MIN_WORDS,
                        A11Y_PRE_SYMBOL_SHARE, A11Y_TEXT_DIRECTION_MIN_LETTERS,
                        A11Y_TEXT_DIRECTION_SHARE, A11Y_UNCHUNKED_MIN_WORDS)
from ..models import Finding, Page, Severity
from . import NoOptions, rule_factory, with_who_affected
from .a11y_html import (SKIP_TEXT, WORD, absolute, cell_rows, content_text, data,
                        detectable_languages, english_share, language_probabilities,
                        meaningful, normal, release_language_data, role_of, skipped)

_rule = rule_factory("accessibility")

ELEMENT_LANG_WRONG = _rule(
    "A11Y600", "element-lang-wrong", "Part of the page is marked as one language but written "
    "in another", Severity.ERROR,
    "Set the lang attribute of the passage to the language it is written in.", "wcag2aa",
    "wcag312")
LANG_CHANGE_UNMARKED = _rule(
    "A11Y601", "lang-change-unmarked", "A passage in another language is not marked with lang",
    Severity.ERROR,
    'Wrap the passage in an element with its language, e.g. <span lang="fr">...</span>.',
    "wcag2aa", "wcag312")
TEXT_DIRECTION_WRONG = _rule(
    "A11Y602", "text-direction-wrong", "Text is set to run in the wrong direction",
    Severity.WARNING,
    'Put dir="rtl" on text in Arabic, Hebrew, Urdu or Persian (with its lang), and never on '
    "left-to-right text.", "wcag2a", "wcag132")
IMG_DECORATIVE_WITH_TEXT = _rule(
    "A11Y603", "img-decorative-with-text", "Image is marked as decoration but carries a "
    "description", Severity.WARNING,
    'Decide: if the image means something, give it alt text and no role="presentation"; if '
    'it is decoration, use alt="" and no title.', "wcag2a", "wcag111")
FIELD_LABEL_DUPLICATE = _rule(
    "A11Y604", "field-label-duplicate", "Two form fields have the same label", Severity.ERROR,
    'Give each field a label that says what goes in it ("Your name", "Your child\'s name"), '
    "or group them in fieldsets whose legends tell them apart.", "wcag2aa", "wcag246",
    "wcag332")
FIELD_HINT_NOT_ASSOCIATED = _rule(
    "A11Y605", "field-hint-not-associated", "A form field's hint is not linked to the field",
    Severity.WARNING,
    'Give the hint an id and add it to the field\'s aria-describedby (aria-describedby="ni-hint").',
    "wcag2a", "wcag131", "wcag332")
VIDEO_CAPTIONS_MISSING = _rule(
    "A11Y606", "video-captions-missing", "Video has no captions", Severity.ERROR,
    'Add a captions track (<track kind="captions" src="....vtt" srclang="en">) to the video, '
    "or show captions in the picture.", "wcag2a", "wcag122")
MEDIA_TRANSCRIPT_MISSING = _rule(
    "A11Y607", "media-transcript-missing", "Audio or video has no transcript on the page",
    Severity.WARNING,
    "Put a transcript (the words spoken and the sounds that matter) on the page or link to "
    "one next to the recording.", "wcag2a", "wcag121")
LINK_REDUNDANT = _rule(
    "A11Y608", "link-redundant", "The same link is read out twice", Severity.NOTICE,
    'Put the image and the words in one link, and give the image alt="" when the words say '
    "it all.", "best-practice", "wcag111", "wcag244")
LINK_TITLE_REDUNDANT = _rule(
    "A11Y609", "link-title-redundant", "Link's title repeats its text", Severity.NOTICE,
    "Remove the title attribute, or use it only for something the link text does not say.",
    "best-practice")
LINKS_NOT_SEPARATED = _rule(
    "A11Y610", "links-not-separated", "Links in a row are separated only by spaces",
    Severity.NOTICE,
    "Put links of a row in a list (<ul>), or separate them with a printable character such as "
    "\"|\" or \",\".", "best-practice")
LINK_TO_IMAGE = _rule(
    "A11Y611", "link-to-image-file", "Link opens an image file on its own, with no text "
    "alternative", Severity.WARNING,
    "Show the image on a page with alt text (or a description beside it) instead of linking "
    "to the image file.", "wcag2a", "wcag111")
TABLE_NESTED = _rule(
    "A11Y612", "table-nested", "Table is nested inside another table", Severity.WARNING,
    "Use one table per set of data; split a nested table out and give it its own caption.",
    "wcag2a", "wcag131")
TABLE_LAYOUT = _rule(
    "A11Y613", "table-layout", "Table is used to lay out the page", Severity.WARNING,
    'Lay the page out with CSS (grid or flexbox); if the table must stay, give it '
    'role="presentation".', "wcag2a", "wcag131", "wcag132")
TABLE_SCOPE_MISSING = _rule(
    "A11Y614", "table-header-scope-missing", "Table with row and column headers does not say "
    "which header is which", Severity.WARNING,
    'Add scope="col" to column headers and scope="row" to row headers (or headers= on each '
    "cell for complex tables).", "wcag2a", "wcag131")
TABLE_CAPTION_MISSING = _rule(
    "A11Y615", "table-caption-missing", "Data table has no caption", Severity.NOTICE,
    "Give the table a <caption> that says what it shows.", "best-practice", "wcag131")
TABLE_CELLS_EMPTY = _rule(
    "A11Y616", "table-cells-empty", "Data table has empty cells", Severity.NOTICE,
    'Put something in every data cell ("none", "not known", "0" or a dash explained in the '
    "caption), so screen-reader users know nothing was left out.", "best-practice")
ACCESSKEY = _rule(
    "A11Y617", "accesskey-used", "Element has an accesskey keyboard shortcut", Severity.NOTICE,
    "Remove the accesskey attribute: its shortcuts clash with those of browsers and screen "
    "readers.", "best-practice")
PARAGRAPH_EMPTY = _rule(
    "A11Y618", "paragraph-empty", "Page has empty paragraphs", Severity.NOTICE,
    "Remove empty <p> elements; make space with CSS margins.", "best-practice")
PRESENTATIONAL_MARKUP = _rule(
    "A11Y619", "presentational-markup", "Page uses obsolete markup for its look",
    Severity.NOTICE,
    "Replace <center>, <font> and spacer images with CSS, so people can set their own text "
    "size, font and layout.", "best-practice")
PRE_WITHOUT_CODE = _rule(
    "A11Y621", "pre-text-picture", "Preformatted text draws a picture with characters",
    Severity.NOTICE,
    "Replace the picture made of characters with an image with alt text, or put the words as "
    "plain text; keep <pre> for code (in <code>).", "best-practice", "wcag111")
ABBR_NOT_EXPANDED = _rule(
    "A11Y622", "abbr-not-expanded", "Abbreviation is not written out", Severity.NOTICE,
    'Write the words out the first time: "Government Digital Service (GDS)", or give the '
    "<abbr> a title.", "wcag2aaa", "wcag314")
LOCATION_REFERENCE = _rule(
    "A11Y623", "content-identified-by-location", "Text points at content only by where it is "
    "on the screen", Severity.NOTICE,
    'Name the thing as well as where it is ("the Taylor Swift link, on the right"): on a phone '
    "or to a screen reader there is no right or left.", "wcag2a", "wcag133")

INLINE_COLOUR = _rule(
    "A11Y620", "inline-style-colour", "Text colours are set in the HTML's style attributes",
    Severity.NOTICE,
    "Set colours in the site's stylesheet (classes), not in style attributes, so people's own "
    "colour settings and style sheets can change them.", "best-practice", "wcag148")
FIELD_LABELS_MULTIPLE = _rule(
    "A11Y624", "field-labels-multiple", "Form field has more than one label", Severity.WARNING,
    "Give each field one <label>; put a shared question (\"Date of issue\") in a <fieldset> "
    "<legend>.", "wcag2a", "wcag131", "wcag332")
CONTENT_NOT_CHUNKED = _rule(
    "A11Y625", "content-not-chunked", "Long page text is not broken up with headings or lists",
    Severity.NOTICE,
    "Break long text into sections with sub-headings (<h2>, <h3>) and use lists for steps and "
    "options.", "wcag2aaa", "wcag2410")
IMG_ALT_TITLE_DIFFER = _rule(
    "A11Y626", "img-alt-title-differ", "Image's alt text and title say different things",
    Severity.NOTICE,
    "Put everything people need in the alt text (or in the page text) and drop the title, or "
    "make them the same.", "best-practice", "wcag111")

WHO_AFFECTED = {
    "A11Y620": "Partially sighted parents who use their own colours may find some text does "
               "not change, or becomes unreadable.",
    "A11Y624": "Screen-reader users may hear only one of the labels, and miss what the field "
               "is for.",
    "A11Y625": "People with learning disabilities, dyslexia or attention difficulties, and "
               "screen-reader users moving by headings, cannot find their way in a wall of "
               "text.",
    "A11Y626": "Sighted mouse users and screen-reader users are told different things about "
               "the same image.",
    "A11Y600": "Screen-reader users hear a passage read with the wrong language's voice.",
    "A11Y601": "Screen-reader users hear words in another language read as if they were "
               "English, and cannot understand them.",
    "A11Y602": "People reading Arabic, Urdu or Persian, and everyone else, see words and "
               "punctuation in a jumbled order.",
    "A11Y603": "Blind parents miss what the image shows, or sighted parents see a description "
               "screen readers never read.",
    "A11Y604": "Screen-reader users hear two fields with the same name and cannot tell which "
               "one is for what.",
    "A11Y605": "Screen-reader users are not told the hint (such as the format to use) when "
               "they reach the field.",
    "A11Y606": "Deaf and hard of hearing parents and young people cannot follow what is said.",
    "A11Y607": "Deaf parents, and people who cannot play sound, cannot get what the recording "
               "says.",
    "A11Y608": "Screen-reader and keyboard users hear or tab through the same link twice.",
    "A11Y609": "Screen-reader users may hear the same words twice.",
    "A11Y610": "Screen-reader users may hear a row of links run together as one.",
    "A11Y611": "Blind and partially sighted parents reach a picture with no description.",
    "A11Y612": "Screen-reader users lose track of which row and column they are in.",
    "A11Y613": "Screen-reader users hear a table that is not one, and may read the page in a "
               "confusing order.",
    "A11Y614": "Screen-reader users may hear the wrong heading read with a value.",
    "A11Y615": "Screen-reader users moving between tables cannot tell what each one is about.",
    "A11Y616": "Screen-reader users hear \"blank\" and cannot tell whether something is missing.",
    "A11Y617": "Keyboard and screen-reader users may find their own shortcut keys do something "
               "else.",
    "A11Y618": "Screen-reader users hear \"blank\" where nothing is.",
    "A11Y619": "Partially sighted parents who set their own text size or colours may find the "
               "page does not change.",
    "A11Y621": "Screen-reader users hear a string of symbols instead of what the picture shows.",
    "A11Y622": "People with learning disabilities, and people new to the subject, may not know "
               "what the abbreviation means.",
    "A11Y623": "Screen-reader users and parents on phones, where the layout changes, cannot "
               "find what the text points to.",
}

_BLOCKS = ("p", "li", "td", "th", "dd", "dt", "blockquote", "q", "figcaption", "caption", "label",
           "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "article", "main", "body")
_QUOTED = re.compile(r"[\"“«„]([^\"“”«»„]{6,300})[\"”»“]")
_FIELDS = ("input", "select", "textarea")
_UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image", "radio", "checkbox"}
# What a cell of a layout table holds: page sections, and menus (lists of links).
_LAYOUT_CONTENT = ("h1", "h2", "h3", "h4", "h5", "h6", "nav", "form", "table", "header",
                   "footer", "aside")
# Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic and their presentation forms.
# Addresses, paths, file names and e-mail addresses are in no language: left out before detection.
_NOT_WORDS = re.compile(r"\S*[/\\@?=&]\S*|\S+\.\w\S*")
_RTL_SCRIPT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_INLINE_COLOUR = re.compile(r"(^|;)\s*(color|background-color|background)\s*:", re.I)
_SPACER = re.compile(r"(^|[/_.-])(spacer|blank|pixel|transparent|clear|shim)[^/]*\.(gif|png)$", re.I)


def _class_words(el) -> list[str]:
    return (el.get("class") or "").lower().split()


def _text_outside_lang(el) -> str:
    """el's text as read out, leaving out parts marked with their own lang (or hidden)."""
    parts = [el.text or ""] if el.tag not in SKIP_TEXT else []
    for child in el:
        if isinstance(child.tag, str) and child.get("lang") is None and not skipped(
                child) and child.tag not in SKIP_TEXT:
            parts.append((child.get("alt") or "") if child.tag == "img"
                         else _text_outside_lang(child))
        parts.append(child.tail or "")
    return " ".join(" ".join(parts).split())


def _context_lang(el) -> str:
    for node in [el, *el.iterancestors()]:
        value = (node.get("lang") or "").strip()
        if value:
            return value
    return ""


def _primary(lang: str) -> str | None:
    try:
        return langcodes.get(lang).language if lang and langcodes.tag_is_valid(lang) else None
    except (ValueError, LookupError):
        return None


def _display(code: str) -> str:
    return langcodes.get(code).display_name()


_REMEMBERED_PASSAGE_CHARS = 2000  # longer passages are judged afresh: the cache stays small


def _foreign(text: str, expected: str) -> str | None:
    """The language text is written in when it is, with confidence, not `expected`: langdetect
    sure of another detectable language and, for English, most words not English words.
    Short passages' answers are remembered: pages repeat their header and footer passages, and
    langdetect is seeded, so the answer is the same."""
    if len(text) > _REMEMBERED_PASSAGE_CHARS:
        return _judged_foreign(text, expected)
    return _remembered_foreign(text, expected)


def _judged_foreign(text: str, expected: str) -> str | None:
    text = _NOT_WORDS.sub(" ", text)
    words = WORD.findall(text)
    if len(words) < A11Y_LANG_PASSAGE_MIN_WORDS or expected not in detectable_languages():
        return None
    share = english_share(text)  # a set lookup per word: English text stops here, cheaply
    # langdetect is often sure and wrong about 3-5 English words, rarely about 6 or more; the
    # dictionary also holds many French and Spanish words, so a longer passage needs less of it.
    most = (A11Y_LANG_PASSAGE_MAX_ENGLISH_SHARE if len(words) < A11Y_LANG_LONG_PASSAGE_WORDS
            else A11Y_LANG_LONG_PASSAGE_MAX_ENGLISH_SHARE)
    if expected == "en" and share >= most:
        return None  # mostly English words
    probabilities = language_probabilities(text)
    if not probabilities:
        return None
    best = max(probabilities, key=probabilities.get)
    if (best == expected or probabilities[best] < A11Y_LANG_PASSAGE_MIN_PROBABILITY
            or probabilities.get(expected, 0.0) > 1 - A11Y_LANG_PASSAGE_MIN_PROBABILITY):
        return None
    if best == "en" and share < 1 - most:
        return None
    return best


_remembered_foreign = lru_cache(maxsize=4096)(_judged_foreign)


def _direction(text: str) -> str | None:
    """"rtl" or "ltr" when most of text's letters run that way (Unicode bidi classes)."""
    rtl = ltr = 0
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            rtl += 1
        elif kind == "L" and ch.isalpha():
            ltr += 1
    total = rtl + ltr
    if total < A11Y_TEXT_DIRECTION_MIN_LETTERS:
        return None
    if rtl / total >= A11Y_TEXT_DIRECTION_SHARE:
        return "rtl"
    if ltr / total >= A11Y_TEXT_DIRECTION_SHARE:
        return "ltr"
    return None


def _own_text(el) -> str:
    return " ".join(" ".join([el.text or ""] + [c.tail or "" for c in el]).split())


def _path(url: str | None) -> str:
    return urlsplit(url or "").path.lower()


class StaticMarkupAccessibility(NoOptions):
    """GDS audit barriers that the HTML alone shows (languages, media, forms, tables, links,
    obsolete markup)."""

    name = "a11y-markup"
    content_only = True  # same content, same results: reused for unchanged pages
    rules = with_who_affected((ELEMENT_LANG_WRONG, LANG_CHANGE_UNMARKED, TEXT_DIRECTION_WRONG,
             IMG_DECORATIVE_WITH_TEXT, FIELD_LABEL_DUPLICATE, FIELD_HINT_NOT_ASSOCIATED,
             VIDEO_CAPTIONS_MISSING, MEDIA_TRANSCRIPT_MISSING, LINK_REDUNDANT,
             LINK_TITLE_REDUNDANT, LINKS_NOT_SEPARATED, LINK_TO_IMAGE, TABLE_NESTED,
             TABLE_LAYOUT, TABLE_SCOPE_MISSING, TABLE_CAPTION_MISSING, TABLE_CELLS_EMPTY,
             ACCESSKEY, PARAGRAPH_EMPTY, PRESENTATIONAL_MARKUP, PRE_WITHOUT_CODE,
             ABBR_NOT_EXPANDED, LOCATION_REFERENCE, INLINE_COLOUR, FIELD_LABELS_MULTIPLE,
             CONTENT_NOT_CHUNKED, IMG_ALT_TITLE_DIFFER), WHO_AFFECTED)

    def pages_done(self) -> None:
        _remembered_foreign.cache_clear()
        release_language_data()

    def check_page(self, page: Page) -> Iterable[Finding]:
        if page.kind != "html" or page.status != 200 or page.tree is None:
            return
        tree = page.tree
        body = tree.find("body")
        if body is None:
            return
        yield from self._languages(page, body)
        yield from self._directions(page, body)
        yield from self._images(page, body)
        yield from self._forms(page, body)
        yield from self._media(page, body)
        yield from self._links(page, body)
        yield from self._tables(page, body)
        yield from self._markup(page, body)

    # --- languages ----------------------------------------------------------------------------

    def _languages(self, page: Page, body) -> Iterator[Finding]:
        reported: set[str] = set()  # a passage in nested blocks (<li><p>) is reported once
        for el in body.iter():
            if not isinstance(el.tag, str) or skipped(el) or el.tag in SKIP_TEXT:
                continue
            declared = el.get("lang")
            if declared is not None and declared.strip():
                if any(d.get("lang") is not None for d in el.iterdescendants() if
                       isinstance(d.tag, str)):
                    continue
                expected = _primary(declared.strip())
                text = content_text(el)
                found = _foreign(text, expected) if expected else None
                if found:
                    yield page.finding(ELEMENT_LANG_WRONG, f"A <{el.tag}> is marked lang="
                                       f"{declared.strip()[:20]!r} ({_display(expected)}) but "
                                       f"{text[:60]!r} is in {_display(found)}.",
                                       selector=f"{el.tag}[lang]", snippet=text[:80])
                continue
            if el.tag not in _BLOCKS or _primary(_context_lang(el)) != "en":
                continue
            yield from self._unmarked(page, el, reported)

    def _unmarked(self, page: Page, el, reported: set) -> Iterator[Finding]:
        """Quotations, and whole paragraphs, in another language inside English text."""
        text = _text_outside_lang(el) if el.tag not in ("div", "section", "article", "main",
                                                        "body") else _own_text(el)
        quotes = [q.strip() for q in _QUOTED.findall(text)] if el.tag != "body" else []
        if el.tag in ("q", "blockquote"):
            quotes.append(text)
        flagged = False
        for quote in quotes:
            found = _foreign(quote, "en") if quote not in reported else None
            if found:
                flagged = True
                reported.add(quote)
                yield page.finding(LANG_CHANGE_UNMARKED, f"The quoted words {quote[:60]!r} are "
                                   f"in {_display(found)} but not marked lang={found!r}, so "
                                   "screen readers read them as English.",
                                   selector=el.tag, snippet=quote[:80])
        if (not flagged and el.tag in ("p", "li", "td", "dd", "blockquote")
                and len(WORD.findall(text)) >= A11Y_LANG_BLOCK_MIN_WORDS and not any(
                    q in text for q in reported)):
            found = _foreign(text, "en")
            if found:
                reported.add(text)
                yield page.finding(LANG_CHANGE_UNMARKED, f"A <{el.tag}> {text[:60]!r} is in "
                                   f"{_display(found)} but not marked lang={found!r}, so "
                                   "screen readers read it as English.", selector=el.tag,
                                   snippet=text[:80])

    def _directions(self, page: Page, body) -> Iterator[Finding]:
        rtl_languages = set(data()["markup"]["rtl_languages"])
        any_dir = bool(body.getroottree().xpath("//*[@dir]"))
        for el in body.iter():
            if not isinstance(el.tag, str) or skipped(el) or el.tag in SKIP_TEXT:
                continue
            text = _own_text(el)
            if not any_dir and not _RTL_SCRIPT.search(text):
                continue  # left-to-right text on a page with no dir: nothing to judge
            written = _direction(text)
            if written is None:
                continue
            setter = next((n for n in [el, *el.iterancestors()]
                           if (n.get("dir") or "").strip() or n.tag == "bdi"), None)
            dir_value = ((setter.get("dir") or "auto").strip().lower() if setter is not None
                         else "ltr")  # <bdi> with no dir finds its own direction
            if dir_value == "auto":
                continue
            if written == "rtl" and dir_value != "rtl":
                yield page.finding(TEXT_DIRECTION_WRONG, f"A <{el.tag}> has right-to-left text "
                                   f"{text[:40]!r} but no dir=\"rtl\", so it is laid out left to "
                                   "right.", selector=el.tag, snippet=text[:80])
            elif written == "ltr" and dir_value == "rtl" and _primary(
                    _context_lang(el)) not in rtl_languages:
                yield page.finding(TEXT_DIRECTION_WRONG, f"A <{el.tag}> has left-to-right text "
                                   f"{text[:40]!r} set to run right to left (dir=\"rtl\").",
                                   selector=el.tag, snippet=text[:80])

    # --- images -------------------------------------------------------------------------------

    def _images(self, page: Page, body) -> Iterator[Finding]:
        for img in body.iter("img"):
            if skipped(img):
                continue
            alt, title = img.get("alt"), (img.get("title") or "").strip()
            src = img.get("src", "")[:80]
            if role_of(img) in ("presentation", "none") and alt and alt.strip():
                yield page.finding(IMG_DECORATIVE_WITH_TEXT, f"Image {src!r} has alt text "
                                   f"{alt.strip()[:60]!r} but role=\"{role_of(img)}\", which "
                                   "hides it from screen readers.", selector="img[role]",
                                   target=absolute(page, img.get("src")))
            elif alt is not None and not alt.strip() and meaningful(title):
                yield page.finding(IMG_DECORATIVE_WITH_TEXT, f"Image {src!r} has alt=\"\" "
                                   f"(decoration) but the title {title[:60]!r}, shown to mouse "
                                   "users and hidden from screen readers.", selector="img[title]",
                                   target=absolute(page, img.get("src")))
            elif alt and meaningful(alt) and meaningful(title) and normal(alt) != normal(title):
                yield page.finding(IMG_ALT_TITLE_DIFFER, f"Image {src!r} has the alt text "
                                   f"{alt.strip()[:40]!r} but the title {title[:40]!r}: mouse "
                                   "users and screen-reader users are told different things.",
                                   selector="img[title]", target=absolute(page, img.get("src")))

    # --- forms --------------------------------------------------------------------------------

    def _forms(self, page: Page, body) -> Iterator[Finding]:
        by_id = {el.get("id"): el for el in body.iter() if isinstance(el.tag, str) and el.get("id")}
        labels: dict[str, str] = {}
        label_count: dict[str, int] = {}
        for lab in body.iter("label"):
            key = (lab.get("for") or "").strip()
            if key:
                labels.setdefault(key, content_text(lab, ("select", "textarea", "option",
                                                          "datalist")))
                label_count[key] = label_count.get(key, 0) + 1
        for key, count in label_count.items():
            field = by_id.get(key)
            if count > 1 and field is not None and field.tag in _FIELDS:
                yield page.finding(FIELD_LABELS_MULTIPLE, f"The form field {key[:40]!r} has "
                                   f"{count} labels; screen readers may read only one of them.",
                                   selector=f"label[for={key[:40]}]", snippet=key[:40])
        groups: dict[tuple, list] = {}
        for field in body.iter(*_FIELDS):
            kind = (field.get("type") or "text").strip().lower()
            if skipped(field) or (field.tag == "input" and kind in _UNLABELLED_TYPES):
                continue
            name = self._label(field, labels)
            if not meaningful(name):
                continue
            form = next((a for a in field.iterancestors() if a.tag == "form"), None)
            fieldset = next((a for a in field.iterancestors() if a.tag == "fieldset"), None)
            groups.setdefault((id(form), id(fieldset), normal(name)), []).append((field, name))
        for (_f, _s, _key), fields in groups.items():
            if len(fields) > 1:
                field, name = fields[0]
                yield page.finding(FIELD_LABEL_DUPLICATE, f"{len(fields)} form fields are all "
                                   f"labelled {name[:40]!r}, with nothing to tell them apart.",
                                   selector=f"{field.tag}", snippet=name[:80])
        yield from self._hints(page, body, by_id)

    @staticmethod
    def _label(field, labels: dict[str, str]) -> str:
        own = (field.get("aria-label") or "").strip()
        if own:
            return own
        fid = (field.get("id") or "").strip()
        if fid and fid in labels:
            return labels[fid]
        wrapper = next((a for a in field.iterancestors() if a.tag == "label"), None)
        if wrapper is not None:
            return content_text(wrapper, ("select", "textarea", "option", "datalist"))
        return ""

    def _hints(self, page: Page, body, by_id: dict) -> Iterator[Finding]:
        words = data()["markup"]["hint_classes"]
        order = {el: i for i, el in enumerate(body.iter()) if isinstance(el.tag, str)}
        fields = [f for f in body.iter(*_FIELDS) if not skipped(f)
                  and (f.get("type") or "").strip().lower() not in ("hidden", "submit", "button",
                                                                     "reset", "image")]
        for el in body.iter():
            if not isinstance(el.tag, str) or skipped(el) or not any(
                    c == w or c.endswith("-" + w) or c.endswith("_" + w) for c in _class_words(el)
                    for w in words):
                continue
            text = content_text(el)
            form = next((a for a in el.iterancestors() if a.tag in ("form", "fieldset")), None)
            if not meaningful(text) or form is None or el.tag in ("input", "label"):
                continue
            field = next((f for f in fields if order[f] > order[el]
                          and form in list(f.iterancestors())), None)
            if field is None:
                continue
            hid = (el.get("id") or "").strip()
            described = set()
            for node in [field, *field.iterancestors()]:
                if node.tag in ("input", "select", "textarea", "fieldset"):
                    described.update((node.get("aria-describedby") or "").split())
            inside = any(a.tag == "label" for a in el.iterancestors())
            if (hid and hid in described) or inside:
                continue
            yield page.finding(FIELD_HINT_NOT_ASSOCIATED, f"The hint {text[:60]!r} is not "
                               f"linked to its field <{field.tag}> "
                               f"{(field.get('id') or field.get('name') or '')[:30]!r} with "
                               "aria-describedby, so screen readers do not read it there.",
                               selector=f"{el.tag}.{_class_words(el)[0]}", snippet=text[:80])

    # --- audio and video ----------------------------------------------------------------------

    def _media(self, page: Page, body) -> Iterator[Finding]:
        for video in body.iter("video"):
            if skipped(video) or video.get("muted") is not None:
                continue
            tracks = [t for t in video.iter("track")
                      if (t.get("kind") or "subtitles").strip().lower() in ("captions", "subtitles")]
            if not tracks:
                src = video.get("src") or next((s.get("src") for s in video.iter("source")
                                                if s.get("src")), "")
                yield page.finding(VIDEO_CAPTIONS_MISSING, f"A <video> {src[:80]!r} has no "
                                   "captions track (<track kind=\"captions\">); unless the "
                                   "captions are in the picture, deaf people cannot follow it.",
                                   selector="video", target=absolute(page, src or None))
        vocab = data()["markup"]
        found = []
        for audio in body.iter("audio"):
            if not skipped(audio):
                src = audio.get("src") or next((s.get("src") for s in audio.iter("source")
                                                if s.get("src")), "")
                found.append(page.finding(MEDIA_TRANSCRIPT_MISSING, f"An <audio> {src[:80]!r} "
                                          "has no transcript on the page.", selector="audio",
                                          target=absolute(page, src or None)))
        media = tuple(vocab["audio_extensions"] + vocab["video_extensions"])
        for a in body.iter("a"):
            href = (a.get("href") or "").strip()
            if href and not skipped(a) and _path(href).endswith(media):
                target = absolute(page, href)
                kind = "a sound" if _path(target).endswith(tuple(vocab["audio_extensions"])) \
                    else "a video"
                found.append(page.finding(MEDIA_TRANSCRIPT_MISSING, f"The link "
                                          f"{content_text(a)[:60]!r} opens {kind} file and the "
                                          "page has no transcript of it.", selector="a",
                                          target=target))
        if found and not _offers_transcript(body, vocab["transcript_words"]):
            yield from found

    # --- links --------------------------------------------------------------------------------

    def _links(self, page: Page, body) -> Iterator[Finding]:
        images = tuple(data()["markup"]["image_extensions"])
        for a in body.iter("a"):
            href = (a.get("href") or "").strip()
            if not href or skipped(a):
                continue
            target = absolute(page, href)
            text = content_text(a)
            pictures = [i for i in a.iter("img") if (i.get("alt") or "").strip()]
            words = normal(_text_outside_images(a))
            if pictures and words and any(normal(i.get("alt")) == words for i in pictures):
                yield page.finding(LINK_REDUNDANT, f"The link {words[:60]!r} holds an image "
                                   "whose alt text repeats the link's words, so screen readers "
                                   "read them twice.", selector="a img", target=target)
            title = (a.get("title") or "").strip()
            if title and normal(title) == normal(text) and meaningful(title):
                yield page.finding(LINK_TITLE_REDUNDANT, f"The link {text[:60]!r} has the same "
                                   "words as its title attribute.", selector="a[title]",
                                   target=target)
            if _path(target).endswith(images) and next(a.iter("img"), None) is None:
                yield page.finding(LINK_TO_IMAGE, f"The link {text[:60]!r} opens the image "
                                   f"{href[:80]!r} on its own, where it has no text "
                                   "alternative.", selector="a", target=target)
        yield from self._link_runs(page, body)

    def _link_runs(self, page: Page, body) -> Iterator[Finding]:
        for parent in body.iter():
            if not isinstance(parent.tag, str) or skipped(parent):
                continue
            run: list = []
            for child in parent:
                if not isinstance(child.tag, str):
                    continue
                bare = not (child.tail or "").strip()
                href = (child.get("href") or "").strip().lower()
                if child.tag == "a" and href and not href.startswith(("#", "javascript:")):
                    if run and self._same_place(page, run[-1], child):
                        yield page.finding(LINK_REDUNDANT, "Two links next to each other go to "
                                           f"the same place ({child.get('href')[:60]!r}): "
                                           f"{content_text(run[-1])[:40]!r} and "
                                           f"{content_text(child)[:40]!r}.", selector="a + a",
                                           target=absolute(page, child.get("href").strip()))
                    run.append(child)
                    if bare:
                        continue
                yield from self._unseparated(page, run)
                run = []
            yield from self._unseparated(page, run)

    @staticmethod
    def _same_place(page: Page, a, b) -> bool:
        def place(el):
            return urlsplit(absolute(page, el.get("href").strip()))._replace(fragment="").geturl()
        return place(a) == place(b)

    @staticmethod
    def _unseparated(page: Page, run: list) -> Iterator[Finding]:
        if len(run) >= 3 and len({(a.get("href") or "").strip() for a in run}) >= 3:
            names = ", ".join(repr(content_text(a)[:20]) for a in run[:3])
            yield page.finding(LINKS_NOT_SEPARATED, f"{len(run)} links in a row ({names}...) "
                               "are separated only by spaces, not a list or printable "
                               "characters.", selector="a + a")

    # --- tables -------------------------------------------------------------------------------

    def _tables(self, page: Page, body) -> Iterator[Finding]:
        for table in body.iter("table"):
            if skipped(table) or role_of(table) in ("presentation", "none"):
                continue
            rows = cell_rows(table)
            cells = [[c for c in r.xpath("./td|./th")] for r in rows]
            heads = [c for r in cells for c in r if c.tag == "th"]
            outer = next((a for a in table.iterancestors() if a.tag in ("td", "th")), None)
            if outer is not None:
                host = next((a for a in outer.iterancestors() if a.tag == "table"), None)
                if host is not None and role_of(host) not in ("presentation", "none"):
                    where = "a header cell (<th>)" if outer.tag == "th" else "a cell"
                    yield page.finding(TABLE_NESTED, f"A table of {len(rows)} rows is nested in "
                                       f"{where} of another table.", selector=f"{outer.tag} table")
            captioned = any(meaningful(c.text_content()) for c in table.xpath("./caption")) or (
                table.get("aria-label") or table.get("aria-labelledby") or table.get("summary")
                or "").strip()
            if not heads:
                layout = [c for r in cells for c in r if any(
                    d.tag in _LAYOUT_CONTENT or (d.tag in ("ul", "ol") and d.find(".//a") is not None)
                    for d in c.iterdescendants())]
                if layout and not captioned and not table.xpath("./thead"):
                    yield page.finding(TABLE_LAYOUT, "A table with no headers or caption holds "
                                       f"headings, lists or menus in its cells (first: "
                                       f"{content_text(layout[0])[:50]!r}): it lays out the "
                                       "page.", selector="table")
                continue
            yield from self._table_headers(page, table, cells, heads, captioned)

    def _table_headers(self, page: Page, table, cells, heads, captioned) -> Iterator[Finding]:
        if not any(c.tag == "td" for r in cells for c in r):
            return  # a table of headers only: A11Y532
        scoped = any(h.get("scope") for h in heads) or any(
            c.get("headers") for r in cells for c in r)
        first = cells[0] if cells else []
        corner = first[:1] if first and first[0].tag == "td" and not meaningful(
            first[0].text_content()) else []
        first_row_heads = len(first) >= 2 and all(c.tag == "th" for c in first[len(corner):])
        later_heads = [sum(c.tag == "th" for c in r) for r in cells[1:]]
        if not scoped and ((first_row_heads and any(later_heads)) or any(
                n >= 2 and n < len(r) for n, r in zip(later_heads, cells[1:]))):
            yield page.finding(TABLE_SCOPE_MISSING, f"A table of {len(cells)} rows has header "
                               "cells for rows and for columns but no scope or headers "
                               "attributes.", selector="table th")
        if not captioned and len(cells) >= 3:
            yield page.finding(TABLE_CAPTION_MISSING, f"A data table of {len(cells)} rows has "
                               "no caption.", selector="table")
        empty = [c for i, r in enumerate(cells) for j, c in enumerate(r)
                 if c.tag == "td" and not (i == 0 and j == 0) and not meaningful(c.text_content())
                 and not any(isinstance(d.tag, str) for d in c.iterdescendants())]
        if empty:
            yield page.finding(TABLE_CELLS_EMPTY, f"A data table has {len(empty)} empty data "
                               "cell(s).", selector="table td")

    # --- obsolete and presentational markup ---------------------------------------------------

    @staticmethod
    def _chunks(page: Page, body) -> Iterator[Finding]:
        if next(body.iter("h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table"), None) is not None:
            return
        words = _running_words(body)
        if words >= A11Y_UNCHUNKED_MIN_WORDS:
            yield page.finding(CONTENT_NOT_CHUNKED, f"The page has {words} words of paragraphs "
                               "and no sub-headings, lists or tables to break them up.",
                               selector="body")

    def _markup(self, page: Page, body) -> Iterator[Finding]:
        presentational = set(data()["markup"]["presentational_tags"])
        old: dict[str, int] = {}
        empty_paragraphs = 0
        expanded = set()
        text = content_text(body)
        for el in body.iter():
            if not isinstance(el.tag, str) or skipped(el):
                continue
            if el.get("accesskey") is not None:
                yield page.finding(ACCESSKEY, f"A <{el.tag}> {content_text(el)[:40]!r} has "
                                   f"accesskey={el.get('accesskey')[:5]!r}.",
                                   selector=f"{el.tag}[accesskey]")
            if el.tag in presentational:
                old[f"<{el.tag}>"] = old.get(f"<{el.tag}>", 0) + 1
            elif el.tag == "img" and not (el.get("alt") or "").strip() and (
                    _SPACER.search(_path(el.get("src"))) or _one_pixel_strip(el)):
                old["spacer images"] = old.get("spacer images", 0) + 1
            elif el.tag == "p" and not el.text_content().strip() and not any(
                    isinstance(d.tag, str) and d.tag != "br" for d in el.iterdescendants()):
                empty_paragraphs += 1
            elif el.tag == "pre" and not any(d.tag in ("code", "samp", "kbd") for d in
                                             el.iterdescendants()):
                chars = [ch for ch in el.text_content() if not ch.isspace()]
                symbols = [ch for ch in chars if not ch.isalnum()]
                if chars and len(symbols) / len(chars) >= A11Y_PRE_SYMBOL_SHARE:
                    yield page.finding(PRE_WITHOUT_CODE, f"A <pre> is {len(symbols)} symbols of "
                                       f"{len(chars)} characters: a picture drawn with "
                                       "characters, read out symbol by symbol.", selector="pre")
            elif el.tag == "abbr" and not (el.get("title") or "").strip():
                short = content_text(el)
                if short and short not in expanded and f"({short})" not in text:
                    expanded.add(short)
                    yield page.finding(ABBR_NOT_EXPANDED, f"The abbreviation {short[:20]!r} is "
                                       "not written out on the page and has no title.",
                                       selector="abbr", snippet=short[:40])
        coloured = [el for el in body.iter() if isinstance(el.tag, str)
                    and _INLINE_COLOUR.search(el.get("style") or "") and meaningful(_own_text(el))]
        if coloured:
            yield page.finding(INLINE_COLOUR, f"{len(coloured)} element(s) set their text "
                               "colour in a style attribute (first: "
                               f"{(coloured[0].get('style') or '')[:40]!r}).",
                               selector=f"{coloured[0].tag}[style]")
        yield from self._chunks(page, body)
        if old:
            what = ", ".join(f"{tag} ({n})" for tag, n in old.items())
            yield page.finding(PRESENTATIONAL_MARKUP, f"The page sets its look with obsolete "
                               f"markup: {what}.", selector=next(iter(old)).strip("<>"))
        if empty_paragraphs:
            yield page.finding(PARAGRAPH_EMPTY, f"The page has {empty_paragraphs} empty "
                               "paragraph(s) (<p></p>).", selector="p:empty")
        hit = _location_phrases().search(text.lower())
        if hit:
            phrase, start = hit.group(0), hit.start()
            yield page.finding(LOCATION_REFERENCE, f"The text says {phrase!r} "
                               f"(\"...{text[max(0, start - 30):start + 40]}...\"): "
                               "check the thing is also named.", selector="body",
                               snippet=text[max(0, start - 30):start + 40])


@lru_cache(maxsize=1)
def _location_phrases() -> re.Pattern:
    phrases = sorted(data()["markup"]["location_phrases"], key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(p) for p in phrases) + r")\b")


def _offers_transcript(body, words: list[str]) -> bool:
    """A link, button, summary, sub-heading or labelled part of the page that names a text
    version (the page's h1 is its subject, not a transcript: "Interview, no transcript")."""
    for el in body.iter("a", "button", "summary", "h2", "h3", "h4", "h5", "h6", "track"):
        said = f"{content_text(el)} {el.get('href') or ''} {el.get('kind') or ''}".lower()
        if el.tag == "track" or any(w in said for w in words):
            return True
    for el in body.iter():
        if isinstance(el.tag, str) and any(
                w.replace(" ", "") in f"{el.get('id') or ''} {el.get('class') or ''}".lower()
                for w in words):
            return True
        if el.tag in ("p", "div", "section") and any(
                _own_text(el).lower().startswith(w) for w in words):
            return True
    return False


def _one_pixel_strip(img) -> bool:
    """1px high or wide and longer the other way: a spacer (a 1x1 image is a tracking pixel)."""
    sizes = [(img.get(a) or "").strip() for a in ("width", "height")]
    return "1" in sizes and any(v.isdigit() and int(v) > 1 for v in sizes) and not any(
        a.tag == "noscript" for a in img.iterancestors())


def _running_words(body) -> int:
    return sum(len(WORD.findall(p.text_content())) for p in body.iter("p") if not skipped(p))


def _text_outside_images(a) -> str:
    return content_text(a, ("img",))


CHECKS = [StaticMarkupAccessibility]
