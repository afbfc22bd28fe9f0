"""Staleness (family `staleness`): is what the Local Offer says still true?

Three checks share one reading of each page (its text blocks and dates, see ../dates.py):
  page-dates            STL401-405  how old the page is, by the dates it carries
  outdated-terms        STL411-412  SEND terms that went out of use (data/staleness_terms.toml)
  expired-content       STL421-426  statutory publications and notices whose time has passed

"Today" is always the day the page was fetched, so re-checking an old crawl gives the same
answers. Documents are not checked yet (their text is not extracted).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
try:  # private modules, used only to speed up required_text; without them every regex runs
    from re import _constants as _sre, _parser as _sre_parser
except ImportError:  # pragma: no cover - a future Python
    _sre = _sre_parser = None
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any, Iterable, Mapping
from urllib.parse import unquote, urljoin, urlsplit

from .. import dates as D
from ..dates import Block, FoundDate, PageDates, long_date
from ..models import Finding, Page, Rule, Severity
from . import read_options, rule_factory

FAMILY = "staleness"


_rule = rule_factory(FAMILY)


_REVIEW_FIX = ("Check the page with the team that owns it, correct anything that has changed, "
               "then update its \"Last updated\" date. If nothing needed to change, say so with "
               "a \"Page last reviewed\" date.")
OUT_OF_DATE = _rule(
    "STL401", "page-out-of-date", "Page has not been updated for over 24 months",
    Severity.ERROR, _REVIEW_FIX, "code-of-practice-4")
NEEDS_REVIEW = _rule(
    "STL402", "page-needs-review", "Page has not been updated for over 12 months",
    Severity.WARNING, _REVIEW_FIX, "code-of-practice-4")
REVIEW_DATE_PASSED = _rule(
    "STL403", "review-date-passed", "The page's \"next review due\" date has passed",
    Severity.ERROR, "Review the page now, then set its next review date (and its \"last "
    "reviewed\" date). If the review has already happened, update the dates on the page.")
FUTURE_DATE = _rule(
    "STL404", "date-in-future", "Page says it was updated on a date after it was checked",
    Severity.WARNING, "Correct the date: it is probably a typing mistake (for example 2052 "
    "for 2025). Use the date the page was really last changed.")
DATES_DISAGREE = _rule(
    "STL405", "page-dates-disagree", "The date shown on the page disagrees with its "
    "structured data or sitemap", Severity.NOTICE, "Ask the web team to take the visible "
    "date, the JSON-LD dateModified and the sitemap lastmod from the same \"last changed\" "
    "value in the CMS, so search engines and readers see the same date.")
OUTDATED_TERM = _rule(
    "STL411", "outdated-term", "Page uses a SEND term that went out of use as if it were "
    "current", Severity.ERROR, "Replace the old term with the current one named in the "
    "message. If the sentence is about how things used to be, make that clear, for example "
    "\"statements were replaced by EHC plans in 2014\".", "terminology")
POSSIBLY_OUTDATED_TERM = _rule(
    "STL412", "possibly-outdated-term", "Page uses a term that is probably out of date",
    Severity.WARNING, "Check whether the term is still right. If not, replace it with the one "
    "named in the message; if the sentence is about the past, make that clear.", "terminology")
FEEDBACK_OUT_OF_DATE = _rule(
    "STL421", "feedback-out-of-date", "\"You said, we did\" feedback is more than 12 months "
    "old", Severity.ERROR, "Publish this year's comments about the Local Offer and what the "
    "council is doing about them, with the date they were published.", "send-regulations-56")
POST16_STATEMENT_OUT_OF_DATE = _rule(
    "STL422", "post16-transport-statement-out-of-date", "Post-16 transport policy statement "
    "is for an academic year that is already over or ending", Severity.ERROR,
    "Publish the post-16 transport policy statement for the coming academic year (due by 31 "
    "May) and link to it; keep older statements in a clearly labelled archive.",
    "education-act-1996-509aa")
ACCESSIBILITY_STATEMENT_OVERDUE = _rule(
    "STL423", "accessibility-statement-review-overdue", "Accessibility statement was last "
    "reviewed more than 12 months ago", Severity.WARNING, "Review the accessibility "
    "statement: re-test the site, update the known problems, and change its \"last reviewed\" "
    "date.", "psbar-2018")
PAST_ACADEMIC_YEAR = _rule(
    "STL424", "past-academic-year", "A heading names an academic year that is over",
    Severity.WARNING, "Update the section for the current academic year, or remove it. If it "
    "is kept as a record, label it clearly (for example \"Archive: 2021 to 2022\").")
PAST_EVENT_UPCOMING = _rule(
    "STL425", "past-event-shown-as-upcoming", "Page shows an event that has already happened "
    "as upcoming", Severity.WARNING, "Mark the event as finished, or unpublish it, and check "
    "the CMS removes past events from \"upcoming\" lists automatically.")
COVID_NOTICE = _rule(
    "STL426", "covid-notice", "Page still has a coronavirus (COVID-19) service notice",
    Severity.WARNING, "Remove the notice and say how the service runs now (or that it has "
    "closed), after checking with the service.")


# --- one reading of a page, shared by the three checks ----------------------------------------


class Reading:
    """What the staleness checks need from one page, worked out once and only when asked."""

    def __init__(self, page: Page) -> None:
        self.page = page

    @cached_property
    def checkable(self) -> bool:
        page = self.page
        return (page.kind == "html" and page.status is not None and 200 <= page.status < 300
                and page.tree is not None)

    @cached_property
    def blocks(self) -> list[Block]:
        return D.text_blocks(self.page.tree) if self.checkable else []

    @cached_property
    def content(self) -> list[Block]:
        return [b for b in self.blocks if b.content]

    @cached_property
    def content_text(self) -> str:
        """The main content as one text, a block a line: for quick tests before block by block."""
        return "\n".join(b.text for b in self.content)

    @cached_property
    def headings(self) -> list[Block]:
        return [b for b in self.content if b.heading]

    @cached_property
    def title(self) -> str:
        title = self.page.title
        if title is None and self.checkable:
            title = self.page.tree.findtext(".//title")
        return " ".join((title or "").split())

    @cached_property
    def h1(self) -> str:
        return next((b.text for b in self.content if b.tag == "h1"), "")

    @cached_property
    def dates(self) -> PageDates:
        return D.page_dates(self.page, self.blocks if self.checkable else None)

    @property
    def today(self) -> dt.date:
        return self.dates.today

    def named(self, pattern: re.Pattern) -> bool:
        """Whether the page's title or main heading matches `pattern`."""
        return bool(pattern.search(self.title) or pattern.search(self.h1))


