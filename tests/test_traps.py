"""Tests for localoffer_audit.traps: calendars, facets and big real directories."""

from __future__ import annotations

import itertools
import random
import string
from datetime import date

import pytest

from localoffer_audit.traps import (
    DATE_OUT_OF_WINDOW,
    PARAM_COMBINATIONS,
    PATTERN_CAP,
    TOO_MANY_QUERY_PARAMS,
    TrapGuard,
    url_pattern,
)

TODAY = date(2026, 3, 15)
SITE = "https://www.example.gov.uk"


def guard(**overrides: int) -> TrapGuard:
    limits = {
        "max_per_pattern": 2000,
        "max_param_combinations_per_path": 16,
        "max_query_params": 4,
        "date_window_months": 12,
    }
    return TrapGuard(**{**limits, **overrides}, today=TODAY)


def months_from_today(count: int, step: int = 1) -> list[tuple[int, int]]:
    """(year, month) pairs following "next month" (or "previous month") links."""
    start = TODAY.year * 12 + TODAY.month - 1
    return [divmod(start + i * step, 12) for i in range(count)]


@pytest.mark.parametrize(
    "make_url",
    [
        lambda y, m: f"{SITE}/whats-on/calendar?month={m + 1}&year={y}",
        lambda y, m: f"{SITE}/events/{y}/{m + 1}/",
        lambda y, m: f"{SITE}/events/{y}-{m + 1:02d}",
        lambda y, m: f"{SITE}/events?date={y}-{m + 1:02d}-01",
        lambda y, m: f"{SITE}/events?date={y}{m + 1:02d}01",
        lambda y, m: f"{SITE}/events/{y}/{m + 1:02d}/01/day",
    ],
    ids=["month-year-params", "path-y-m", "path-ym", "iso-date-value", "compact-date", "path-y-m-d"],
)
@pytest.mark.parametrize("step", [1, -1], ids=["future", "past"])
def test_endless_calendar_is_cut_at_the_window(make_url, step: int) -> None:  # noqa: ANN001
    trap = guard()
    admitted = [make_url(y, m) for y, m in months_from_today(600, step) if trap.admit(make_url(y, m)) is None]
    assert 1 <= len(admitted) <= 12 * 2 + 1
    (report,) = trap.capped()
    assert report["reason"] == DATE_OUT_OF_WINDOW
    assert report["skipped"] == 600 - len(admitted)


def test_year_only_calendar_is_cut() -> None:
    trap = guard()
    reasons = [trap.admit(f"{SITE}/calendar?year={year}") for year in range(2026, 2100)]
    assert reasons[:2] == [None, None]
    assert set(reasons[2:]) == {DATE_OUT_OF_WINDOW}


def all_facet_urls(facets: dict[str, list[str]]) -> list[str]:
    """Every subset of facets, in every order, with every value combination."""
    urls = []
    for size in range(len(facets) + 1):
        for names in itertools.permutations(facets, size):
            for values in itertools.product(*(facets[name] for name in names)):
                query = "&".join(f"{n}={v}" for n, v in zip(names, values, strict=True))
                urls.append(f"{SITE}/directory/search" + (f"?{query}" if query else ""))
    return urls


FACETS = {name: [f"{name}-{i}" for i in range(6)] for name in ("age", "need", "area", "cost")}


@pytest.mark.parametrize(
    "limits",
    [
        {},  # the core's defaults
        {"max_per_pattern": 100, "max_param_combinations_per_path": 5, "max_query_params": 3},
    ],
    ids=["defaults", "tight"],
)
def test_facet_explosion_is_capped(limits: dict[str, int]) -> None:
    trap = guard(**limits)
    urls = all_facet_urls(FACETS)
    admitted = [url for url in urls if trap.admit(url) is None]
    with_query = [url for url in admitted if "?" in url]
    name_sets = {frozenset(p.split("=")[0] for p in url.split("?")[1].split("&")) for url in with_query}

    assert len(urls) == 36_745
    assert len(with_query) <= trap.max_per_pattern
    assert len(name_sets) <= trap.max_param_combinations_per_path
    assert all(url.count("&") + 1 <= trap.max_query_params for url in with_query)
    # The same facets in another order are the same page: never admitted twice.
    canonical = {frozenset(url.split("?")[1].split("&")) for url in with_query}
    assert len(canonical) == len(with_query)
    report = trap.capped()
    assert report and {row["pattern"] for row in report} == {"www.example.gov.uk/directory/search?*"}
    assert sum(row["skipped"] for row in report) == len(urls) - len(admitted)
    assert [row["skipped"] for row in report] == sorted((row["skipped"] for row in report), reverse=True)


def test_big_directory_is_not_capped() -> None:
    trap = guard()
    rng = random.Random(20260315)
    alphabet = string.ascii_letters + string.digits
    ids = {"".join(rng.choices(alphabet, k=11)) for _ in range(5000)}
    urls = [f"{SITE}/kb5/example/directory/service.page?id={record}" for record in ids]
    urls += [f"{url}&localofferchannel=0" for url in urls[:1000]]
    assert all(trap.admit(url) is None for url in urls)
    assert trap.capped() == []


