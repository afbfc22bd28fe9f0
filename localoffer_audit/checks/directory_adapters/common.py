"""What every directory adapter shares: reading "label: value" pairs from record markup, mapping
labels to fields (data/directory_labels.toml), and judging values: placeholders
(data/directory_placeholders.toml), age ranges, UK phone numbers, email addresses, postcodes.

Nothing here raises on hostile input: a value that cannot be read is simply not understood.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, NamedTuple

from lxml import etree

try:  # optional: Google's numbering-plan data makes phone checks exact
    import phonenumbers as _phonenumbers
except ImportError:  # pragma: no cover - exercised by test_phone_fallback
    _phonenumbers = None

DATA_PACKAGE = "localoffer_audit.checks"

# Fields a record can have. "contact" is derived: a phone number or an email address.
FIELDS = ("name", "description", "contact-name", "phone", "email", "website", "cost", "age-range",
          "eligibility", "referral-route", "location", "opening-times", "accessibility-info",
          "send-info", "last-updated")
REQUIRABLE = ("contact", "cost", "age-range", "referral-route", "accessibility-info", "location",
              "opening-times", "eligibility", "send-info", "description")
# Fields whose presence makes a page look like a record (a name and a description do not).
RECORD_FIELDS = frozenset(("phone", "email", "website", "cost", "age-range", "eligibility",
                           "referral-route", "location", "opening-times", "accessibility-info",
                           "send-info", "contact-name"))

MAX_VALUE_CHARS = 2000  # a "value" longer than this is page text, not a field
MAX_PAIRS = 300  # labelled values read from one page at most


# --- text ---------------------------------------------------------------------------------------

_BLOCKY = frozenset("address article aside blockquote caption dd div dl dt figcaption footer h1 "
                    "h2 h3 h4 h5 h6 header li ol p section table tbody td tfoot th thead tr ul"
                    .split())
_UNREAD = frozenset(("script", "style", "template", "noscript", "svg", "select", "button"))


def squash(text: str) -> str:
    return " ".join(text.split())


def text_lines(el, limit: int = MAX_VALUE_CHARS) -> list[str]:
    """The visible text of an element as lines (blocks and <br> start new lines), read only
    until about `limit` characters (crawled pages can nest thousands of elements)."""
    parts: list[str] = []
    size = 0
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        if size > limit:
            break
        size += 1 + len(node.text or "") + len(node.tail or "")
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if not tag:  # comment or processing instruction: no text of its own
                continue
            if tag in _UNREAD or node.get("hidden") is not None \
                    or node.get("aria-hidden") == "true":
                walker.skip_subtree()
                continue
            if tag in _BLOCKY:
                parts.append("\n")
            if node.text:
                parts.append(node.text)
        else:
            if tag in _BLOCKY or tag == "br":
                parts.append("\n")
            if node is not el and node.tail:
                parts.append(node.tail)
    return [line for line in (squash(p) for p in "".join(parts).split("\n")) if line]


def text_of(el, limit: int = MAX_VALUE_CHARS) -> str:
    return "; ".join(text_lines(el, limit)) if el is not None else ""


def norm_label(text: str) -> str:
    """"E-mail:" -> "e mail", "Cost(s) *" -> "cost s", "Fees & charges" -> "fees and charges"."""
    text = text.lower().replace("&", " and ")
    return squash(re.sub(r"[^\w£]+", " ", text))


def norm_name(text: str) -> str:
    """A service name for comparing: case, punctuation and "&"/"and" do not matter."""
    text = norm_label(text)
    return re.sub(r"\b(?:the|and)\b", " ", text).replace(" ", "")


# --- data files ---------------------------------------------------------------------------------


def _data(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(DATA_PACKAGE).joinpath("data", name).read_text("utf-8"))


@dataclass(frozen=True)
class LabelTable:
    exact: dict[str, str]
    patterns: tuple[tuple[str, re.Pattern], ...]

    def field_for(self, label: str) -> str | None:
        key = norm_label(label)
        if not key or len(key) > 80:
            return None
        found = self.exact.get(key)
        if found:
            return found
        for name, pattern in self.patterns:
            if pattern.search(key):
                return name
        return None


@lru_cache(maxsize=1)
def labels() -> LabelTable:
    data = _data("directory_labels.toml")["fields"]
    exact: dict[str, str] = {}
    patterns = []
    for name, spec in data.items():
        if name not in FIELDS:
            raise ValueError(f"directory_labels.toml: unknown field {name!r}")
        for label in spec.get("labels", []):
            exact.setdefault(norm_label(label), name)
        patterns.extend((name, re.compile(p)) for p in spec.get("patterns", []))
    return LabelTable(exact, tuple(patterns))


@dataclass(frozen=True)
class Placeholders:
    values: frozenset[str]
    whole: re.Pattern | None
    anywhere: re.Pattern | None
    default_max_age: int

    def match(self, text: str) -> bool:
        """Whether a field's value is a placeholder rather than an answer."""
        if not text.strip():
            return False
        key = squash(re.sub(r"[^\w£]+", " ", text.lower()))
        if not key:  # only punctuation: "-", "?", "..."
            return True
        if len(key) > 200:
            return False
        return (key in self.values or bool(self.whole and self.whole.fullmatch(key))
                or bool(self.anywhere and self.anywhere.search(key)))

    def with_extra(self, extra: Iterable[str]) -> Placeholders:
        more = {squash(re.sub(r"[^\w£]+", " ", v.lower())) for v in extra}
        return Placeholders(self.values | {v for v in more if v}, self.whole, self.anywhere,
                            self.default_max_age)


