"""Required content (family `required-content`): does the Local Offer say what the law says it
must, where families can find it?

One site check, `required-content`, reads every page once (in measure_page, which the runner
calls during its single pass over the store; without that pass it reads site.pages() itself)
and keeps only the best evidence per topic, so memory stays bounded on big sites:

  CNT101-103  statutory topics (data/topics.toml): missing, only partly there, too deep
  CNT104-105  EHC needs assessment timescales: wrong numbers, or never stated
  CNT106      eligibility criteria on service and short-breaks pages
  CNT107-109  SENDIASS and the parent carer forum named; an offline / other-format route

Evidence comes from the main content only (dates.text_blocks: never menus, headers, footers or
sidebars). Pages about the separate "local offer for care leavers" are left out of everything
and listed in coverage.json. The coverage of each topic becomes coverage.json
(docs/output-format.md) through measure_site.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Iterator, Mapping

from ..models import Finding, Page, Rule, Severity, Site
from . import rule_factory

NAME = "required-content"
FAMILY = "required-content"


# Who usually fixes a gap (shared reference, "Implications for the tool", point 2). A site maps
# these hints (or topic ids) to its own owner names with the topic_owners option.
OWNER_HINTS = {
    "la-send": "the council's SEND / education team",
    "icb-nhs": "the Integrated Care Board (NHS) and health partners",
    "la-social-care": "the council's social care team",
    "la-transport": "the council's transport team",
    "sendiass-forum": "SENDIASS and the parent carer forum",
    "la-early-years-fis": "the early years team / Family Information Service",
    "complaints": "the complaints teams",
    "local-offer-team": "the Local Offer team",
    "web-team": "the web team",
}


_rule = rule_factory(FAMILY)


TOPIC_MISSING = _rule(
    "CNT101", "required-topic-missing", "The Local Offer has no information on a topic the law "
    "requires", Severity.ERROR, "Publish a web page on the topic (the message says what it "
    "should cover), written for families, and link to it from a landing page no more than 3 "
    "clicks from the Local Offer home page. If the information is on a partner's website, "
    "add a page that explains it briefly and links there.", "send-regulations-sch2",
    "code-of-practice-4")
TOPIC_PARTIAL = _rule(
    "CNT102", "required-topic-partial", "A required topic is only mentioned in passing, or only "
    "in a PDF or Word document", Severity.WARNING, "Give the topic its own web page (or a "
    "clear section with a heading) that explains it in full. Keep any PDF as an extra, and put "
    "its content on the page too: families on phones and screen readers struggle with "
    "documents.", "send-regulations-sch2", "code-of-practice-4")
TOPIC_TOO_DEEP = _rule(
    "CNT103", "required-topic-hard-to-reach", "A required topic is more than 3 clicks from the "
    "Local Offer home page", Severity.WARNING, "Link to the page from the Local Offer home "
    "page or from a landing page linked there, so families reach it in 3 clicks or fewer, and "
    "check it is in the site search and A to Z.", "navigation", "code-of-practice-4")
WRONG_EHC_TIMESCALE = _rule(
    "CNT104", "wrong-ehc-timescale", "Page gives the wrong timescale for an EHC needs "
    "assessment or plan", Severity.ERROR, "Correct the number of weeks: the council must "
    "decide whether to assess within 6 weeks of the request, say within 16 weeks if it will "
    "not issue a plan, and issue the final EHC plan within 20 weeks of the request.",
    "ehc-timescales", "code-of-practice-9")
EHC_TIMESCALES_NOT_STATED = _rule(
    "CNT105", "ehc-timescales-not-stated", "No page on EHC needs assessments tells families the "
    "6-week and 20-week timescales", Severity.WARNING, "Say on the EHC needs assessment page "
    "that the council must decide whether to assess within 6 weeks of the request, and issue "
    "the final plan within 20 weeks, so families know what to expect and when to chase.",
    "ehc-timescales", "code-of-practice-4")
ELIGIBILITY_MISSING = _rule(
    "CNT106", "eligibility-criteria-missing", "Service information does not say who is "
    "eligible", Severity.WARNING, "Add the eligibility criteria: who the service is for, what "
    "needs or ages qualify, and how the decision is made, with a link to the full policy.",
    "code-of-practice-4")
SENDIASS_NOT_NAMED = _rule(
    "CNT107", "sendiass-not-named", "The Local Offer does not name the SEND information, "
    "advice and support service (SENDIASS)", Severity.WARNING, "Name the local SENDIASS, say "
    "it is free, impartial and confidential, and give its phone number, email and website, "
    "on the advice and support page and wherever families make decisions (EHC, complaints).",
    "code-of-practice-4", "send-regulations-sch2")
FORUM_NOT_NAMED = _rule(
    "CNT108", "parent-carer-forum-not-named", "The Local Offer does not name the parent carer "
    "forum", Severity.WARNING, "Name the local parent carer forum, say what it does and how "
    "to join or contact it, on the advice and support page and the \"have your say\" page.",
    "code-of-practice-4", "co-production")
NO_OFFLINE_ROUTE = _rule(
    "CNT109", "no-alternative-format-route", "The Local Offer does not say how to get its "
    "information without the internet or in another format", Severity.WARNING, "Say, on the "
    "home page or the accessibility statement, how people can get the Local Offer on paper, "
    "by phone, in large print, easy read, another language or BSL, and who to contact.",
    "send-regulations-57")

RULES = (TOPIC_MISSING, TOPIC_PARTIAL, TOPIC_TOO_DEEP, WRONG_EHC_TIMESCALE,
         EHC_TIMESCALES_NOT_STATED, ELIGIBILITY_MISSING, SENDIASS_NOT_NAMED, FORUM_NOT_NAMED,
         NO_OFFLINE_ROUTE)


# --- data -------------------------------------------------------------------------------------

TOPICS_DATA = "topics.toml"
SIGNALS_DATA = "content_signals.toml"
_TOPIC_FIELDS = {"id", "title", "legal_basis", "para", "para_verified", "confidence", "owner",
                 "needs", "names", "strong", "weak", "eligibility"}

# Text and phrases are compared after this: see the header of data/topics.toml.
_NORMAL = str.maketrans({"'": "", "\u2019": "", "\u2018": "", "`": "", ",": "", "-": " ",
                         "\u2013": " ", "\u2014": " ", "\u2010": " ", "\u2011": " ", "/": " ",
                         "&": " and ", "\u00a0": " "})


def normalise(text: str) -> str:
    return " ".join(text.lower().translate(_NORMAL).split())


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    legal_basis: str
    para: str
    para_verified: bool
    confidence: str
    owner: str
    needs: str
    names: tuple[str, ...]
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    eligibility: bool = False

    @property
    def legal_ref(self) -> str:
        """The legal basis, with its Schedule 2 paragraph only when that was verified."""
        if self.para and self.para_verified and "Schedule 2" in self.legal_basis:
            paras = "paras" if "," in self.para else "para"
            return self.legal_basis.replace("Schedule 2", f"Schedule 2 {paras} {self.para}", 1)
        return self.legal_basis

    @property
    def name(self) -> str:
        """The title for use inside a sentence ("SEN provision ...", "health services")."""
        title = self.title
        return title[0].lower() + title[1:] if len(title) > 1 and title[1].islower() else title

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Topic:
        name = data.get("id")
        unknown = set(data) - _TOPIC_FIELDS
        if unknown:
            raise ValueError(f"topic {name!r}: unknown field {sorted(unknown)[0]!r}")
        missing = _TOPIC_FIELDS - {"eligibility"} - set(data)
        if missing:
            raise ValueError(f"topic {name!r}: missing {sorted(missing)[0]!r}")
        if data["owner"] not in OWNER_HINTS:
            raise ValueError(f"topic {name!r}: unknown owner hint {data['owner']!r}")
        if data["confidence"] not in ("S", "S2", "M"):
            raise ValueError(f"topic {name!r}: confidence must be S, S2 or M")
        lists = {k: tuple(normalise(p) for p in data[k]) for k in ("names", "strong", "weak")}
        if not lists["names"] or not all(all(lists[k]) for k in lists):
            raise ValueError(f"topic {name!r}: names, strong and weak must be non-empty phrases")
        return cls(**{**data, **lists})


@dataclass(frozen=True)
class Scoring:
    strong_weight: int
    weak_weight: int
    title_factor: int
    heading_factor: int
    body_factor: int
    covered_min_phrases: int
    covered_min_strong: int
    document_page_max_words: int
    evidence_kept: int


def _trie_pattern(phrases: Iterable[str]) -> str:
    """One regular expression matching any of `phrases` (a character trie, so each position
    of the text is tried once, not once per phrase)."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return build(trie)


