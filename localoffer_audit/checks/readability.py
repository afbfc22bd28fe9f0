"""Readability (family `readability`): can families read what the page says?

One check, `readability`, reads the main content of each HTML page: the blocks of
dates.text_blocks (no navigation, header, footer, sidebars or breadcrumbs), without cookie
banners and forms. Each block (paragraph, list item, table cell, heading) is split into
sentences on its own, so a list or a table is never read as one long sentence.

  RDB201-203  reading age above the target (9), above 12, above 15 (one of them per page)
  RDB204      sentences over 25 words
  RDB205      SEND acronyms not written out on first use (data/readability_acronyms.toml)
  RDB206      words to avoid, with plainer ones (data/readability_words.toml)

Reading age is the Flesch-Kincaid grade + 5 in whole years (see ../text_stats.py). Pages with
fewer than `min_words` words of main content are skipped: not scored and no findings; pages.jsonl
says "skipped". Every measure is in pages.jsonl (see `metrics`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any, Iterable, Mapping

from lxml import etree

from .. import dates as D
from .. import text_stats as T
from ..dates import Block
from ..models import Finding, Page, Severity
from . import read_options, rule_factory
from .staleness import required_text

FAMILY = "readability"
NAME = "readability"



_rule = rule_factory(FAMILY)


_PLAIN_FIX = ("Rewrite the page in plain English: short sentences (15 to 20 words on average, "
              "one idea each), everyday words instead of long or formal ones, and lists for "
              "steps and options. Explain any legal term you must use. Then ask families who use "
              "the page to try it.")
ABOVE_TARGET = _rule(
    "RDB201", "reading-age-above-target", "Page's reading age is above the target (9)",
    Severity.NOTICE, _PLAIN_FIX, "govuk-content-design")
HARD_TO_READ = _rule(
    "RDB202", "hard-to-read", "Page is hard to read: its reading age is above 12",
    Severity.WARNING, _PLAIN_FIX, "govuk-content-design")
VERY_HARD_TO_READ = _rule(
    "RDB203", "very-hard-to-read", "Page is very hard to read: its reading age is above 15",
    Severity.ERROR, _PLAIN_FIX, "govuk-content-design")
LONG_SENTENCES = _rule(
    "RDB204", "long-sentences", "Page has sentences longer than 25 words", Severity.NOTICE,
    "Split each long sentence into two or three shorter ones, or turn a list inside it into "
    "bullet points. Aim for 25 words or fewer.", "govuk-content-design")
ACRONYM_NOT_EXPLAINED = _rule(
    "RDB205", "acronym-not-explained", "Page uses a SEND acronym without saying what it stands "
    "for", Severity.NOTICE, "Write the words out in full the first time the page uses them, "
    "with the acronym after them in brackets, for example \"education, health and care plan "
    "(EHCP)\". If the page uses it only once or twice, leave the acronym out.",
    "govuk-content-design", "terminology")
WORD_TO_AVOID = _rule(
    "RDB206", "word-to-avoid", "Page uses words that have plainer alternatives", Severity.NOTICE,
    "Replace each word or phrase with the plainer one suggested in the message, or rewrite the "
    "sentence to say exactly what happens.", "govuk-content-design", "plain-english")


# --- options ------------------------------------------------------------------------------------




# --- data: acronyms and words to avoid ----------------------------------------------------------

ACRONYMS_DATA = "readability_acronyms.toml"
WORDS_DATA = "readability_words.toml"


def _data(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(__package__).joinpath("data", name).read_text("utf-8"))


_HYPHENS = str.maketrans({c: None for c in "-\u2010\u2011'\u2019"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Text for comparing expansions: lower case, "&" as "and", hyphens and apostrophes dropped
    ("co-ordinator" = "coordinator"), other punctuation as spaces."""
    text = text.lower().replace("&", " and ").translate(_HYPHENS)
    return " " + _NOT_ALNUM.sub(" ", text).strip() + " "


@dataclass(frozen=True)
class Acronym:
    acronym: str
    expansions: tuple[str, ...]
    forms: tuple[str, ...]
    source: str

    @cached_property
    def normalised(self) -> tuple[str, ...]:
        return tuple(normalise(e).rstrip() for e in self.expansions)  # plurals match too