class DocumentReading(Reading):
    """A PDF or Word document read as paragraphs of main content (no title, no headings)."""

    @cached_property
    def checkable(self) -> bool:
        return bool(self.page.status and 200 <= self.page.status < 300 and self.blocks)

    @cached_property
    def blocks(self) -> list[Block]:
        paragraphs = (" ".join(p.split()) for p in self.page.document_text.split("\n\n"))
        return [Block("p", p, True) for p in paragraphs if p]

    @cached_property
    def title(self) -> str:
        return ""


_last_reading: Reading | None = None


def read(page: Page) -> Reading:
    """The Reading of `page`; the runner passes each page to every check in turn, so keeping
    the last one is enough to parse it once."""
    global _last_reading
    if _last_reading is None or _last_reading.page is not page:
        _last_reading = Reading(page)
    return _last_reading


# --- options ----------------------------------------------------------------------------------


# --- page-dates: STL401-405 -------------------------------------------------------------------


def describe(found: FoundDate) -> str:
    """Where a date came from, for a content editor."""
    return {
        "visible-text": f"the page says \"{found.raw}\"",
        "time-element": "the date marked up on the page",
        "json-ld": "the page's structured data (JSON-LD)",
        "meta": "a date in the page's meta tags",
        "sitemap": "the site's sitemap",
        "http-last-modified": "the web server's Last-Modified header, which is not always "
                              "reliable",
    }.get(found.source, found.source)


_SITEMAP_STAMP_DAYS = 2  # a sitemap "lastmod" this close to the crawl is usually its build time