class Catalogue:
    """The topics and every phrase, compiled once into one expression."""

    def __init__(self, topics: list[Topic], scoring: Scoring) -> None:
        self.topics = topics
        self.scoring = scoring
        self.by_id = {t.id: t for t in topics}
        phrases: dict[str, int] = {}
        # phrase index -> ((topic index, weight, strong, is_name), ...)
        uses: dict[int, list[tuple[int, int, bool, bool]]] = {}
        for ti, topic in enumerate(topics):
            seen: set[str] = set()
            for kind, group in (("name", topic.names), ("strong", topic.strong),
                                ("weak", topic.weak)):
                for phrase in group:
                    if phrase in seen:
                        continue
                    seen.add(phrase)
                    index = phrases.setdefault(phrase, len(phrases))
                    strong = kind != "weak"
                    weight = scoring.strong_weight if strong else scoring.weak_weight
                    uses.setdefault(index, []).append((ti, weight, strong, kind == "name"))
        self.phrases = phrases
        self.uses = [tuple(uses[i]) for i in range(len(phrases))]
        self.regex = re.compile(rf"\b(?:{_trie_pattern(phrases)})(?:es|s)?\b")

    def phrase_index(self, matched: str) -> int | None:
        index = self.phrases.get(matched)
        if index is None and matched.endswith("s"):
            index = self.phrases.get(matched[:-1])
            if index is None and matched.endswith("es"):
                index = self.phrases.get(matched[:-2])
        return index


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    raw = tomllib.loads(resources.files(__package__).joinpath("data", TOPICS_DATA)
                        .read_text("utf-8"))
    topics = [Topic.from_data(t) for t in raw["topics"]]
    ids = [t.id for t in topics]
    if len(set(ids)) != len(ids):
        raise ValueError("topics.toml: duplicate topic id")
    return Catalogue(topics, Scoring(**raw["scoring"]))