@lru_cache(maxsize=1)
def placeholders() -> Placeholders:
    data = _data("directory_placeholders.toml")
    whole = "|".join(f"(?:{p})" for p in data.get("patterns", []))
    anywhere = "|".join(f"(?:{p})" for p in data.get("anywhere", []))
    return Placeholders(frozenset(squash(re.sub(r"[^\w£]+", " ", v.lower()))
                                  for v in data.get("values", [])),
                        re.compile(whole) if whole else None,
                        re.compile(anywhere) if anywhere else None,
                        int(data.get("default_max_age", 99)))


# --- label/value pairs in markup ------------------------------------------------------------------


class Pair(NamedTuple):
    """One labelled value in a record: <dt>Cost</dt><dd>£5</dd> and the like."""

    label: str  # as written
    field: str  # one of FIELDS
    text: str  # the value's visible text
    element: Any  # the value's element (for links inside it); None for data from JSON
    selector: str  # where on the page, for findings
    strong: bool = True  # a field of its own (False: a whole section under a heading)


def _css_text(text: str) -> str:
    return squash(text)[:40].replace("\\", "").replace('"', "'")


def _has_class(el, name: str) -> bool:
    return name in (el.get("class") or "").split()


_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
_HEADING_SET = frozenset(("h1", *_HEADINGS))
_LABEL_MAX_WORDS = 6