class PageDatesCheck:
    """How old each page is, from the most trusted date it carries (see dates.SOURCES)."""

    name = "page-dates"
    # "Today" is the day the page was fetched: a re-audit whose crawl is the same as the run it
    # builds on (runner: crawl digest) reuses the results of pages fetched on the same day.
    fetch_day_only = True
    rules = (OUT_OF_DATE, NEEDS_REVIEW, REVIEW_DATE_PASSED, FUTURE_DATE, DATES_DISAGREE)
    metrics = ("last_updated", "date_source")

    def __init__(self, **options: Any) -> None:
        self.warn_after = options["warn_after_months"]
        self.error_after = options["error_after_months"]
        self.disagree_after = options["disagree_after_days"]
        self.future_grace = dt.timedelta(days=options["future_grace_days"])
        self.age_sources = frozenset(options["age_sources"])

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> PageDatesCheck:
        merged = read_options(options, cls.name)
        unknown = set(merged["age_sources"]) - set(D.SOURCES)
        if unknown:
            raise ValueError(f"age_sources: unknown source {sorted(unknown)[0]!r} "
                             f"(known: {', '.join(D.SOURCES)})")
        if merged["error_after_months"] < merged["warn_after_months"]:
            raise ValueError("error_after_months must not be less than warn_after_months")
        return cls(**merged)

    def measure_page(self, page: Page) -> dict[str, Any]:
        reading = read(page)
        if page.kind not in ("html", "document") or (page.kind == "html" and not reading.checkable):
            return {"last_updated": None, "date_source": None}
        found = reading.dates.last_updated
        return {"last_updated": found.date.isoformat() if found else None,
                "date_source": found.source if found else None}

    def check_page(self, page: Page) -> Iterable[Finding]:
        reading = read(page)
        if not reading.checkable:
            return
        dates = reading.dates
        today = dates.today
        future = [d for d in dates.candidates() if d.date > today + self.future_grace]
        if future:
            d = future[0]
            yield page.finding(FUTURE_DATE, f"This page's date, {long_date(d.date)} "
                               f"({describe(d)}), is after the day it was checked "
                               f"({long_date(today)}). It is probably a typing mistake, so "
                               "readers cannot tell how current the page is.",
                               snippet=d.raw, extra=_date_extra(d))
        yield from self._age(page, dates)
        yield from self._review_due(page, dates)
        yield from self._disagreement(page, dates)

    def _age(self, page: Page, dates: PageDates) -> Iterable[Finding]:
        found = next((d for d in dates.by_trust() if d.source in self.age_sources), None)
        today = dates.today
        if found is None or found.date > today:
            return
        months = D.months_between(found.date, today)
        rule = (OUT_OF_DATE if found.date < D.add_months(today, -self.error_after)
                else NEEDS_REVIEW if found.date < D.add_months(today, -self.warn_after) else None)
        if rule is None:
            return
        limit = self.error_after if rule is OUT_OF_DATE else self.warn_after
        yield page.finding(rule, f"This page was last updated on {long_date(found.date)} "
                           f"({describe(found)}), {months} months before it was checked on "
                           f"{long_date(today)} (the limit is {limit} months). Families cannot "
                           "tell whether it is still right.",
                           snippet=found.raw, extra={**_date_extra(found), "months": months})

    def _review_due(self, page: Page, dates: PageDates) -> Iterable[Finding]:
        due = dates.review_due
        if due and due.date < dates.today:
            days = (dates.today - due.date).days
            yield page.finding(REVIEW_DATE_PASSED, f"This page says \"{due.raw}\", and that "
                               f"date passed {days} days before the page was checked on "
                               f"{long_date(dates.today)}.", snippet=due.raw,
                               extra=_date_extra(due))

    def _disagreement(self, page: Page, dates: PageDates) -> Iterable[Finding]:
        """Like with like: a shown "updated" date against dateModified and the sitemap, a shown
        "reviewed" date against lastReviewed."""
        worst: tuple[int, FoundDate, FoundDate] | None = None
        for kind in ("updated", "reviewed"):
            shown = dates.visible_of(kind) or (
                dates.time_element if dates.time_element and dates.time_element.kind == kind
                else None)
            if shown is None or shown.date > dates.today:
                continue  # a future date is reported as a typo instead
            others = [max((d for d in dates.jsonld if d.kind == kind), key=lambda d: d.date,
                          default=None)]
            if kind == "updated" and dates.sitemap and not (
                    (dates.today - dates.sitemap.date).days <= _SITEMAP_STAMP_DAYS
                    and dates.sitemap.date > shown.date):
                others.append(dates.sitemap)
            for other in filter(None, others):
                gap = abs((other.date - shown.date).days)
                if gap > self.disagree_after and (worst is None or gap > worst[0]):
                    worst = (gap, shown, other)
        if worst:
            gap, shown, other = worst
            yield page.finding(DATES_DISAGREE, f"This page shows \"{shown.raw}\", but "
                               f"{describe(other)} gives {long_date(other.date)}: {gap} days "
                               "apart. One of them is wrong.", snippet=other.raw,
                               extra={"shown": shown.date.isoformat(), "other_source":
                                      other.source, "other": other.date.isoformat(),
                                      "days": gap})


def _date_extra(found: FoundDate) -> dict[str, str]:
    return {"date": found.date.isoformat(), "date_source": found.source, "kind": found.kind}