def load_acronyms() -> list[Acronym]:
    data = _data(ACRONYMS_DATA)
    found = []
    for entry in data["acronyms"]:
        unknown = set(entry) - {"acronym", "forms", "expansions", "source"}
        if unknown or not entry.get("expansions") or entry.get("source") not in data["sources"]:
            raise ValueError(f"{ACRONYMS_DATA}: bad entry {entry.get('acronym')!r}")
        forms = (entry["acronym"], *entry.get("forms", ()))
        found.append(Acronym(entry["acronym"], tuple(entry["expansions"]), forms,
                             entry["source"]))
    return found


@dataclass(frozen=True)
class AvoidWord:
    id: str
    patterns: tuple[str, ...]
    instead: str
    source: str


def load_words() -> list[AvoidWord]:
    data = _data(WORDS_DATA)
    found = []
    for entry in data["words"]:
        if set(entry) != {"id", "patterns", "instead", "source"} \
                or entry["source"] not in data["sources"]:
            raise ValueError(f"{WORDS_DATA}: bad entry {entry.get('id')!r}")
        found.append(AvoidWord(entry["id"], tuple(entry["patterns"]), entry["instead"],
                               entry["source"]))
    return found


# --- one reading of a page ----------------------------------------------------------------------

_FORM_BLOCKS = frozenset(("form", "fieldset", "legend"))
# Cookie and consent banners: their own words, not the page's. Found by id, class or label.
_BANNER = etree.XPath(
    "//body//*[contains(translate(concat(@id, ' ', @class, ' ', @aria-label), "
    "'COKIENST', 'cokienst'), 'cookie') or contains(translate(concat(@id, ' ', @class, ' ', "
    "@aria-label), 'COKIENST', 'cokienst'), 'consent') or @id = 'ccc']")
_BANNER_MAX_CHARS = 3000  # longer: a cookie policy, not a banner
_ANY_PUNCTUATION = re.compile(r"[.,;:!?]")


_BANNER_ATTRIBUTE = re.compile(r"""(?:\bid|\bclass|aria-label)\s*=\s*["']?[^"'<>=]*$""")


def _may_have_banner(page: Page) -> bool:
    """Cheap test before the tree search: is "cookie" or "consent" inside an id, class or
    aria-label attribute (not just a link to the cookies page)?"""
    lower = page.text.lower()
    if 'id="ccc"' in lower:  # Civic Cookie Control
        return True
    for word in ("cookie", "consent"):
        at = lower.find(word)
        while at >= 0:
            tag = lower.rfind("<", 0, at)
            if tag > lower.rfind(">", 0, at) and _BANNER_ATTRIBUTE.search(lower, tag, at):
                return True
            at = lower.find(word, at + len(word))
    return False


def _banner_texts(page: Page) -> list[str]:
    """The text of each cookie or consent banner on the page (whitespace folded)."""
    if not _may_have_banner(page):
        return []
    tree = page.tree
    main = D.main_root(tree)
    texts = []
    for el in _BANNER(tree):
        if el is main or el.tag == "main" or any(up is el for up in main.iterancestors()):
            continue  # the page's content itself (a cookie policy page), not a banner
        text = " ".join(el.text_content().split())
        if text and len(text) <= _BANNER_MAX_CHARS:
            texts.append(text)
    return texts


@dataclass
class Sentence:
    text: str
    words: int
    syllables: int
    block: int  # index in PageText.blocks


@dataclass
class PageText:
    """The main content of a page as readability reads it."""

    blocks: list[Block]
    sentences: list[Sentence]  # scored sentences, in order
    unpunctuated: int = 0  # long runs of words with no punctuation at all: not sentences
    stats: T.TextStats = field(init=False)

    def __post_init__(self) -> None:
        self.stats = T.TextStats(sum(s.words for s in self.sentences), len(self.sentences),
                                 sum(s.syllables for s in self.sentences))