@dataclass(frozen=True)
class Signals:
    care_title: re.Pattern
    care_offer: re.Pattern
    care_send: re.Pattern
    eligibility: re.Pattern
    sendiass: re.Pattern
    forum: re.Pattern
    offline: re.Pattern
    document_suffixes: tuple[str, ...]  # ".pdf", ".docx", ...
    document_link_text: re.Pattern
    weeks: re.Pattern
    milestones: tuple[tuple[str, frozenset[int], re.Pattern], ...]
    other: re.Pattern


@lru_cache(maxsize=1)
def load_signals() -> Signals:
    raw = tomllib.loads(resources.files(__package__).joinpath("data", SIGNALS_DATA)
                        .read_text("utf-8"))
    flags = re.IGNORECASE
    ehc = raw["ehc_timescales"]
    return Signals(
        care_title=re.compile(raw["care_leavers"]["title"], flags),
        care_offer=re.compile(raw["care_leavers"]["offer"], flags),
        care_send=re.compile(raw["care_leavers"]["send"]),  # SEN/SEND as written: capitals
        eligibility=re.compile(raw["eligibility"]["pattern"], flags),
        sendiass=re.compile(raw["sendiass"]["pattern"], flags),
        forum=re.compile(raw["parent_carer_forum"]["pattern"], flags),
        offline=re.compile(raw["offline_route"]["pattern"], flags),
        document_suffixes=tuple(f".{ext.lower()}" for ext in raw["documents"]["extensions"]),
        document_link_text=re.compile(raw["documents"]["link_text"], flags),
        weeks=re.compile(ehc["weeks"], flags),
        milestones=tuple((name, frozenset(allowed), re.compile(pattern, flags))
                         for name, (allowed, pattern) in ehc["milestones"].items()),
        other=re.compile(ehc["other"], flags),
    )


# --- EHC timescales ---------------------------------------------------------------------------

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS["thirty"] = 30
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])|\n")
_CLAUSES = re.compile(r"[,;:()]|\s(?:and|but|then|while|whereas|or)\s", re.IGNORECASE)
_EHC_LONG = re.compile(r"\beducation,?\s+health\s+(?:and|&)\s+care\b", re.IGNORECASE)
# Statistics and local targets are not statements of the law.
_STATISTICS = re.compile(r"%|\bper\s?cent\b|\baverage\b|\bon time\b|\btimeliness\b"
                         r"|\bnational(?:ly)?\b|\blast year\b|\bin 20\d\d\b", re.IGNORECASE)
_HEDGE = re.compile(r"\baim\b|\baims\b|\btry\b|\btries\b|\btarget\b|\busually\b|\boften\b"
                    r"|\btypically\b|\bmost\b|\bquicker\b|\bfaster\b|\bsooner\b", re.IGNORECASE)
_WEEKS_ANYWHERE = {n: re.compile(rf"\b(?:{n}|{w})(?:\s*-\s*|\s+)weeks?\b", re.IGNORECASE)
                   for n, w in ((6, "six"), (20, "twenty"))}