# --- outdated-terms: STL411-412 ---------------------------------------------------------------

TERMS_DATA = "staleness_terms.toml"
_TERM_FIELDS = {"id", "term", "patterns", "since", "replacement", "severity", "marker",
                "case_sensitive"}

# Sentences about the past are not stale ("statements were replaced by EHC plans in 2014",
# "ICBs took over from CCGs", "the ICB (formerly the CCG)").
HISTORICAL = re.compile(
    r"\b(?:replac(?:ed|es|ing)|superseded|took over|taken over|tak(?:es|ing) over|formerly"
    r"|previously|used to|no longer|abolished|renamed|re-named|became|merged|ceased|ended"
    r"|closed (?:in|on)|(?:was|were) (?:called|known as)|now (?:called|known as)|former"
    r"|predecessors?|legacy|historic(?:al|ally)?|history|phased out|prior to|instead of"
    r"|in place of|out of date|outdated|obsolete|old system|under the old"
    r"|(?:until|before) (?:\w+ )?(?:19|20)\d\d|transferr(?:ed|ing) (?:from|to)"
    r"|convert(?:ed|ing) (?:from|to|into))\b|\(\s*now\b", re.IGNORECASE)
# Pages explaining how the system changed use old terms on purpose.
HISTORY_PAGE = re.compile(r"\bhistory\b|\bSEND reforms?\b|\bchanges to (?:the )?SEND system\b"
                          r"|\barchived?\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    patterns: tuple[str, ...]
    since: str
    replacement: str
    severity: str  # "H" or "M" (see the data file)
    marker: str = "M"
    case_sensitive: bool = False

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Term:
        name = data.get("id")
        unknown = set(data) - _TERM_FIELDS
        if unknown:
            raise ValueError(f"term {name!r}: unknown field {sorted(unknown)[0]!r}")
        missing = {"id", "term", "patterns", "since", "replacement", "severity"} - set(data)
        if missing:
            raise ValueError(f"term {name!r}: missing {sorted(missing)[0]!r}")
        if not all(isinstance(data.get(k, ""), str) for k in _TERM_FIELDS - {"patterns",
                                                                             "case_sensitive"}):
            raise ValueError(f"term {name!r}: id, term, since, replacement, severity and marker "
                             "must be strings")
        if data["severity"] not in ("H", "M"):
            raise ValueError(f"term {name!r}: severity must be \"H\" or \"M\"")
        patterns = data["patterns"]
        if isinstance(patterns, str) or not patterns \
                or not all(isinstance(p, str) for p in patterns):
            raise ValueError(f"term {name!r}: patterns must be a list of strings")
        term = cls(**{**data, "patterns": tuple(patterns)})
        try:
            term.regex  # compiles, so a bad pattern stops the configuration, not the audit
        except re.error as exc:
            raise ValueError(f"term {name!r}: bad pattern: {exc}") from None
        return term

    @property
    def rule(self) -> Rule:
        return OUTDATED_TERM if self.severity == "H" else POSSIBLY_OUTDATED_TERM

    @cached_property
    def regex(self) -> re.Pattern:
        joined = "|".join(f"(?:{p})" for p in self.patterns)
        return re.compile(joined if self.case_sensitive else f"(?i:{joined})")

    @cached_property
    def needles(self) -> tuple[tuple[str, bool] | None, ...]:
        """For each pattern, text any match must contain (see required_text)."""
        return tuple(required_text(p, not self.case_sensitive) for p in self.patterns)

    def may_occur(self, text: str, lower: str) -> bool:
        """False when no pattern can match `text` (`lower` is text.lower()): a cheap test
        that saves running every term's expression over every page."""
        return any(n is None or (n[0] in lower if n[1] else n[0] in text) for n in self.needles)


def required_text(pattern: str, ignore_case: bool) -> tuple[str, bool] | None:
    """The longest plain text every match of `pattern` must contain, and whether to compare it
    ignoring case; None when there is none worth testing (or the pattern is too clever)."""
    if _sre_parser is None:
        return None
    try:
        parsed = _sre_parser.parse(pattern)
    except Exception:  # noqa: BLE001 - a private module: any surprise means "always run"
        return None
    best: tuple[str, bool] = ("", False)
    run: list[str] = []
    run_ci = False

    def end_run() -> None:
        nonlocal best, run, run_ci
        if len(run) > len(best[0]):
            best = ("".join(run), run_ci)
        run, run_ci = [], False

    def walk(items, ci: bool) -> None:
        nonlocal run_ci
        for op, av in items:
            if op is _sre.LITERAL:
                run.append(chr(av))
                run_ci = run_ci or ci
            elif op is _sre.AT:  # \b and friends take no text
                continue
            elif op is _sre.SUBPATTERN:  # a group: its content is required too
                _group, add, remove, sub = av
                walk(sub, (ci or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE)
            else:  # alternatives, classes, repeats, lookarounds: the run ends here
                end_run()

    walk(parsed, ignore_case)
    end_run()
    text, ci = best
    return ((text.lower() if ci else text), ci) if len(text) >= 3 else None


def load_terms() -> list[Term]:
    text = resources.files(__package__).joinpath("data", TERMS_DATA).read_text("utf-8")
    return [Term.from_data(t) for t in tomllib.loads(text)["terms"]]


@dataclass(frozen=True)
class TermUse:
    term: Term
    found: str  # as written
    sentence: str
    where: str  # "title" or the block's tag


def _sentence(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return text[left:right.end() if right else len(text)].strip()


class OutdatedTermsCheck:
    """SEND terms that went out of use, in the page's own words (title and main content)."""

    name = "outdated-terms"
    content_only = True  # same content, same results: reused for unchanged pages
    rules = (OUTDATED_TERM, POSSIBLY_OUTDATED_TERM)

    def __init__(self, terms: list[Term]) -> None:
        self.terms = terms

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> OutdatedTermsCheck:
        merged = read_options(options, cls.name)
        terms = {t.id: t for t in load_terms()}
        for data in merged["extra_terms"]:
            if not isinstance(data, Mapping):
                raise ValueError("extra_terms must be a list of tables")
            term = Term.from_data(data)
            terms[term.id] = term
        for term_id in merged["ignore_terms"]:
            if term_id not in terms:
                raise ValueError(f"ignore_terms: no term {term_id!r} (known: "
                                 f"{', '.join(sorted(terms))})")
            del terms[term_id]
        return cls(list(terms.values()))

    def uses(self, reading: Reading) -> list[TermUse]:
        """The first current-sounding use of each term on the page."""
        if reading.named(HISTORY_PAGE):
            return []
        texts = [("title", reading.title)] + [(b.tag, b.text) for b in reading.content]
        joined = f"{reading.title}\n{reading.content_text}"
        lower = joined.lower()
        found = []
        for term in self.terms:
            if term.may_occur(joined, lower):
                use = self._first_use(term, texts)
                if use:
                    found.append(use)
        return found

    @staticmethod
    def _first_use(term: Term, texts: list[tuple[str, str]]) -> TermUse | None:
        for where, text in texts:
            for m in term.regex.finditer(text):
                sentence = _sentence(text, m.start(), m.end())
                if not HISTORICAL.search(sentence):
                    return TermUse(term, m[0], sentence, where)
        return None

    def check_page(self, page: Page) -> Iterable[Finding]:
        # Outdated terms in a PDF or Word document mislead as much as on a page.
        reading = DocumentReading(page) if page.kind == "document" else read(page)
        if not reading.checkable:
            return
        uses = self.uses(reading)
        for rule in self.rules:
            mine = [u for u in uses if u.term.rule is rule]
            if mine:
                yield page.finding(rule, _terms_message(mine, rule), snippet=mine[0].sentence[:200],
                                   extra={"terms": [_term_extra(u) for u in mine]})


def _term_message(use: TermUse) -> str:
    return (f"\"{use.found}\" (\"{use.term.term}\", out of use since {use.term.since}; "
            f"now \"{use.term.replacement}\")")


def _terms_message(uses: list[TermUse], rule: Rule) -> str:
    how = " as if it were current" if rule is OUTDATED_TERM else "; it is probably out of date"
    if len(uses) == 1:
        u = uses[0]
        where = " in its title" if u.where == "title" else ""
        return (f"This page says \"{u.found}\"{where}{how}. \"{u.term.term}\" has been out of "
                f"use since {u.term.since}; say \"{u.term.replacement}\" instead.")
    listed = "; ".join(_term_message(u) for u in uses)
    return f"This page uses {len(uses)} terms that are out of use: {listed}."


def _term_extra(use: TermUse) -> dict[str, str]:
    return {"term": use.term.id, "found": use.found, "since": use.term.since,
            "replacement": use.term.replacement, "confidence": use.term.marker,
            "sentence": use.sentence[:300]}


# --- expired-content: STL421-426 --------------------------------------------------------------

FEEDBACK_PAGE = re.compile(r"\byou said,?\s*we (?:did|listened|acted|changed)\b"
                           r"|\bwe asked,?\s*you (?:said|told us)\b"
                           r"|\blocal offer annual report\b|\bannual report on (?:the|our) "
                           r"local offer\b", re.IGNORECASE)
POST16 = re.compile(r"\bpost[- ]?16\b[^.]{0,40}?\b(?:transport|travel)|\bsixth[- ]form\b"
                    r"[^.]{0,20}?\b(?:transport|travel)|\btransport policy statement\b",
                    re.IGNORECASE)
POST16_ADDRESS = re.compile(r"post[-_ ]?16.{0,40}?(?:transport|travel)|sixth[-_ ]?form.{0,20}?"
                            r"(?:transport|travel)|transport[-_ ]policy[-_ ]statement",
                            re.IGNORECASE)
_MAYBE_POST16 = re.compile(r"16|sixth|statement", re.IGNORECASE)  # links worth a closer look
ACCESSIBILITY_STATEMENT = re.compile(r"\baccessibility statement\b", re.IGNORECASE)
# Old years kept on purpose: archives, reports and results of past years.
KEPT_AS_RECORD = re.compile(r"\barchived?\b|\bprevious\b|\bpast\b|\bhistor(?:y|ic|ical)\b"
                            r"|\breports?\b|\bresults\b|\boutcomes\b|\bminutes\b|\bstatistics\b",
                            re.IGNORECASE)
UPCOMING = re.compile(r"\bupcoming\b|\bcoming soon\b|\bforthcoming\b|\bcoming up\b",
                      re.IGNORECASE)
NO_UPCOMING = re.compile(r"\bno (?:upcoming|forthcoming)\b|\bnothing (?:coming up|upcoming)\b",
                         re.IGNORECASE)
EVENT_MARK = re.compile(r"\bevents?\b", re.IGNORECASE)
COVID = re.compile(r"\bcovid(?:-?19)?\b|\bcoronavirus\b|\bpandemic\b|\blockdown\b",
                   re.IGNORECASE)
COVID_CHANGE = re.compile(
    r"\b(?:is|are|remains?|has been|have been|currently|temporarily|still)\s+(?:\w+\s+)?"
    r"(?:suspended|closed|paused|cancelled|postponed|not running|unavailable|online only)\b"
    r"|\buntil further notice\b|\bwill (?:restart|resume|reopen)\b|\bwhen it is safe\b"
    r"|\b(?:suspended|closed|paused|cancelled|postponed)\s+(?:until|due to|because of)\b"
    r"|\b(?:due to|because of) (?:the )?(?:current )?(?:covid|coronavirus|pandemic|lockdown)",
    re.IGNORECASE)

# "Sessions moved online during the pandemic and are now running again" is not a notice.
COVID_OVER = re.compile(r"\b(?:now|again)\b.{0,40}\b(?:back|running|open)\b"
                        r"|\b(?:reopened|resumed|restarted)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Dated:
    """A date that applies to a publication, and where it was read."""

    date: dt.date
    raw: str
    where: str


class ExpiredContentCheck:
    """Statutory publications and notices whose time has passed."""

    name = "expired-content"
    # "Today" is the day the page was fetched: a re-audit whose crawl is the same as the run it
    # builds on (runner: crawl digest) reuses the results of pages fetched on the same day.
    fetch_day_only = True
    rules = (FEEDBACK_OUT_OF_DATE, POST16_STATEMENT_OUT_OF_DATE, ACCESSIBILITY_STATEMENT_OVERDUE,
             PAST_ACADEMIC_YEAR, PAST_EVENT_UPCOMING, COVID_NOTICE)

    def __init__(self, feedback_max_months: int, statement_review_max_months: int,
                 post16_publish_by: str) -> None:
        self.feedback_max = feedback_max_months
        self.statement_max = statement_review_max_months
        month, day = (int(x) for x in post16_publish_by.split("-"))
        self.publish_by = (month, day)

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> ExpiredContentCheck:
        merged = read_options(options, cls.name)
        try:  # any day that exists every year (so not 29 February)
            dt.date(2023, *(int(x) for x in merged["post16_publish_by"].split("-")))
        except (TypeError, ValueError):
            raise ValueError("post16_publish_by must be a month and day, \"MM-DD\", such as "
                             f"\"05-31\", got {merged['post16_publish_by']!r}") from None
        return cls(**merged)

    def check_page(self, page: Page) -> Iterable[Finding]:
        reading = read(page)
        if not reading.checkable:
            return
        for rule_check in (self._feedback, self._post16, self._statement, self._academic_years,
                           self._event, self._covid):
            finding = rule_check(page, reading)
            if finding:
                yield finding

    # STL421
    def _feedback(self, page: Page, reading: Reading) -> Finding | None:
        if reading.named(FEEDBACK_PAGE):  # the whole page is feedback: any heading dates it
            headings = [reading.title, *(b.text for b in reading.headings)]
        else:  # a feedback section on another page
            headings = [b.text for b in reading.headings if FEEDBACK_PAGE.search(b.text)]
            if not headings:
                return None
        dated = _newest_period(headings, "in a heading")
        if dated is None:
            shown = reading.dates.shown
            dated = Dated(shown.date, shown.raw, f"from {describe(shown)}") if shown else None
        today = reading.today
        if dated is None or dated.date >= D.add_months(today, -self.feedback_max):
            return None
        return page.finding(
            FEEDBACK_OUT_OF_DATE, f"The \"You said, we did\" feedback on this page is dated "
            f"{dated.raw} ({dated.where}), more than {self.feedback_max} months before it was "
            f"checked on {long_date(today)}. Councils must publish the comments they get about "
            "the Local Offer, and what they are doing about them, at least once a year (SEND "
            "Regulations 2014, regulation 56).", snippet=dated.raw,
            extra={"date": dated.date.isoformat()})

    # STL422
    def _post16(self, page: Page, reading: Reading) -> Finding | None:
        found: list[tuple[int, str, str | None]] = []  # (start year, as written, link target)
        if reading.named(POST16):
            for block in reading.content:
                if not KEPT_AS_RECORD.search(block.text):
                    found += [(year, raw, None) for year, raw in D.academic_years(block.text)]
        linked = []
        for link in page.links:
            if not _MAYBE_POST16.search(link.text) and not _MAYBE_POST16.search(link.target):
                continue
            path = unquote(urlsplit(link.target).path)
            if not (POST16.search(link.text) or POST16_ADDRESS.search(path)) \
                    or KEPT_AS_RECORD.search(link.text):
                continue
            linked += [(year, raw, link.target)
                       for year, raw in D.academic_years(link.text) + D.academic_years(path)]
        if linked:  # a menu link to the statement would otherwise be reported on every page
            in_content = _content_link_targets(page)
            found += [f for f in linked if f[2].split("#")[0] in in_content]
        if not found:
            return None
        today = reading.today
        due = dt.date(today.year, *self.publish_by)
        required = today.year if today >= due else today.year - 1
        newest = max(year for year, _raw, _target in found)
        if newest >= required:
            return None
        raw, target = next(((r, t) for y, r, t in sorted(found, key=lambda f: f[2] is None)
                            if y == newest))
        return page.finding(
            POST16_STATEMENT_OUT_OF_DATE, f"The newest post-16 transport policy statement this "
            f"page names or links to is for {newest} to {newest + 1}"
            + ("" if raw == f"{newest} to {newest + 1}" else f" (\"{raw}\")")
            + ". Councils must publish the "
            f"statement for the next academic year by {due.day} {D.MONTH_NAMES[due.month - 1]}, "
            f"so when this page was checked ({long_date(today)}) it should have covered "
            f"{required} to {required + 1}.", target=target, snippet=raw,
            extra={"academic_year": f"{newest}-{newest + 1}",
                   "expected": f"{required}-{required + 1}"})

    # STL423
    def _statement(self, page: Page, reading: Reading) -> Finding | None:
        if not reading.named(ACCESSIBILITY_STATEMENT):
            return None
        dates = reading.dates
        reviewed = dates.visible_of("reviewed") or dates.visible_of("updated", "prepared")
        today = reading.today
        if reviewed is None or reviewed.date >= D.add_months(today, -self.statement_max):
            return None
        return page.finding(
            ACCESSIBILITY_STATEMENT_OVERDUE, f"This accessibility statement was last reviewed on "
            f"{long_date(reviewed.date)} (\"{reviewed.raw}\"), "
            f"{D.months_between(reviewed.date, today)} months before it was checked on "
            f"{long_date(today)}. The accessibility regulations require the statement to be kept "
            "up to date; review it at least once a year.", snippet=reviewed.raw,
            extra=_date_extra(reviewed))

    # STL424
    def _academic_years(self, page: Page, reading: Reading) -> Finding | None:
        oldest_current = D.academic_year_start(reading.today) - 1  # last year's is still useful
        stale = [(b.text, year, raw) for b in reading.headings
                 if not KEPT_AS_RECORD.search(b.text) and not POST16.search(b.text)
                 for year, raw in D.academic_years(b.text) if year < oldest_current]
        if not stale:
            return None
        heading, year, raw = stale[0]
        more = f" ({len(stale) - 1} more heading(s) like it)" if len(stale) > 1 else ""
        return page.finding(
            PAST_ACADEMIC_YEAR, f"The heading \"{heading[:120]}\" names the {year} to {year + 1} "
            f"academic year, which ended in August {year + 1}{more}. Families may take it for "
            "this year's information.", snippet=heading[:200],
            extra={"academic_year": f"{year}-{year + 1}", "headings": len(stale)})

    # STL425
    def _event(self, page: Page, reading: Reading) -> Finding | None:
        if not UPCOMING.search(reading.content_text):
            return None
        label = next((b.text for b in reading.content if UPCOMING.search(b.text)
                      and not NO_UPCOMING.search(b.text)), None)
        if label is None:
            return None
        event_dates = _event_dates(page, reading)
        if not event_dates or max(event_dates) >= reading.today:
            return None
        latest = max(event_dates)
        return page.finding(
            PAST_EVENT_UPCOMING, f"This page still says \"{label[:80]}\", but the event "
            f"{'date' if len(event_dates) == 1 else 'dates'} on it had passed when it was "
            f"checked (latest {long_date(latest)}, checked {long_date(reading.today)}).",
            snippet=label[:200], extra={"latest_event_date": latest.isoformat()})

    # STL426
    def _covid(self, page: Page, reading: Reading) -> Finding | None:
        if not COVID.search(reading.content_text):
            return None
        notice = next((b.text for b in reading.content if COVID.search(b.text)
                       and COVID_CHANGE.search(b.text) and not COVID_OVER.search(b.text)), None)
        if notice is None:
            return None
        return page.finding(
            COVID_NOTICE, f"This page still has a coronavirus (COVID-19) notice: "
            f"\"{notice[:160].rstrip('.')}\". Families may think the service is still suspended "
            "or changed.",
            snippet=notice[:200])


def _newest_period(texts: Iterable[str], where: str) -> Dated | None:
    """The newest period written in these texts, at its latest day: "June 2025" counts as
    30 June 2025, "2023 to 2024" as 31 August 2024, a bare "2024" as 31 December 2024."""
    found: list[Dated] = []
    for text in texts:
        periods = [Dated(w.last_day, w.raw, where) for w in D.written_dates(text)]
        periods += [Dated(dt.date(year + 1, 8, 31), raw, where)
                    for year, raw in D.academic_years(text)]
        found += periods or [Dated(dt.date(int(y), 12, 31), y, where)
                             for y in re.findall(r"\b(20\d\d)\b", text)]
    return max(found, key=lambda d: d.date, default=None)


def _content_link_targets(page: Page) -> set[str]:
    """Absolute addresses of the links in the main content, menus and sidebars left out."""
    root = D.main_root(page.tree)
    return {urljoin(page.url, a.get("href")).split("#")[0]
            for a in root.xpath(".//a[@href][not(ancestor::nav or ancestor::aside)]")}


def _event_dates(page: Page, reading: Reading) -> list[dt.date]:
    """Dates of the events on an event page: schema.org Event start/end dates, else the <time>
    elements of the main content. Empty when the page does not look like an event page."""
    found = []
    for node in D.jsonld_nodes(page.tree):
        kind = node.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and k.endswith("Event") for k in kinds):
            day = D.parse_machine_date(node.get("endDate")) or \
                D.parse_machine_date(node.get("startDate"))
            if day:
                found.append(day)
    if found:
        return found
    root = D.main_root(page.tree)
    classes = " ".join(el.get("class", "") for el in root.xpath(
        "ancestor-or-self::*[@class] | .//article[@class]"))
    if not (EVENT_MARK.search(urlsplit(page.url).path.replace("-", " ").replace("/", " "))
            or EVENT_MARK.search(classes.replace("-", " ").replace("_", " "))):
        return []
    for time in root.iter("time"):
        parent = time.getparent()
        around = parent.text_content()[:200] if parent is not None else ""
        if D.labelled_dates(around):
            continue  # the page's own "last updated" date, not an event
        day = D.parse_machine_date(time.get("datetime") or time.text_content())
        if day:
            found.append(day)
    return found


CHECKS = [PageDatesCheck, OutdatedTermsCheck, ExpiredContentCheck]
