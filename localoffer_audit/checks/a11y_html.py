"""HTML helpers for the static accessibility rules (checks/accessibility.py): what a screen
reader reads from an element (its text and accessible name), what is hidden or focusable, the
ARIA and autocomplete vocabularies (data: checks/data/a11y_html.toml) and the language a text is
written in (langdetect). Pure functions of lxml elements: no I/O beyond the package's data.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from urllib.parse import urljoin, urlsplit

from ..models import Page
from ..text_stats import syllable_counts

SKIP_TEXT = ("script", "style", "template")
PUNCT = re.compile(r"[^\w\s]+")
NOT_RENDERED = re.compile(r"(display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
INTEGER = re.compile(r"^-?\d+$")


@lru_cache(maxsize=1)
def data() -> dict:
    text = resources.files(__package__).joinpath("data", "a11y_html.toml").read_text("utf-8")
    return tomllib.loads(text)


def hidden(el) -> bool:
    return (el.get("aria-hidden") or "").strip().lower() == "true"


def not_rendered(el) -> bool:
    """Hidden from everyone, so from screen readers too: the hidden attribute or an inline
    display:none / visibility:hidden (stylesheets are not read: a11y_contrast's business)."""
    return el.get("hidden") is not None or bool(NOT_RENDERED.search(el.get("style") or ""))


def skipped(el) -> bool:
    return hidden(el) or not_rendered(el)


def content_text(el, skip: tuple[str, ...] = ()) -> str:
    """The text a screen reader would read from el's content: text, image alt text, a part's
    own aria-label and an SVG's <title>, skipping aria-hidden and undisplayed parts and scripts.
    Linear in the size of el."""
    parts: list[str] = []

    def walk(node):
        if node.text and node.tag not in SKIP_TEXT:
            parts.append(node.text)
        for child in node:
            if (isinstance(child.tag, str) and not skipped(child) and child.tag not in SKIP_TEXT
                    and child.tag not in skip):
                label = (child.get("aria-label") or "").strip()
                if label:
                    parts.append(label)
                elif child.tag == "img":
                    parts.append(child.get("alt") or "")
                elif child.tag == "svg":
                    parts.extend(t.text_content() for t in child if t.tag == "title")
                else:
                    walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return " ".join(" ".join(parts).split())


def meaningful(text: str) -> bool:
    """Has a letter or a digit: a link or button called "." or ">" has no name."""
    return any(ch.isalnum() for ch in text)


class Ids:
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


def labelled_by(ids: Ids, el) -> str:
    found = []
    for i in (el.get("aria-labelledby") or "").split():
        hit = ids.get(i)
        if hit is not None:
            found.append(content_text(hit))
    return " ".join(found).strip()


def accessible_name(ids: Ids, el) -> str:
    """Accessible name of a link-like element: aria-labelledby, aria-label, content, title."""
    return (labelled_by(ids, el) or (el.get("aria-label") or "").strip()
            or content_text(el) or (el.get("title") or "").strip())


def normal(text: str) -> str:
    return " ".join(PUNCT.sub(" ", text.lower()).split())


def absolute(page: Page, src: str | None) -> str | None:
    return urljoin(page.url, src) if src else None


def short_url(page: Page, url: str) -> str:
    """A link target as a person would read it: the path on the page's own site."""
    parts = urlsplit(url)
    if parts.netloc == urlsplit(page.url).netloc:
        url = parts.path + (f"?{parts.query}" if parts.query else "")
    return url if len(url) <= 80 else url[:77] + "..."


def role_of(el) -> str:
    return (el.get("role") or "").strip().lower()


def tabindex(el) -> int | None:
    value = (el.get("tabindex") or "").strip()
    return int(value) if INTEGER.match(value) else None


def focusable(el) -> bool:
    """Reachable with the Tab key (as the browser decides from the markup alone)."""
    if el.get("disabled") is not None:
        return False
    index = tabindex(el)
    if index is not None:
        return index >= 0
    tag = el.tag
    if tag in ("a", "area"):
        return el.get("href") is not None
    if tag == "input":
        return (el.get("type") or "").strip().lower() != "hidden"
    return tag in ("button", "select", "textarea", "iframe", "summary") or (
        (el.get("contenteditable") or "false").strip().lower() in ("", "true"))


def cell_rows(table):
    return table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def describe(el) -> str:
    return f"<{el.tag}>"


def autocomplete_valid(value: str) -> bool:
    """The HTML autofill grammar: on | off | [section-*] [shipping|billing]
    [home|work|mobile|fax|pager] field [webauthn]."""
    vocab = data()["autocomplete"]
    tokens = value.lower().split()
    if tokens in (["on"], ["off"]):
        return True
    if tokens and tokens[-1] == "webauthn":
        tokens = tokens[:-1]
    if not tokens:
        return False
    if tokens[0].startswith("section-") and len(tokens[0]) > 8:
        tokens = tokens[1:]
    if tokens and tokens[0] in vocab["address_kinds"]:
        tokens = tokens[1:]
    if len(tokens) == 1:
        return tokens[0] in vocab["fields"] or tokens[0] in vocab["contact_fields"]
    return (len(tokens) == 2 and tokens[0] in vocab["contact_kinds"]
            and tokens[1] in vocab["contact_fields"])


def aria_value_problem(name: str, value: str) -> str | None:
    """Why value is not allowed for the aria-* attribute name (None if it is)."""
    spec = data()["aria"]["attributes"].get(name)
    if spec is None:
        return f"{name} is not an ARIA attribute"
    text = value.strip().lower()
    if not text or spec in ("string", "idrefs"):
        return None  # an empty value means "not set"
    if isinstance(spec, list):
        ok = text in spec
    elif spec == "integer":
        ok = bool(INTEGER.match(text))
    elif spec == "number":
        ok = bool(re.match(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$", text))
    elif spec == "id":
        ok = len(text.split()) == 1
    else:  # "tokens:a b c"
        allowed = spec.split(":", 1)[1].split()
        ok = all(t in allowed for t in text.split())
    return None if ok else f'{name}="{value.strip()[:30]}" is not an allowed value'


_DETECTOR = None


LANGDETECT_CHARS = 1500  # langdetect reads this much of a text: enough to tell, and bounded


def detected_language(text: str) -> tuple[str, float] | None:
    """The language langdetect finds in text, with its probability (seeded: same answer on
    every run). None when langdetect cannot tell."""
    global _DETECTOR
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    if _DETECTOR is None:
        DetectorFactory.seed = 0
        _DETECTOR = True
    try:
        best = detect_langs(text[:LANGDETECT_CHARS])[0]
    except (LangDetectException, IndexError):
        return None
    return best.lang.split("-")[0], best.prob


@lru_cache(maxsize=1)
def detectable_languages() -> frozenset[str]:
    """The languages langdetect has a profile for, read from its profile folder's file names:
    loading the profiles themselves takes about 60 MB, so that waits for a text to detect."""
    import os

    from langdetect.detector_factory import PROFILES_DIRECTORY

    return frozenset(name.split("-")[0] for name in os.listdir(PROFILES_DIRECTORY)
                     if not name.startswith(".")
                     and os.path.isfile(os.path.join(PROFILES_DIRECTORY, name)))


def release_language_data() -> None:
    """Drop langdetect's loaded profiles (about 60 MB) once no page is left to read; the next
    detection loads them again."""
    from langdetect import detector_factory

    detector_factory._factory = None


def language_probabilities(text: str) -> dict[str, float]:
    """Every language langdetect finds in text with its probability ({} when it cannot tell);
    seeded as in detected_language."""
    detected_language("seed")  # seeds the detector once
    from langdetect import detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    try:
        return {hit.lang.split("-")[0]: hit.prob
                for hit in detect_langs(text[:LANGDETECT_CHARS])}
    except LangDetectException:
        return {}


# The CMU Pronouncing Dictionary's 126,000 English words: the word list readability's syllable
# counts already hold, so it is in memory once (loaded on first use).
_english_words = syllable_counts


WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def english_share(text: str) -> float:
    """Share of text's words (acronyms left out) that are English words: a second opinion on
    short passages, where langdetect alone is often sure and wrong ("You said, we did" is
    Welsh to it)."""
    words = [w.lower() for w in WORD.findall(text) if not (w.isupper() and len(w) > 1)]
    if not words:
        return 1.0
    known = _english_words()
    return sum(1 for w in words if w in known or w.split("'")[0] in known) / len(words)