def _weeks_value(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    parts = re.split(r"[\s-]+", word)
    total = 0
    for part in parts:
        if part not in _NUMBER_WORDS:
            return None
        total += _NUMBER_WORDS[part]
    return total


@dataclass(frozen=True)
class WrongTimescale:
    sentence: str
    said: str  # "26 weeks"
    milestone: str  # decide | no_plan | final_plan
    allowed: int


_MILESTONE_WORDS = {
    "decide": "to decide whether to carry out an EHC needs assessment",
    "no_plan": "to tell families it will not issue an EHC plan",
    "final_plan": "from the request to the final EHC plan",
}


def _milestone_spans(text: str, signals: Signals) -> list[tuple[int, int, str, frozenset[int]]]:
    spans = [(m.start(), m.end(), name, allowed) for name, allowed, pattern in signals.milestones
             for m in pattern.finditer(text)]
    no_plan = [(s, e) for s, e, name, _ in spans if name == "no_plan"]
    # "not to issue an EHCP" is the 16-week decision, not the final plan
    return [span for span in spans if span[2] != "final_plan"
            or not any(s < span[1] and span[0] < e for s, e in no_plan)]


def wrong_timescales(text: str, signals: Signals | None = None) -> list[WrongTimescale]:
    """Weeks stated for an EHC milestone that the law does not allow (see content_signals)."""
    signals = signals or load_signals()
    found = []
    for sentence in _SENTENCES.split(text):
        if "week" not in sentence.lower() or _STATISTICS.search(sentence):
            continue
        sentence = sentence.strip()
        short = _EHC_LONG.sub("EHC", sentence)
        if not signals.weeks.search(short):
            continue
        whole = _milestone_spans(short, signals)
        kinds = {name for _s, _e, name, _a in whole}
        start = 0
        for clause in _CLAUSES.split(short):
            offset = short.find(clause, start)
            start = offset + len(clause)
            for m in signals.weeks.finditer(clause):
                weeks = _weeks_value(m[1])
                if weeks is None or signals.other.search(clause):
                    continue
                near = [(min(abs(s - (offset + m.end())), abs((offset + m.start()) - e)), name,
                         allowed) for s, e, name, allowed in whole
                        if s < offset + len(clause) and e > offset]
                if near:
                    _distance, name, allowed = min(near, key=lambda n: n[0])
                elif len(kinds) == 1:
                    name = next(iter(kinds))
                    allowed = next(a for _s, _e, n, a in whole if n == name)
                else:
                    continue
                limit = max(allowed)
                if weeks in allowed or (weeks < limit and _HEDGE.search(sentence)):
                    continue
                found.append(WrongTimescale(sentence[:300], " ".join(m[0].split()), name,
                                            limit))
    return found


# --- reading one page -------------------------------------------------------------------------

_TITLE_SEPARATORS = (" | ", " \u2013 ", " \u2014 ", " - ", " :: ", " \u00bb ")
LEVEL_PARTIAL, LEVEL_COVERED = 1, 2


def page_title(title: str) -> str:
    """The page's own part of its <title>: "Short breaks | Exampleshire Local Offer" ->
    "Short breaks" (the site name would otherwise count on every page)."""
    title = " ".join((title or "").split())
    for sep in _TITLE_SEPARATORS:
        if sep in title:
            return title.rsplit(sep, 1)[0]
    return title


@dataclass(slots=True)
class _Tally:
    distinct: int = 0  # phrases outside signposts
    strong: int = 0  # strong points outside signposts
    score: int = 0
    named: bool = False
    any_strong: bool = False  # a strong phrase anywhere, signposts included


@dataclass(frozen=True, slots=True)
class Evidence:
    level: int
    score: int
    depth: int | None
    url: str
    kind: str  # page | signpost | document | document-link

    @property
    def rank(self) -> tuple:
        return (-self.level, -self.score, self.depth if self.depth is not None else 1 << 30,
                self.url)


def _is_document_link(target: str, text: str, signals: Signals) -> bool:
    path = target.split("#", 1)[0].split("?", 1)[0].lower()
    if path.endswith(signals.document_suffixes):
        return True
    lower = text.lower()
    return any(w in lower for w in ("pdf", "doc", "word", "odt", "rtf")) \
        and bool(signals.document_link_text.search(text))


@dataclass
class PageReading:
    """What one page says, for the required-content rules."""

    url: str
    depth: int | None
    kind: str  # html | document
    title: str  # the page's own title (site name removed) and h1
    headings: list[str]
    body: list[str]  # content blocks that are not headings or link-only
    signposts: list[str]  # content blocks that are nothing but a link
    all_text: str  # every block, menus and footers too (for "is SENDIASS named anywhere")
    document_link_only: bool = False
    document_targets: tuple[str, ...] = ()  # documents the content links to (first few)

    @property
    def content_text(self) -> str:
        return "\n".join([self.title, *self.headings, *self.body, *self.signposts])


def read_html(page: Page, signals: Signals, max_words: int) -> PageReading | str | None:
    """The page's main content by place, None when it cannot be read, or the reason it is left
    out (a care leavers' offer page)."""
    from .staleness import read  # the reading shared with the staleness checks: parsed once

    reading = read(page)
    if not reading.checkable:
        return None
    blocks = reading.blocks
    content = [b for b in blocks if b.content and not b.menu]
    h1 = next((b.text for b in content if b.tag == "h1"), "")
    title = page_title(reading.title)
    named = f"{title}\n{h1}" if h1 and h1 != title else title
    link_texts: dict[str, bool] = {}
    targets: dict[str, list[str]] = {}  # document link text -> its targets
    for link in page.links:
        if link.tag == "a" and link.text:
            text = " ".join(link.text.split())
            if text:
                document = _is_document_link(link.target, text, signals)
                link_texts[text] = link_texts.get(text, False) or document
                if document:
                    targets.setdefault(text, []).append(link.target)
    headings, body, signposts = [], [], []
    words = 0
    for block in content:
        if block.tag == "h1":
            continue
        if block.heading:
            headings.append(block.text)
            continue
        if block.text in link_texts:
            signposts.append(block.text)
        else:
            body.append(block.text)
        words += len(block.text.split())
    text = "\n".join([named, *headings, *body, *signposts])
    if signals.care_title.search(named) and (signals.care_offer.search(text)
                                              or not signals.care_send.search(text)):
        return "care-leavers"
    reading_out = PageReading(page.url, page.depth, "html", named, headings, body, signposts,
                              "\n".join(b.text for b in blocks))
    documents = [t for t, document in link_texts.items() if document
                 and (t in signposts or any(t in b for b in body))]
    if documents and words - sum(len(t.split()) for t in documents) < max_words:
        reading_out.document_link_only = True
    reading_out.document_targets = tuple(dict.fromkeys(
        target for text in documents for target in targets.get(text, ())))[:10]
    return reading_out


def read_document(page: Page) -> PageReading | None:
    if not page.status or not 200 <= page.status < 300:
        return None
    text = page.document_text
    if not text.strip():
        return None
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return PageReading(page.url, page.depth, "document", page_title(page.title or ""), [],
                       [p for p in paragraphs if p], [], "")


# --- the site's evidence ----------------------------------------------------------------------


@dataclass
class TopicState:
    evidence: list[Evidence] = field(default_factory=list)  # best first after trim
    shallowest_cover: tuple[int, str] | None = None  # (depth, url) of a covering HTML page
    eligibility_level: int = 0  # best level of a page of this topic that states eligibility


_NO_DEPTH = 1 << 30


class Coverage:
    """Everything the rules need, gathered one page at a time."""

    MAX_PAGE_FINDINGS = 2000
    MAX_EXCLUDED = 200

    def __init__(self, catalogue: Catalogue, signals: Signals) -> None:
        self.catalogue = catalogue
        self.signals = signals
        self.topics = {t.id: TopicState() for t in catalogue.topics}
        self.pages = 0  # readable HTML pages
        self.excluded: list[dict[str, str]] = []
        self.page_findings: list[Finding] = []
        self.named = {"sendiass": "", "forum": "", "offline": ""}
        self.ehc_weeks = {6: "", 20: ""}

    # one page

    def add(self, page: Page) -> PageReading | None:
        """Take one page's evidence; returns its reading (None when it has none)."""
        if page.kind == "html":
            if not page.status or not 200 <= page.status < 300:
                return None
            reading = read_html(page, self.signals, self.catalogue.scoring.document_page_max_words)
            if reading == "care-leavers":
                if len(self.excluded) < self.MAX_EXCLUDED:
                    self.excluded.append({"url": page.url, "reason": "care-leavers-local-offer"})
                return None
            if reading is None:
                return None
            self.pages += 1
            self._names(reading)
        elif page.kind == "document":
            reading = read_document(page)
            if reading is None:
                return None
        else:
            return None
        self._topics(reading)
        self._timescales(page, reading)
        return reading

    def _names(self, reading: PageReading) -> None:
        signals = self.signals
        for key, pattern in (("sendiass", signals.sendiass), ("forum", signals.forum),
                             ("offline", signals.offline)):
            if not self.named[key] and pattern.search(reading.all_text):
                self.named[key] = reading.url

    def _tallies(self, reading: PageReading) -> dict[int, _Tally]:
        catalogue, scoring = self.catalogue, self.catalogue.scoring
        best: dict[int, int] = {}  # phrase index -> best place factor (0: signpost only)
        places = ((scoring.title_factor, [reading.title]),
                  (scoring.heading_factor, reading.headings),
                  (scoring.body_factor, reading.body), (0, reading.signposts))
        regex, index_of = catalogue.regex, catalogue.phrase_index
        for factor, texts in places:
            if not texts:
                continue
            text = normalise("\n".join(texts)) if factor == scoring.title_factor else \
                "\n".join(normalise(t) for t in texts)
            for m in regex.finditer(text):
                index = index_of(m[0])
                if index is not None and best.get(index, -1) < factor:
                    best[index] = factor
        tallies: dict[int, _Tally] = {}
        for index, factor in best.items():
            for ti, weight, strong, is_name in catalogue.uses[index]:
                tally = tallies.get(ti)
                if tally is None:
                    tally = tallies[ti] = _Tally()
                tally.any_strong |= strong
                if factor == 0:  # a signpost: evidence that something exists, not content
                    tally.score += weight
                    continue
                tally.distinct += 1
                tally.score += weight * factor
                if strong:
                    tally.strong += weight * factor
                if is_name and factor == scoring.title_factor:
                    tally.named = True
        return tallies

    def _topics(self, reading: PageReading) -> None:
        scoring = self.catalogue.scoring
        eligible: bool | None = None
        for ti, tally in self._tallies(reading).items():
            if not tally.any_strong:
                continue  # weak words never make a topic present on their own
            topic = self.catalogue.topics[ti]
            covered = tally.distinct >= scoring.covered_min_phrases and (
                tally.named or tally.strong >= scoring.covered_min_strong)
            level = LEVEL_COVERED if covered else LEVEL_PARTIAL
            kind = "page" if tally.distinct else "signpost"
            if reading.kind == "document":
                level, kind = LEVEL_PARTIAL, "document"
            elif reading.document_link_only:
                level, kind = LEVEL_PARTIAL, "document-link"
            state = self.topics[topic.id]
            state.evidence.append(Evidence(level, tally.score, reading.depth, reading.url, kind))
            if len(state.evidence) > 2 * scoring.evidence_kept:
                state.evidence.sort(key=lambda e: e.rank)
                del state.evidence[scoring.evidence_kept:]
            if level == LEVEL_COVERED:
                depth = reading.depth if reading.depth is not None else _NO_DEPTH
                if state.shallowest_cover is None or (depth, reading.url) < state.shallowest_cover:
                    state.shallowest_cover = (depth, reading.url)
            if topic.eligibility and level > state.eligibility_level:
                if eligible is None:
                    eligible = bool(self.signals.eligibility.search(reading.content_text))
                if eligible:
                    state.eligibility_level = level
            if topic.id == "identification-ehc-assessment" and reading.kind == "html":
                text = reading.content_text
                for weeks, pattern in _WEEKS_ANYWHERE.items():
                    if not self.ehc_weeks[weeks] and pattern.search(text):
                        self.ehc_weeks[weeks] = reading.url

    def _timescales(self, page: Page, reading: PageReading) -> None:
        text = "\n".join([*reading.headings, *reading.body])
        if "week" not in text.lower() or len(self.page_findings) >= self.MAX_PAGE_FINDINGS:
            return
        wrong = wrong_timescales(text, self.signals)
        if not wrong:
            return
        first = wrong[0]
        law = {"decide": "6 weeks", "no_plan": "16 weeks", "final_plan": "20 weeks"}
        self.page_findings.append(page.finding(
            WRONG_EHC_TIMESCALE,
            f"This page says \"{first.sentence}\" That gives {first.said} "
            f"{_MILESTONE_WORDS[first.milestone]}, but the legal limit is "
            f"{law[first.milestone]}: families may wait without knowing the council is late."
            + (f" It gives {len(wrong) - 1} more wrong timescale(s)." if len(wrong) > 1 else ""),
            snippet=first.sentence,
            extra={"timescales": [{"said": w.said, "milestone": w.milestone,
                                   "legal_weeks": w.allowed} for w in wrong[:10]]}))

    # the whole site

    def status(self, topic_id: str) -> str:
        evidence = self.topics[topic_id].evidence
        level = max((e.level for e in evidence), default=0)
        return {LEVEL_COVERED: "covered", LEVEL_PARTIAL: "partial"}.get(level, "missing")

    def best(self, topic_id: str) -> list[Evidence]:
        state = self.topics[topic_id]
        state.evidence.sort(key=lambda e: e.rank)
        del state.evidence[self.catalogue.scoring.evidence_kept:]
        return state.evidence

    def document_only(self, topic_id: str) -> list[Evidence]:
        """Evidence of a required topic that no web page covers and that a document (or a page
        that only links to one) says the most about: [] otherwise. A web page that mentions the
        topic in passing does not make it available as HTML. A11Y555
        (checks/a11y_documents.py) reads this, so the topic detection is not duplicated."""
        if self.status(topic_id) != "partial":
            return []
        evidence = self.best(topic_id)
        if not evidence or evidence[0].kind not in ("document", "document-link"):
            return []
        return [e for e in evidence if e.kind in ("document", "document-link")]

    def as_json(self) -> dict[str, Any]:
        topics = []
        for topic in self.catalogue.topics:
            topics.append({
                "id": topic.id, "title": topic.title, "status": self.status(topic.id),
                "evidence": [{"url": e.url, "score": e.score, "depth": e.depth}
                             for e in self.best(topic.id)],
                "legal_ref": topic.legal_ref, "confidence": topic.confidence})
        return {"topics": topics, "excluded": list(self.excluded)}


# --- the check --------------------------------------------------------------------------------


def _options(options: Mapping[str, Any]) -> dict[str, Any]:
    """[checks.required-content] over its defaults, with the same errors as read_options."""
    from . import read_options

    merged = read_options(options, NAME)
    catalogue = load_catalogue()
    unknown_topics = [t for t in merged["ignore_topics"] if t not in catalogue.by_id]
    if unknown_topics:
        raise ValueError(f"ignore_topics: unknown topic {unknown_topics[0]!r} "
                         f"(known: {', '.join(catalogue.by_id)})")
    for key, value in merged["topic_owners"].items():
        if key not in catalogue.by_id and key not in OWNER_HINTS:
            raise ValueError(f"topic_owners: {key!r} is neither a topic id nor an owner hint "
                             f"(hints: {', '.join(OWNER_HINTS)})")
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"topic_owners.{key} must be an owner name, got {value!r}")
    if merged["max_click_depth"] < 1:
        raise ValueError("max_click_depth must be 1 or more")
    return merged


