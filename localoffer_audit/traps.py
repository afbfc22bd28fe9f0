"""Crawler-trap guard: decide cheaply whether a discovered URL is worth fetching.

Council sites generate endless URL spaces (event calendars with "next month"
links, faceted directory searches in every combination and order). The guard
recognises those shapes from the URL alone so the crawl budget goes to real
pages, and reports what it skipped so the audit can say so.

Contract: call :meth:`TrapGuard.admit` once per *new* canonical URL (after the
crawl's own seen-check). Re-submitting an admitted URL is harmless (it is
admitted again without being counted), but rejected URLs are counted each
time they are submitted. Pure logic: no Scrapy, no I/O.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "PARAM_COMBINATIONS",
    "DATE_OUT_OF_WINDOW",
    "PATTERN_CAP",
    "TOO_MANY_QUERY_PARAMS",
    "TrapGuard",
    "url_pattern",
]

TOO_MANY_QUERY_PARAMS = "too-many-query-params"
DATE_OUT_OF_WINDOW = "date-out-of-window"
PARAM_COMBINATIONS = "param-combinations"
PATTERN_CAP = "pattern-cap"

_YEAR = r"(?:19|20|21)\d{2}"
# 2026-11, 2026/11, 2026-11-05, 2026/11/05 anywhere in a path or query value.
_DATE_IN_TEXT = re.compile(
    rf"(?<!\d)({_YEAR})[-/](1[0-2]|0?[1-9])(?:[-/](3[01]|[12]\d|0?[1-9]))?(?!\d)"
)
# 20261105 as a whole query value (only for date-ish parameter names: ids look the same).
_COMPACT_DATE = re.compile(rf"({_YEAR})(1[0-2]|0[1-9])(3[01]|[12]\d|0[1-9])")
_DATE_PARAM_NAME = re.compile(r"(?:.*date.*|day|d|from|to|start|end|when)")
_MONTH_NAMES = frozenset({"month", "mon"})
_YEAR_NAMES = frozenset({"year", "yr"})
_DIGITS = re.compile(r"\d+")
# Record identifiers ("id", "service_id", "serviceId"): a finite database, not a trap.
_IDENTIFIER_NAME = re.compile(r"(?:id|uuid|guid|.+[_-](?i:id)|.+(?:Id|ID))")


def _digest(*parts: object) -> int:
    """Stable 64-bit key: deterministic across runs, unlike ``hash()``."""
    return int.from_bytes(hashlib.blake2b(repr(parts).encode(), digest_size=8).digest(), "big")


def _shape(path: str) -> str:
    """Path with dates and digit runs abstracted: ``/events/2026/11/3`` -> ``/events/{date}/{n}``."""
    return _DIGITS.sub("{n}", _DATE_IN_TEXT.sub("{date}", path))


@dataclass(frozen=True)
class _ParsedUrl:
    host: str
    path: str
    query: str
    pairs: tuple[tuple[str, str], ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(name.lower() for name, _ in self.pairs)

    @property
    def path_key(self) -> str:
        return f"{self.host}{self.path}"

    @property
    def pattern(self) -> str:
        names = "&".join(sorted(self.names))
        return f"{self.host}{_shape(self.path)}" + (f"?{names}" if names else "")

    @property
    def facet_group(self) -> str:
        """Report key for query-shape rejections: one line per path, not per name set."""
        return f"{self.host}{_shape(self.path)}?*"


def _parse(url: str) -> _ParsedUrl:
    parts = urlsplit(url)
    pairs = tuple(parse_qsl(parts.query, keep_blank_values=True))
    return _ParsedUrl((parts.hostname or "").lower(), parts.path or "/", parts.query, pairs)


def url_pattern(url: str) -> str:
    """The pattern key used for capping, e.g. ``example.gov.uk/events/{date}/?page``."""
    return _parse(url).pattern


def _months_between(today: date, year: int, month: int) -> int:
    return abs((year - today.year) * 12 + (month - today.month))


def _year_distance(today: date, year: int) -> int:
    """Months from today to the nearest month of ``year`` (0 for the current year)."""
    if year == today.year:
        return 0
    return _months_between(today, year, 1 if year > today.year else 12)


# What may follow a date at the end of a calendar URL: more date parts, or a view name.
_CALENDAR_TAIL = re.compile(r"[/\d.-]*(?:(?:day|week|month|year|list|grid|agenda|calendar)"
                            r"(?:\.html?)?)?/?", re.I)


def _dates_in(parsed: _ParsedUrl) -> list[tuple[int, int]]:
    """Every (year, month) the URL names in query values, or at the END of its path.

    A date followed by a name (``/sites/default/files/2025-07/leaflet.pdf``,
    ``/news/2019/05/post-title/``, ``/events/2024/01/15/coffee-morning``) is an upload
    folder, an article or one event: finite content, not a calendar page.
    """
    found = [(int(m[1]), int(m[2])) for m in _DATE_IN_TEXT.finditer(parsed.path)
             if _CALENDAR_TAIL.fullmatch(parsed.path[m.end():])]
    for name, value in parsed.pairs:
        found += [(int(m[1]), int(m[2])) for m in _DATE_IN_TEXT.finditer(value)]
        compact = _COMPACT_DATE.fullmatch(value)
        if compact and _DATE_PARAM_NAME.fullmatch(name.lower()):
            found.append((int(compact[1]), int(compact[2])))
    return found


def _year_month_params(parsed: _ParsedUrl) -> tuple[int | None, int | None]:
    """``month=M&year=YYYY`` style calendars; either may be missing or junk (None)."""
    year = month = None
    for name, value in parsed.pairs:
        lowered, value = name.lower(), value.strip()
        if lowered in _YEAR_NAMES and re.fullmatch(_YEAR, value):
            year = int(value)
        elif lowered in _MONTH_NAMES and value.isdigit() and 1 <= int(value) <= 12:
            month = int(value)
    return year, month


def _is_record_link(parsed: _ParsedUrl) -> bool:
    """Exactly one identifier parameter: a directory record (``service.page?id=...``)."""
    return sum(1 for name, _ in parsed.pairs if _IDENTIFIER_NAME.fullmatch(name)) == 1


@dataclass
class _PathState:
    name_sets: set[frozenset[str]] = field(default_factory=set)
    value_combinations: int = 0


class TrapGuard:
    """Stateful, O(1)-per-call filter against calendar and facet crawler traps.

    Memory is bounded per pattern (at most ``max_per_pattern`` 8-byte keys) and
    per path (at most ``max_param_combinations_per_path`` name sets).
    Directory records (one identifier parameter, e.g. ``service.page?id=``)
    are exempt from the two count caps, because real directories hold
    thousands of them; they still obey the parameter-count, name-set and
    date rules.
    """

    def __init__(
        self,
        max_per_pattern: int = 2000,
        max_param_combinations_per_path: int = 16,
        max_query_params: int = 4,
        date_window_months: int = 12,
        today: date | None = None,
        max_facet_pages_per_path: int = 64,
    ) -> None:
        self.max_facet_pages_per_path = max_facet_pages_per_path
        self.max_per_pattern = max_per_pattern
        self.max_param_combinations_per_path = max_param_combinations_per_path
        self.max_query_params = max_query_params
        self.date_window_months = date_window_months
        self.today = today or date.today()
        self._admitted_by_pattern: dict[str, dict[int, int]] = {}
        self._paths: dict[str, _PathState] = {}
        self._skipped: dict[tuple[str, str], list] = {}

    def admit(self, url: str) -> str | None:
        """None if the URL should be crawled, else a short reason code."""
        parsed = _parse(url)
        reason, group = self._reject_reason(parsed)
        if reason is None:
            self._remember(parsed)
            return None
        entry = self._skipped.setdefault((group, reason), [0, url])
        entry[0] += 1
        return reason

    def remember(self, url: str) -> None:
        """Count a URL admitted by an earlier session of the same crawl (a resumed run), in
        whatever order: it was admitted then, so it is never rejected now."""
        self._remember(_parse(url))

    def capped(self) -> list[dict]:
        """What was skipped and why, biggest first: ``pattern, reason, skipped, example``."""
        rows = [
            {"pattern": pattern, "reason": reason, "skipped": count, "example": example}
            for (pattern, reason), (count, example) in self._skipped.items()
        ]
        return sorted(rows, key=lambda row: (-row["skipped"], row["pattern"], row["reason"]))

    # -- rules -------------------------------------------------------------

    def _reject_reason(self, parsed: _ParsedUrl) -> tuple[str | None, str]:
        if len(parsed.pairs) > self.max_query_params:
            return TOO_MANY_QUERY_PARAMS, parsed.facet_group
        if self._outside_date_window(parsed):
            return DATE_OUT_OF_WINDOW, parsed.pattern
        if self._new_name_set_over_limit(parsed):
            return PARAM_COMBINATIONS, parsed.facet_group
        if _is_record_link(parsed):
            return None, ""
        return self._count_cap_reason(parsed)

    def _outside_date_window(self, parsed: _ParsedUrl) -> bool:
        window = self.date_window_months
        if any(_months_between(self.today, y, m) > window for y, m in _dates_in(parsed)):
            return True
        year, month = _year_month_params(parsed)
        if year is None:
            return False
        if month is None:
            return _year_distance(self.today, year) > window
        return _months_between(self.today, year, month) > window

    def _new_name_set_over_limit(self, parsed: _ParsedUrl) -> bool:
        state = self._paths.get(parsed.path_key)
        if not parsed.pairs or state is None or parsed.names in state.name_sets:
            return False
        return len(state.name_sets) >= self.max_param_combinations_per_path

    def _count_cap_reason(self, parsed: _ParsedUrl) -> tuple[str | None, str]:
        """Per-pattern URL cap and per-path value-combination cap.

        The same parameters in another order are the same page, so a reordered
        duplicate of an admitted combination is rejected as a facet variant.
        """
        admitted = self._admitted_by_pattern.get(parsed.pattern, {})
        previous_spelling = admitted.get(self._identity(parsed))
        if previous_spelling is not None:
            same = previous_spelling == _digest(parsed.query)
            return (None, "") if same else (PARAM_COMBINATIONS, parsed.facet_group)
        if len(admitted) >= self.max_per_pattern:
            return PATTERN_CAP, parsed.pattern
        state = self._paths.get(parsed.path_key)
        if parsed.pairs and state and state.value_combinations >= self.max_per_pattern:
            return PARAM_COMBINATIONS, parsed.facet_group
        # Several parameter-name sets on one path means facets: their value combinations
        # multiply, so the path as a whole gets a budget (pagination keeps one name set).
        if (parsed.pairs and state and len(state.name_sets | {parsed.names}) > 1
                and state.value_combinations >= self.max_facet_pages_per_path):
            return PARAM_COMBINATIONS, parsed.facet_group
        return None, ""

    @staticmethod
    def _identity(parsed: _ParsedUrl) -> int:
        """Path plus parameters regardless of order."""
        return _digest(parsed.path_key, sorted(parsed.pairs))

    def _remember(self, parsed: _ParsedUrl) -> None:
        if not parsed.pairs and not _DIGITS.search(parsed.path):
            return  # a plain page: no pattern can explode from it
        state = self._paths.setdefault(parsed.path_key, _PathState()) if parsed.pairs else None
        if state is not None:
            state.name_sets.add(parsed.names)
        if _is_record_link(parsed):
            return
        admitted = self._admitted_by_pattern.setdefault(parsed.pattern, {})
        identity = self._identity(parsed)
        if identity not in admitted:
            admitted[identity] = _digest(parsed.query)
            if state is not None:
                state.value_combinations += 1