def page_text(page: Page, max_sentence_words: int = 25) -> PageText | None:
    """The main content of an HTML page that answered 2xx, as sentences; None otherwise."""
    if page.kind != "html" or page.status is None or not 200 <= page.status < 300 \
            or page.tree is None:
        return None
    from .staleness import read  # the page's text blocks, worked out once for both families

    blocks = [b for b in read(page).blocks if b.content and b.tag not in _FORM_BLOCKS]
    banners = _banner_texts(page)
    if banners:
        blocks = [b for b in blocks
                  if not any(" ".join(b.text.split()) in text for text in banners)]
    sentences: list[Sentence] = []
    unpunctuated = 0
    for i, block in enumerate(blocks):
        for text in T.sentences(block.text):
            words = T.words(text)
            if not words:
                continue
            if len(words) > max_sentence_words and not _ANY_PUNCTUATION.search(text):
                unpunctuated += 1  # menu-like runs of links or labels: not prose
                continue
            sentences.append(Sentence(text, len(words), sum(map(T.syllables, words)), i))
    return PageText(blocks, sentences, unpunctuated)


# --- the check ----------------------------------------------------------------------------------


@dataclass
class Scored:
    """What the check worked out for one page."""

    status: str | None  # "scored", "skipped" or None (not an HTML page that answered)
    text: PageText | None = None
    reading_age: int | None = None

    @property
    def stats(self) -> T.TextStats | None:
        return self.text.stats if self.text else None