def _depth_words(depth: int) -> str:
    return f"{depth} clicks" if depth != 1 else "1 click"


class RequiredContent:
    """Statutory topics and the Code of Practice's quality signals, judged site-wide."""

    name = NAME
    rules = RULES

    def __init__(self, ignore_topics: list[str], max_click_depth: int,
                 topic_owners: Mapping[str, str]) -> None:
        self.ignore = frozenset(ignore_topics)
        self.max_depth = max_click_depth
        self.topic_owners = dict(topic_owners)
        self.coverage = Coverage(load_catalogue(), load_signals())
        self._seen = 0
        self._findings: list[Finding] | None = None

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> RequiredContent:
        return cls(**_options(options))

    # The runner calls measure_page for every page in its one pass over the store: the
    # evidence is gathered there, so check_site does not read every page a second time.
    def measure_page(self, page: Page) -> dict[str, Any]:
        self._seen += 1
        self.coverage.add(page)
        return {}

    def check_site(self, site: Site) -> Iterator[Finding]:
        if self._findings is None:
            if not self._seen:  # not run by the runner: read the pages now
                for page in site.pages():
                    self.coverage.add(page)
            self._findings = list(self._judge(site))
        yield from self._findings

    def measure_site(self, site: Site) -> dict[str, Any]:
        if self._findings is None:
            list(self.check_site(site))
        return {"coverage": self.coverage.as_json()}

    # judging

    def _owner(self, topic: Topic) -> str:
        return self.topic_owners.get(topic.id) or self.topic_owners.get(topic.owner) or ""

    def _judge(self, site: Site) -> Iterator[Finding]:
        coverage = self.coverage
        yield from coverage.page_findings
        if not coverage.pages:
            return  # nothing readable was crawled: no basis for saying anything is missing
        start = site.start_urls[0] if site.start_urls else ""
        for topic in coverage.catalogue.topics:
            if topic.id in self.ignore:
                continue
            yield from self._topic(topic, start)
        yield from self._ehc_weeks(start)
        yield from self._named(start)

    def _finding(self, rule: Rule, url: str, message: str, topic: Topic | None = None,
                 **fields: Any) -> Finding:
        extra = fields.pop("extra", {})
        if topic is not None:
            extra = {"topic": topic.id, "legal_ref": topic.legal_ref,
                     "confidence": topic.confidence, "owner_hint": topic.owner, **extra}
            fields.setdefault("selector", f"topic:{topic.id}")
            fields.setdefault("owner", self._owner(topic))
        return Finding(rule=rule.code, rule_name=rule.name, family=rule.family,
                       severity=rule.severity, url=url, message=message, fix=rule.fix,
                       extra=extra, **fields)

    def _topic(self, topic: Topic, start: str) -> Iterator[Finding]:
        coverage = self.coverage
        status = coverage.status(topic.id)
        evidence = coverage.best(topic.id)
        if status == "missing":
            yield self._finding(
                TOPIC_MISSING, start,
                f"Nothing on the Local Offer covers {topic.name} "
                f"({topic.legal_ref}). A page should explain {topic.needs}. Searched the main "
                f"content of {coverage.pages} pages for words such as "
                f"{', '.join(repr(p) for p in topic.names[:3])}.", topic)
            return
        state = coverage.topics[topic.id]
        if status == "partial":
            # The most useful place to fix it: a page that only links to a document, then the
            # document, then the page that mentions the topic most.
            order = {"document-link": 0, "document": 1, "page": 2, "signpost": 3}
            best = min(evidence, key=lambda e: (order[e.kind], e.rank))
            title = f"\"{topic.title}\""
            if best.kind == "document":
                why = (f"The required topic {title} was only found in this document, not on "
                       "a web page.")
            elif best.kind == "document-link":
                why = (f"This page only links to a document about the required topic {title}: "
                       "the information itself is not on any web page.")
            elif best.kind == "signpost":
                why = (f"The required topic {title} is only named in links; no crawled page "
                       "explains it.")
            else:
                why = (f"The required topic {title} is only mentioned in passing: no page "
                       "explains it. This page mentions it most.")
            yield self._finding(TOPIC_PARTIAL, best.url,
                                f"{why} Families need {topic.needs} ({topic.legal_ref}).",
                                topic, extra={"kind": best.kind, "score": best.score})
        elif state.shallowest_cover is not None and state.shallowest_cover[0] > self.max_depth:
            depth, url = state.shallowest_cover
            where = ("it is only listed in the sitemap: no link on the site leads to it"
                     if depth == _NO_DEPTH else
                     f"the nearest page about it is {_depth_words(depth)} from the start page")
            yield self._finding(
                TOPIC_TOO_DEEP, url,
                f"The required topic \"{topic.title}\" is hard to find: {where} (the limit is "
                f"{_depth_words(self.max_depth)}). Peer reviews most often say Local Offers are "
                "hard to navigate.", topic,
                extra={"depth": None if depth == _NO_DEPTH else depth,
                       "max_click_depth": self.max_depth})
        if topic.eligibility:
            level = LEVEL_COVERED if status == "covered" else LEVEL_PARTIAL
            if state.eligibility_level < level:
                url = evidence[0].url
                yield self._finding(
                    ELIGIBILITY_MISSING, url,
                    f"No page about \"{topic.title}\" says who is eligible (this is the "
                    "page that covers it best). The SEND Code of Practice says the Local Offer "
                    "must include eligibility criteria, so families can tell whether to apply.",
                    topic)

    def _ehc_weeks(self, start: str) -> Iterator[Finding]:
        coverage = self.coverage
        if "identification-ehc-assessment" in self.ignore \
                or coverage.status("identification-ehc-assessment") == "missing":
            return
        missing = [f"{weeks} weeks" for weeks, url in coverage.ehc_weeks.items() if not url]
        if not missing:
            return
        pages = [e for e in coverage.best("identification-ehc-assessment") if e.kind != "document"]
        url = pages[0].url if pages else start
        topic = coverage.catalogue.by_id["identification-ehc-assessment"]
        yield self._finding(
            EHC_TIMESCALES_NOT_STATED, url,
            f"No page about EHC needs assessments states the {' or the '.join(missing)} "
            "timescale. Families should know the council must decide whether to assess within "
            "6 weeks and issue the final plan within 20 weeks of the request.", topic,
            selector=None, extra={"missing": missing})

    def _named(self, start: str) -> Iterator[Finding]:
        named = self.coverage.named
        if not named["sendiass"]:
            yield self._finding(
                SENDIASS_NOT_NAMED, start,
                "No page names the SEND information, advice and support service (SENDIASS, or "
                "IASS). It is free and impartial, and the Local Offer must say where families "
                "can get information, advice and support.")
        if not named["forum"]:
            yield self._finding(
                FORUM_NOT_NAMED, start,
                "No page names the local parent carer forum. The forum helps shape the Local "
                "Offer, and families should be able to find and join it.")
        if not named["offline"]:
            yield self._finding(
                NO_OFFLINE_ROUTE, start,
                "No page says how to get the Local Offer's information without the internet, "
                "or in another format (paper, large print, easy read, another language, BSL). "
                "The SEND Regulations 2014 require the council to publish how people can get "
                "it that way.")


CHECKS = [RequiredContent]