def labelled_pairs(root, table: LabelTable | None = None,
                   machine_names: dict[str, str | None] | None = None) -> list[Pair]:
    """Every labelled value under `root` whose label names a field: definition lists, table rows
    (or a whole table under a caption), Drupal fields (`field--name-*` with `field__label` and
    `field__item`), sections under a heading, and "<strong>Label:</strong> value" lines."""
    table = table or labels()
    found: list[Pair] = []

    def add(label: str, value_el, text: str, selector: str, strong: bool = True,
            field_name: str | None = None) -> None:
        name = field_name or table.field_for(label)
        text = text[:MAX_VALUE_CHARS]
        if name and len(found) < MAX_PAIRS:
            found.append(Pair(squash(label), name, text, value_el, selector, strong))

    for dl in root.iter("dl"):
        label = None
        for node in dl.xpath("./dt | ./dd | ./div/dt | ./div/dd"):
            if node.tag == "dt":
                label = text_of(node)
            elif label:
                add(label, node, text_of(node), f'dt:-soup-contains("{_css_text(label)}") + dd')
    for tbl in root.iter("table"):
        rows = tbl.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
        paired = False
        for row in rows:
            cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("th", "td")]
            if len(cells) >= 2 and cells[0].tag == "th" and all(c.tag == "td" for c in cells[1:]):
                label = text_of(cells[0])
                add(label, cells[1], "; ".join(text_of(c) for c in cells[1:]),
                    f'th:-soup-contains("{_css_text(label)}") + td')
                paired = True
        if not paired and rows:
            caption = tbl.find("caption")
            header = [c for c in rows[0] if isinstance(c.tag, str) and c.tag == "th"]
            label = text_of(caption) if caption is not None else " ".join(text_of(c) for c in header)
            body = [r for r in rows if any(isinstance(c.tag, str) and c.tag == "td" for c in r)]
            text = "; ".join(" ".join(text_of(c) for c in r if isinstance(c.tag, str)) for r in body)
            if label:
                add(label, tbl, text, f'table:-soup-contains("{_css_text(label)}")')
    if machine_names is not None:
        for el in root.xpath(".//*[contains(@class, 'field--name-')]")[:MAX_PAIRS]:
            machine = next((c[len("field--name-"):] for c in (el.get("class") or "").split()
                            if c.startswith("field--name-")), "")
            children = [c for c in el if isinstance(c.tag, str)]
            label_el = next((c for c in children if _has_class(c, "field__label")), None)
            items = [c for c in children if _has_class(c, "field__item")] or [
                g for c in children if _has_class(c, "field__items") for g in c
                if isinstance(g.tag, str) and _has_class(g, "field__item")] or [el]
            if label_el is not None:
                label_el_text = text_of(label_el)
            else:
                label_el_text = ""
            text = "; ".join(text_of(i) for i in items)
            if label_el is not None and len(items) == 1 and items[0] is el:
                text = text.replace(label_el_text, "", 1).strip(" ;:")
            by_label = table.field_for(label_el_text) if label_el_text else None
            name = by_label or machine_names.get(machine) or table.field_for(machine)
            if name:
                add(label_el_text or machine, items[0], text, f".field--name-{machine}",
                    field_name=name)
    for heading in list(root.iter(*_HEADINGS))[:MAX_PAIRS]:
        label = text_of(heading, 200)
        if not label or len(label.split()) > _LABEL_MAX_WORDS:
            continue
        section = []
        for sibling in heading.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            if sibling.tag in _HEADING_SET or len(section) >= 20:
                break
            section.append(sibling)
        if not section:
            continue
        text = "; ".join(t for t in (text_of(s) for s in section) if t)[:MAX_VALUE_CHARS]
        structured = any(s.tag in ("dl", "table") or s.find(".//dl") is not None
                         or s.find(".//table") is not None for s in section[:5])
        add(label, section[0], text, f'{heading.tag}:-soup-contains("{_css_text(label)}") ~ *',
            strong=not structured)
    for line in list(root.iter("p", "li"))[:2000]:
        first = next((c for c in line if isinstance(c.tag, str)), None)
        lead = (line.text or "").strip()
        if first is not None and first.tag in ("strong", "b") and not lead:
            label = text_of(first)
            rest = squash((first.tail or "") + " " + " ".join(
                text_of(c) + " " + (c.tail or "") for c in first.itersiblings()
                if isinstance(c.tag, str)))
            if label.endswith(":") or rest.startswith(":"):
                label = label.rstrip(": ")
                if 0 < len(label.split()) <= _LABEL_MAX_WORDS:
                    add(label, line, rest.lstrip(": "), f'{first.tag}:-soup-contains("'
                        f'{_css_text(label)}")')
                continue
        m = re.match(r"^([A-Za-z][\w ,'()/&-]{1,60}?)\s*:\s+(\S.*)$", squash(text_of(line)))
        if m and len(m[1].split()) <= _LABEL_MAX_WORDS and line.find(".//dl") is None:
            add(m[1], line, m[2], f'{line.tag}:-soup-contains("{_css_text(m[1])}")')
    return found