def test_numbered_path_pattern_cap() -> None:
    trap = guard(max_per_pattern=50)
    reasons = [trap.admit(f"{SITE}/news/page/{n}") for n in range(1, 201)]
    assert reasons.count(None) == 50
    assert trap.capped() == [
        {
            "pattern": "www.example.gov.uk/news/page/{n}",
            "reason": PATTERN_CAP,
            "skipped": 150,
            "example": f"{SITE}/news/page/51",
        }
    ]


def test_readmitting_an_admitted_url_is_not_counted() -> None:
    trap = guard(max_per_pattern=2)
    urls = [f"{SITE}/news/page/1", f"{SITE}/news/page/2"]
    for _ in range(5):
        assert [trap.admit(url) for url in urls] == [None, None]
    assert trap.admit(f"{SITE}/news/page/3") == PATTERN_CAP


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (f"{SITE}/events/2026/11/", None),
        (f"{SITE}/events/2028/11/", DATE_OUT_OF_WINDOW),
        # one event's own page is finite content (staleness checks want old events), not a trap
        (f"{SITE}/events/2024/01/15/coffee-morning", None),
        (f"{SITE}/events?start=2026-04-01T10:00", None),
        (f"{SITE}/events?month=3&year=2030", DATE_OUT_OF_WINDOW),
        (f"{SITE}/events?month=13&year=2026", None),  # not a date
        (f"{SITE}/service.page?id=20300101", None),  # 8 digits in an id is not a date
        (f"{SITE}/reports/2024-2025-annual-report.pdf", None),
        (f"{SITE}/search?a=1&b=2&c=3&d=4&e=5", TOO_MANY_QUERY_PARAMS),
        (f"{SITE}/local-offer", None),
    ],
)
def test_single_url_decisions(url: str, reason: str | None) -> None:
    assert guard().admit(url) == reason


def test_too_many_name_sets_on_one_path() -> None:
    trap = guard(max_param_combinations_per_path=3)
    reasons = [trap.admit(f"{SITE}/search?{name}=1") for name in "abcde"]
    assert reasons == [None, None, None, PARAM_COMBINATIONS, PARAM_COMBINATIONS]
    assert trap.admit(f"{SITE}/search?a=2") is None  # a known name set is still fine
    assert trap.admit(f"{SITE}/other?e=1") is None  # the limit is per path


@pytest.mark.parametrize(
    ("url", "pattern"),
    [
        (f"{SITE}/events/2026/11/", "www.example.gov.uk/events/{date}/"),
        (f"{SITE}/events/2026-11-05/item/123?b=1&a=2", "www.example.gov.uk/events/{date}/item/{n}?a&b"),
        (f"{SITE}/service.page?id=abc", "www.example.gov.uk/service.page?id"),
        (f"{SITE}/news/page/7", "www.example.gov.uk/news/page/{n}"),
    ],
)
def test_url_pattern(url: str, pattern: str) -> None:
    assert url_pattern(url) == pattern


def test_is_deterministic() -> None:
    urls = all_facet_urls(FACETS)[:3000] + [f"{SITE}/events/{y}/{m + 1}/" for y, m in months_from_today(100)]
    runs = []
    for _ in range(2):
        trap = guard(max_per_pattern=200)
        runs.append(([trap.admit(url) for url in urls], trap.capped()))
    assert runs[0] == runs[1]


def test_upload_folders_and_dated_articles_are_not_calendars():
    guard = TrapGuard(today=date(2026, 11, 22))
    for url in ("http://x/sites/default/files/2019-07/leaflet.pdf",
                "http://x/wp-content/uploads/2016/04/parent-guide-2016.pdf",
                "http://x/news/2018/05/new-short-breaks-offer/"):
        assert guard.admit(url) is None, url
    assert guard.admit("http://x/events/2019/05/") == "date-out-of-window"
    assert guard.admit("http://x/calendar/2019-05") == "date-out-of-window"


def test_facet_values_are_capped_per_path_but_pagination_is_not():
    guard = TrapGuard(today=date(2026, 11, 22), max_facet_pages_per_path=20)
    facets = {"age": "0-5 5-11 11-16 16-25".split(), "need": "autism sensory physical".split(),
              "cost": "free paid".split()}
    admitted = 0
    for age in facets["age"]:
        for need in facets["need"]:
            admitted += guard.admit(f"http://x/search?age={age}&need={need}") is None
            for cost in facets["cost"]:
                admitted += guard.admit(f"http://x/search?age={age}&need={need}&cost={cost}") is None
    assert admitted <= 21
    assert any(row["reason"] == "param-combinations" for row in guard.capped())
    pages = [guard.admit(f"http://x/results?qt=swimming&page={n}") for n in range(300)]
    assert pages.count(None) == 300