def shorten(sentence: str, keep: int = 20) -> str:
    """A long sentence, shortened for a message: its start and its end."""
    parts = sentence.split()
    if len(parts) <= keep:
        return sentence
    return " ".join(parts[:keep - 7]) + " \u2026 " + " ".join(parts[-6:])


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class ReadabilityCheck:
    """Reading age, long sentences, unexplained acronyms and words to avoid."""

    name = NAME
    content_only = True  # same content, same results: reused for unchanged pages
    rules = (ABOVE_TARGET, HARD_TO_READ, VERY_HARD_TO_READ, LONG_SENTENCES,
             ACRONYM_NOT_EXPLAINED, WORD_TO_AVOID)
    metrics = ("readability", "readability_words", "readability_sentences",
               "flesch_reading_ease", "flesch_kincaid_grade", "reading_age",
               "average_sentence_length", "long_sentences")

    def __init__(self, *, target_reading_age: int, warn_reading_age: int,
                 error_reading_age: int, max_sentence_words: int, min_words: int,
                 acronyms: list[Acronym], words: list[AvoidWord]) -> None:
        self.target = target_reading_age
        self.warn = warn_reading_age
        self.error = error_reading_age
        self.max_words = max_sentence_words
        self.min_words = min_words
        self.acronyms = acronyms
        self.words = words
        forms = {form: a for a in acronyms for form in a.forms}
        self._acronym_of = forms
        self._acronym_re = re.compile(
            r"(?<!\w)(" + "|".join(map(re.escape, sorted(forms, key=len, reverse=True)))
            + r")s?(?!\w)") if forms else None
        self._word_res = [re.compile("|".join(w.patterns), re.IGNORECASE) for w in words]
        # Text each pattern's matches must contain: most pages skip most regexes.
        self._word_needles = [tuple(required_text(p, True) for p in w.patterns) for w in words]
        self._last: tuple[Page, Scored] | None = None

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> ReadabilityCheck:
        merged = read_options(options, NAME)
        if not merged["target_reading_age"] <= merged["warn_reading_age"] \
                <= merged["error_reading_age"]:
            raise ValueError("target_reading_age, warn_reading_age and error_reading_age must go "
                             "up in that order, got "
                             f"{merged['target_reading_age']}, {merged['warn_reading_age']}, "
                             f"{merged['error_reading_age']}")
        if merged["max_sentence_words"] < 1:
            raise ValueError("max_sentence_words must be 1 or more")
        acronyms = load_acronyms()
        known = {a.acronym for a in acronyms}
        for name in merged["ignore_acronyms"]:
            if name not in known:
                raise ValueError(f"ignore_acronyms: no acronym {name!r} in the glossary "
                                 f"(known: {', '.join(sorted(known))})")
        words = load_words()
        known = {w.id for w in words}
        for name in merged["ignore_words"]:
            if name not in known:
                raise ValueError(f"ignore_words: no word {name!r} (known: "
                                 f"{', '.join(sorted(known))})")
        for word in words:
            try:
                re.compile("|".join(word.patterns))
            except re.error as exc:
                raise ValueError(f"{WORDS_DATA}: {word.id}: bad pattern: {exc}") from None
        return cls(target_reading_age=merged["target_reading_age"],
                   warn_reading_age=merged["warn_reading_age"],
                   error_reading_age=merged["error_reading_age"],
                   max_sentence_words=merged["max_sentence_words"],
                   min_words=merged["min_words"],
                   acronyms=[a for a in acronyms if a.acronym not in merged["ignore_acronyms"]],
                   words=[w for w in words if w.id not in merged["ignore_words"]])

    # --- reading a page, once for check_page and measure_page

    def score(self, page: Page) -> Scored:
        if self._last is not None and self._last[0] is page:
            return self._last[1]
        text = page_text(page, self.max_words)
        if text is None:
            scored = Scored(None)
        elif text.stats.words < self.min_words:
            scored = Scored("skipped", text)
        else:
            scored = Scored("scored", text, T.reading_age(text.stats.flesch_kincaid_grade))
        self._last = (page, scored)
        return scored

    def measure_page(self, page: Page) -> dict[str, Any]:
        scored = self.score(page)
        values: dict[str, Any] = dict.fromkeys(self.metrics)
        values["readability"] = scored.status
        if scored.text is not None:
            stats = scored.text.stats
            values["readability_words"] = stats.words
            values["readability_sentences"] = stats.sentences
        if scored.status == "scored":
            stats = scored.text.stats
            values.update(
                flesch_reading_ease=round(stats.flesch_reading_ease, 1),
                flesch_kincaid_grade=round(stats.flesch_kincaid_grade, 1),
                reading_age=scored.reading_age,
                average_sentence_length=round(stats.average_sentence_length, 1),
                long_sentences=sum(1 for s in scored.text.sentences if s.words > self.max_words))
        return values

    def check_page(self, page: Page) -> Iterable[Finding]:
        scored = self.score(page)
        if scored.status != "scored":
            return
        text = scored.text
        for finding in (self._reading_age(page, scored), self._long_sentences(page, text),
                        self._acronyms(page, text), self._words(page, text)):
            if finding:
                yield finding

    # RDB201-203
    def _reading_age(self, page: Page, scored: Scored) -> Finding | None:
        age, stats = scored.reading_age, scored.stats
        if age <= self.target:
            return None
        rule = VERY_HARD_TO_READ if age > self.error else HARD_TO_READ if age > self.warn \
            else ABOVE_TARGET
        how = {VERY_HARD_TO_READ: f"is very hard to read: its reading age is {age}, above "
                                  f"{self.error}",
               HARD_TO_READ: f"is hard to read: its reading age is {age}, above {self.warn}",
               ABOVE_TARGET: f"has a reading age of {age}"}[rule]
        why = []
        if stats.average_sentence_length > 20:
            why.append(f"its sentences are {stats.average_sentence_length:.0f} words long on "
                       "average")
        if stats.syllables_per_word >= 1.6:
            why.append(f"it uses many long words ({stats.syllables_per_word:.2f} syllables a "
                       "word)")
        because = f" Mostly because {' and '.join(why)}." if why else ""
        return page.finding(
            rule, f"This page {how} (Flesch-Kincaid grade {stats.flesch_kincaid_grade:.1f}, "
            f"Flesch reading ease {stats.flesch_reading_ease:.0f}). The target is a reading age "
            f"of {self.target}, so that most people can understand it the first time they read "
            f"it.{because}",
            extra={"reading_age": age, "target_reading_age": self.target,
                   "flesch_kincaid_grade": round(stats.flesch_kincaid_grade, 1),
                   "flesch_reading_ease": round(stats.flesch_reading_ease, 1),
                   "average_sentence_length": round(stats.average_sentence_length, 1),
                   "words": stats.words, "sentences": stats.sentences})

    # RDB204
    def _long_sentences(self, page: Page, text: PageText) -> Finding | None:
        long = [s for s in text.sentences if s.words > self.max_words]
        if not long:
            return None
        longest = max(long, key=lambda s: s.words)
        count = (f"{len(long)} sentences longer than {self.max_words} words"
                 if len(long) > 1 else f"a sentence longer than {self.max_words} words")
        which = "The longest has" if len(long) > 1 else "It has"
        quote = shorten(longest.text).rstrip(".")
        return page.finding(
            LONG_SENTENCES, f"This page has {count}. {which} {longest.words} words: \"{quote}\". "
            f"Sentences of {self.max_words} words or fewer are easier to follow.",
            snippet=longest.text[:300],
            extra={"count": len(long), "max_sentence_words": self.max_words,
                   "sentences": [{"words": s.words, "text": shorten(s.text)}
                                 for s in sorted(long, key=lambda s: -s.words)[:5]]})

    # RDB205
    def _acronyms(self, page: Page, text: PageText) -> Finding | None:
        if self._acronym_re is None:
            return None
        # acronym -> (entry, form as written, block, sentence) of its first use
        first: dict[str, tuple[Acronym, str, int, str]] = {}
        for i, block in enumerate(text.blocks):
            for m in self._acronym_re.finditer(block.text):
                entry = self._acronym_of[m.group(1)]
                if entry.acronym not in first:
                    first[entry.acronym] = (entry, m.group(1), i, _sentence_at(block.text,
                                                                                m.start()))
        if not first:
            return None
        normalised: list[str] = []
        missing = []
        for entry, form, i, sentence in first.values():
            # Written out at or before the first use; after a heading, in the text under it.
            upto = i + 2 if text.blocks[i].heading else i + 1
            while len(normalised) < min(upto, len(text.blocks)):
                normalised.append(normalise(text.blocks[len(normalised)].text))
            window = "".join(normalised[:upto])
            if not any(e in window for e in entry.normalised):
                missing.append((entry, form, sentence))
        if not missing:
            return None
        shown = missing[:6]
        more = f", and {len(missing) - 6} more" if len(missing) > 6 else ""
        names = _and([form for _e, form, _s in shown])
        them = "it stands" if len(missing) == 1 else "they stand"
        spelled = "; ".join(f"\"{e.expansions[0]} ({form})\"" for e, form, _s in shown)
        return page.finding(
            ACRONYM_NOT_EXPLAINED, f"This page uses {names}{more} without saying what {them} "
            f"for. Write {'it' if len(missing) == 1 else 'each'} out in full the first time: "
            f"{spelled}.", snippet=missing[0][2][:300],
            extra={"acronyms": [{"acronym": form, "stands_for": e.expansions[0],
                                 "sentence": s[:300]} for e, form, s in missing]})

    # RDB206
    def _words(self, page: Page, text: PageText) -> Finding | None:
        lower = "\n".join(b.text for b in text.blocks).lower()
        candidates = [i for i, needles in enumerate(self._word_needles)
                      if any(n is None or n[0] in lower for n in needles)]
        if not candidates:
            return None
        first: dict[int, tuple[int, int, str, str]] = {}  # entry -> (block, at, found, sentence)
        for b, block in enumerate(text.blocks):
            for i in candidates:
                if i not in first:
                    m = self._word_res[i].search(block.text)
                    if m:
                        first[i] = (b, m.start(), m.group(), _sentence_at(block.text, m.start()))
        if not first:
            return None
        uses = [(self.words[i], found, sentence)
                for i, (_b, _at, found, sentence) in sorted(first.items(), key=lambda f: f[1][:2])]
        listed = "; ".join(f"\"{as_written}\" (instead: {w.instead})"
                           for w, as_written, _s in uses[:8])
        more = f"; and {len(uses) - 8} more" if len(uses) > 8 else ""
        return page.finding(
            WORD_TO_AVOID, f"This page uses {'a word' if len(uses) == 1 else 'words'} that "
            f"{'has a plainer alternative' if len(uses) == 1 else 'have plainer alternatives'}: "
            f"{listed}{more}.", snippet=uses[0][2][:300],
            extra={"words": [{"id": w.id, "found": as_written, "instead": w.instead,
                              "sentence": s[:300]} for w, as_written, s in uses]})


def _sentence_at(text: str, position: int) -> str:
    """The sentence of a block that holds `position`."""
    start = 0
    for sentence in T.sentences(text):
        at = text.find(sentence, start)
        if at <= position < at + len(sentence) or at < 0:
            return sentence
        start = at + len(sentence)
    return text


CHECKS = [ReadabilityCheck]