def links_in(el, scheme: str) -> list[str]:
    """The addresses after `scheme:` of the links inside `el` ("tel", "mailto")."""
    if el is None or not isinstance(el.tag, str):
        return []
    prefix = f"{scheme}:"
    found = []
    for a in el.iter("a"):
        href = (a.get("href") or "").strip()
        if href[:len(prefix)].lower() == prefix:
            found.append(href[len(prefix):].split("?")[0].strip())
    return found


# --- words in the text that give a field away (for platforms without a field for each) -------

CUES: dict[str, re.Pattern] = {
    "cost": re.compile(
        r"\bfree of charge\b|\bfree (?:to (?:attend|use|join|access)|for (?:families|children|"
        r"everyone|all))\b|\b(?:is|are|it's|service is) (?:completely |totally |always )?free\b"
        r"|\bno (?:charge|cost|fee)\b|\bat no cost\b|\bwithout charge\b|£\s?\d"
        r"|\b\d+(?:\.\d\d)? ?pounds\b|\bcosts? (?:is|are) (?:£|\d)", re.I),
    "age-range": re.compile(
        r"\b(?:aged?|ages|for)\s+(?:from\s+)?(?:\d{1,2}|birth)\s*(?:-|–|—|to|and)\s*\d{1,2}\b"
        r"|\b\d{1,2}\s*(?:-|–|to)\s*\d{1,2}[ -]?(?:years?[ -]olds?|yrs\b|year olds?)"
        r"|\bunder[ -]?\d{1,2}s\b|\bfrom birth\b|\b(?:aged|ages|age) \d{1,2}\s*(?:\+|and (?:over|"
        r"above|under|older))|\b\d{1,2} to \d{1,2} years\b", re.I),
    "referral-route": re.compile(
        r"\bself[ -]?refer|\breferrals?\b|\b(?:can|will|must|may|should) refer\b|\brefer "
        r"(?:you|yourself|your child|a child|a young person|families)\b|\bno referral\b|\bdrop[ -]in\b|\bbook (?:a place|online|your place|in "
        r"advance|by)\b|\bjust turn up\b|\bhow to (?:access|apply|join|book)\b", re.I),
    "accessibility-info": re.compile(
        r"\bwheelchair\b|\bstep[ -]free\b|\b(?:hearing|induction) loop\b|\baccessible (?:toilet|"
        r"entrance|venue|building|parking|changing|to wheelchair)|\bchanging places\b|\bdisabled "
        r"(?:access|parking|toilets?)\b|\blevel access\b|\blift access\b|\bbritish sign language\b"
        r"|\bsensory[ -]friendly\b|\bfully accessible\b|\baccessibility\b", re.I),
    "opening-times": re.compile(
        r"\b(?:mon|tues?|wed|thur?s?|fri|sat|sun)(?:day)?s?\b.{0,40}\b\d{1,2}(?::\d\d|\.\d\d)?"
        r"\s*(?:am|pm)\b|\bopening (?:times|hours)\b|\bterm[ -]time\b", re.I),
    "location": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),
    "eligibility": re.compile(r"\beligib|\bwho can (?:use|attend|access)\b", re.I),
    "contact": re.compile(r"(?<![\d/])(?:\+44\s?\(?0?\)?\s?|0)\d{2,4}[\s-]?\d{3}[\s-]?\d{3,4}\b"
                          r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "send-info": re.compile(r"\bSEND\b|\bSEN\b|\bspecial educational needs\b|\bdisabilit|\bautis"
                            r"|\badditional needs\b|\bEHC\b", re.I),
}


def cued_fields(text: str) -> set[str]:
    return {name for name, pattern in CUES.items() if pattern.search(text)}


# --- ages ---------------------------------------------------------------------------------------


def _age_part(p: str) -> str:
    return (rf"(?:(?P<{p}y>\d{{1,3}})\s*(?:years?|yrs?|y)\b\.?(?:\s*(?:and\s*)?(?P<{p}m>\d{{1,2}})"
            rf"\s*(?:months?|mths?|m)\b)?|(?P<{p}mo>\d{{1,3}})\s*(?:months?|mths?)\b"
            rf"|(?P<{p}n>\d{{1,3}})(?![\d.:/])|(?P<{p}b>birth))")


_AGE_RANGE = re.compile(rf"(?<![\d/.:]){_age_part('a')}\s*(?:-|–|—|to|until|up to|through)\s*"
                        rf"{_age_part('b')}", re.I)
_AGE_OPEN_TOP = re.compile(r"(?<![\d/.:])(\d{1,2})\s*(?:\+|(?:years?\s*)?(?:and|or) (?:over|above|"
                           r"older|upwards))", re.I)
_AGE_OPEN_BOTTOM = re.compile(r"\b(?:under|up to|below|younger than)\s*(\d{1,2})s?\b", re.I)
_SCHOOL_YEAR = re.compile(r"\b(?:school\s+)?years?\s*$|\bks\s*$|key stage\s*$", re.I)


def _age_value(m: re.Match, p: str) -> float | None:
    if m[f"{p}b"]:
        return 0.0
    if m[f"{p}y"]:
        return int(m[f"{p}y"]) + (int(m[f"{p}m"]) / 12 if m[f"{p}m"] else 0)
    if m[f"{p}mo"]:
        return int(m[f"{p}mo"]) / 12
    if m[f"{p}n"]:
        return float(m[f"{p}n"])
    return None


class AgeRange(NamedTuple):
    low: float | None
    high: float | None
    raw: str

    @staticmethod
    def show(value: float | None) -> str:
        """An age for a message: "16", "11 years 11 months", "6 months"."""
        if value is None:
            return "?"
        years, months = int(value), round((value - int(value)) * 12)
        if months == 12:
            years, months = years + 1, 0
        if not months:
            return str(years)
        return f"{years} years {months} months" if years else f"{months} months"


def age_ranges(text: str) -> list[AgeRange]:
    """Age ranges written in an "Age range" value: "5 to 11 years", "0-25", "5 years 0 months to
    19 years 11 months", "6 months to 5 years", "16+", "under 5s". School years ("Years 7 to
    11") are not ages."""
    found: list[AgeRange] = []
    taken: list[tuple[int, int]] = []
    for m in _AGE_RANGE.finditer(text):
        if _SCHOOL_YEAR.search(text[:m.start()]):
            continue
        low, high = _age_value(m, "a"), _age_value(m, "b")
        # "5 to 11 years": a bare first number takes the unit of the second ("6 to 18 months")
        if m["an"] and m["bmo"]:
            low = int(m["an"]) / 12
        found.append(AgeRange(low, high, squash(m[0])))
        taken.append(m.span())
    outside = lambda m: not any(s <= m.start() < e for s, e in taken)  # noqa: E731
    for m in _AGE_OPEN_TOP.finditer(text):
        if outside(m):
            found.append(AgeRange(float(m[1]), None, squash(m[0])))
    for m in _AGE_OPEN_BOTTOM.finditer(text):
        if outside(m):
            found.append(AgeRange(0.0, float(m[1]), squash(m[0])))
    return found


# --- phone numbers --------------------------------------------------------------------------------

# A run of digits as people write phone numbers, letting through the letters O, I and l typed
# for 0 and 1 inside it ("01632 96O 841"), so they can be reported.
_PHONE_RUN = re.compile(r"\+?\(?\d(?:[\d().\-–]|\s(?=[\d(+OoIl])|[OoIl](?=[\d\s().\-]))*")
_EXTENSION = re.compile(r"\b(?:ext(?:ension)?\.?|x)\s*\d{1,5}\b", re.I)
# Ofcom's ranges for drama and examples: well formed, never in service. Accepted, so example
# and test sites (and the demo) pass; whether a number is real is not something a crawl can tell.
_DRAMA = re.compile(r"^0(?:1632960\d{3}|2079460\d{3}|1(?:1[3-8]|[2-6]1)4960\d{3}|1914980\d{3}"
                    r"|2896496\d{3}|2920180\d{3}|7700900\d{3}|8081570\d{3}|9098790\d{3}"
                    r"|3069990\d{3})$")
_SHORT_CODES = re.compile(r"^(?:999|112|111|101|105|119|116\d{3}|118\d{3}|1\d{4})$")


def _national(digits: str) -> str:
    if digits.startswith("+44"):
        return "0" + digits[3:].lstrip("0")
    if digits.startswith("0044"):
        return "0" + digits[4:].lstrip("0")
    return digits


def _plain_uk_number(number: str) -> bool:
    """Without phonenumbers: the lengths of the UK numbering plan."""
    if number.startswith("+") or number.startswith("00"):
        if number.startswith(("+44", "0044")):
            number = _national(number)
        else:
            return 8 <= len(re.sub(r"\D", "", number)) <= 15
    if _SHORT_CODES.match(number):
        return True
    if not number.startswith("0") or number.startswith("00"):
        return False
    if number in ("08001111", "08454647"):  # Childline, and the old NHS Direct
        return True
    if number[1] in "1":
        return len(number) in (10, 11)
    return number[1] in "235789" and len(number) == 11


def phone_problem(text: str) -> str | None:
    """Why a phone number as written cannot be dialled, or None if it can (or it is not one)."""
    raw = squash(text)
    if not raw:
        return None
    runs = [r.strip(" ().-–") for r in _PHONE_RUN.findall(_EXTENSION.sub(" ", raw))]
    runs = [r for r in runs if sum(ch.isdigit() for ch in r) >= 3]
    if not runs:
        return "it has no digits" if not any(ch.isdigit() for ch in raw) else "it is too short"
    full = False  # a whole number came before ("01632 960123 / 960124")
    for run in runs:
        letters = sorted({ch for ch in run if ch.isalpha()})
        if letters:
            return f"it has the letter {' and '.join(letters)} where a digit should be"
        digits = ("+" if run.startswith("+") else "") + re.sub(r"\D", "", run)
        if len(digits.lstrip("+")) < 6 and not _SHORT_CODES.match(digits):
            continue  # a room number, a time or a year next to the number
        national = _national(digits)
        if _DRAMA.match(national) or _SHORT_CODES.match(national):
            full = True
            continue
        if not digits.startswith(("0", "+")) and len(digits) <= 8:
            if full:
                continue  # another line at the same exchange
            return "it has no area code, so it cannot be dialled from a mobile"
        if _phonenumbers is not None:
            try:
                if _phonenumbers.is_valid_number(_phonenumbers.parse(digits, "GB")):
                    full = True
                    continue
            except _phonenumbers.NumberParseException:
                pass
        elif _plain_uk_number(digits):
            full = True
            continue
        count = len(national.lstrip("+")) if national.startswith("0") else len(digits.lstrip("+"))
        if national.startswith("0") and count < 10:
            return f"it has only {count} digits"
        if national.startswith("0") and count > 11:
            return f"it has {count} digits"
        return "it is not a number in use in the UK numbering plan"
    return None


def phone_digits(text: str) -> set[str]:
    """The numbers in a value, as national digits ("01632960713"), for comparing records."""
    found = set()
    for run in _PHONE_RUN.findall(_EXTENSION.sub(" ", text or "")):
        digits = ("+" if run.startswith("+") else "") + re.sub(r"\D", "", run)
        if len(digits.lstrip("+")) >= 9:
            found.add(_national(digits))
    return found


# --- email addresses ------------------------------------------------------------------------------

_EMAIL_TOKEN = re.compile(r"[^\s<>\"'(),;:\[\]]*@[^\s<>\"'(),;:\[\]]*")
_EMAIL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@"
                    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
_EMAILISH = re.compile(r"^[\w.+-]+(?:\.[\w-]+){2,}$")  # "name.council.gov.uk": the @ went missing


def email_problem(address: str) -> str | None:
    address = address.strip().rstrip(".")
    if _EMAIL.match(address):
        return None
    if "@" not in address:
        return "it has no @"
    local, _, domain = address.rpartition("@")
    if not local:
        return "nothing comes before the @"
    if "." not in domain:
        return f"the part after the @, \"{domain}\", has no domain ending such as .org.uk"
    if ".." in address or local.startswith(".") or local.endswith("."):
        return "it has two dots together, or a dot at the start or end"
    return "it is not in the form name@example.org.uk"


def email_candidates(text: str) -> list[str]:
    """The email addresses in a value, or, when it holds none, a single word that looks like one
    with its @ missing."""
    found = [t.strip(".") for t in _EMAIL_TOKEN.findall(text or "")]
    if found:
        return found
    words = (text or "").split()
    return [w.strip(".") for w in words if _EMAILISH.match(w.strip("."))][:3]


def email_addresses(text: str) -> set[str]:
    return {e.lower() for e in email_candidates(text) if email_problem(e) is None}


# --- postcodes ----------------------------------------------------------------------------------

_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b")


def postcodes(text: str) -> set[str]:
    return {f"{a} {b}" for a, b in _POSTCODE.findall((text or "").upper())}


# --- the record -----------------------------------------------------------------------------------


@dataclass
class Record:
    """A directory record as one adapter read it from one page."""

    url: str
    platform: str  # kb5 | jadu | lgd | wordpress | schema.org | generic
    name: str
    record_id: str | None = None
    pairs: list[Pair] = field(default_factory=list)
    cued: set[str] = field(default_factory=set)  # fields found only as words in the text
    contact_links: list[str] = field(default_factory=list)  # tel: and mailto: in the record

    def values(self, name: str) -> list[Pair]:
        return [p for p in self.pairs if p.field == name]

    def has(self, name: str) -> bool:
        if name == "contact":
            return self.has("phone") or self.has("email") or bool(self.contact_links) \
                or "contact" in self.cued
        return any(p.text.strip() for p in self.values(name)) or name in self.cued

    def merge(self, other: Record) -> None:
        """Fill fields this record lacks from another reading of the same page (schema.org)."""
        have = {p.field for p in self.pairs}
        self.pairs.extend(p for p in other.pairs if p.field not in have)
        self.contact_links.extend(other.contact_links)
        if not self.name:
            self.name = other.name

    def key(self) -> RecordKey:
        """What the site-wide checks keep of this record: a few short strings."""
        phones: set[str] = set()
        emails: set[str] = set()
        for pair in self.values("phone"):
            phones |= phone_digits(pair.text)
        for pair in self.values("email"):
            emails |= email_addresses(pair.text)
        for link in self.contact_links:
            if "@" in link:
                emails |= email_addresses(link)
            else:
                phones |= phone_digits(link)
        codes: set[str] = set()
        for pair in self.values("location"):
            codes |= postcodes(pair.text)
        ranges = [r for p in self.values("age-range") for r in age_ranges(p.text)]
        lows = [r.low for r in ranges if r.low is not None]
        highs = [r.high for r in ranges if r.high is not None]
        return RecordKey(self.url, self.platform, self.name[:200], norm_name(self.name)[:120],
                         frozenset(list(phones)[:8]), frozenset(list(emails)[:8]),
                         frozenset(list(codes)[:4]),
                         (min(lows) if lows else None, max(highs) if highs else None))


class RecordKey(NamedTuple):
    url: str
    platform: str
    name: str
    name_key: str
    phones: frozenset[str]
    emails: frozenset[str]
    postcodes: frozenset[str]
    ages: tuple[float | None, float | None]

