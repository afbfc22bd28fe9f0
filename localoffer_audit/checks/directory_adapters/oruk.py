"""The Open Referral UK feed, as the crawl recorded it (kind "feed" pages, see
spiders/localoffer.py): the paged service list `{oruk_url}/services?page=N&per_page=100` and
each service's record `{oruk_url}/services/{id}` (platforms.md, section 2).

ORUK 3.0 lists services in `{total_items, total_pages, page_number, size, first_page,
last_page, empty, contents}`; ORUK 1.0 feeds used `{totalElements, totalPages, number, size,
first, last, content}`. A 3.0 service must have `id` (a uuid), `name` and `status` (active,
inactive, defunct or temporarily closed); 1.0 required `id`, `name` and `organization`.
`assured_date` is when someone last checked the information.

Reading keeps a few short strings per service (never the JSON), so a feed of thousands of
services stays small in memory.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import unquote, urlsplit

from ... import dates as D
from .common import email_addresses, norm_name, phone_digits, squash

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
STATUSES = ("active", "inactive", "defunct", "temporarily closed")
REQUIRED = {"3": ("id", "name", "status"), "1": ("id", "name", "organization")}
_ANY_REQUIRED = frozenset(n for names in REQUIRED.values() for n in names)
MAX_JSON_BYTES = 20 * 1024 * 1024


@dataclass
class FeedService:
    """What the checks need of one service in the feed."""

    id: str | None
    url: str  # its record's address in the feed (the list page when it has no id)
    position: str  # where it was found: "services?page=2, item 3" or the record address
    version: str
    present: frozenset[str] = frozenset()  # which of the fields any version requires it has
    bad_status: str | None = None
    name: str = ""
    status: str = ""
    assured_date: str | None = None
    service_url: str = ""  # the service's own `url` field
    ages: tuple[float | None, float | None] = (None, None)
    phones: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    fetched: dt.date | None = None
    detail_fetched: bool = False

    @property
    def label(self) -> str:
        return f"\u201c{self.name}\u201d" if self.name else f"the service with id {self.id!r}"

    @property
    def missing(self) -> tuple[str, ...]:
        """Required fields (for the feed's version) that are absent or empty."""
        return tuple(name for name in REQUIRED[self.version] if name not in self.present)

    @property
    def name_key(self) -> str:
        return norm_name(self.name)


@dataclass
class FeedProblem:
    url: str
    message: str
    status: int | None = None


@dataclass
class Feed:
    version: str = "3"
    list_pages: list[str] = field(default_factory=list)
    first_list_headers: dict[str, str] | None = None
    first_list_url: str = ""
    services: dict[str, FeedService] = field(default_factory=dict)  # by id (or position)
    problems: list[FeedProblem] = field(default_factory=list)
    seen_ids: dict[str, int] = field(default_factory=dict)  # id -> times listed

    @property
    def empty(self) -> bool:
        return not self.list_pages and not self.services


def _load(page) -> tuple[Any, str | None]:
    if page.status is None:
        return None, f"could not be fetched ({page.error or 'no answer'})"
    if page.status != 200:
        return None, f"answered HTTP {page.status}"
    if len(page.body) > MAX_JSON_BYTES:
        return None, "is too large to read"
    try:
        return json.loads(page.body.decode(page.encoding or "utf-8", errors="replace")), None
    except (ValueError, RecursionError):
        return None, "is not valid JSON"


def _text(value: Any) -> str:
    return squash(value)[:300] if isinstance(value, str) else ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _contacts(service: dict) -> tuple[frozenset[str], frozenset[str]]:
    phones: set[str] = set()
    emails: set[str] = set()
    holders = [service] + [c for c in (service.get("contacts") or [])[:50] if isinstance(c, dict)]
    organization = service.get("organization")
    if isinstance(organization, dict):
        holders.append(organization)
    for holder in holders:
        emails |= email_addresses(_text(holder.get("email")))
        for phone in (holder.get("phones") or [])[:20]:
            if isinstance(phone, dict):
                phones |= phone_digits(str(phone.get("number") or ""))
    return frozenset(list(phones)[:8]), frozenset(list(emails)[:8])


def summarise(data: dict, url: str, position: str, version: str, fetched: dt.date | None,
              detail: bool) -> FeedService:
    """One service object of the feed, reduced to what the checks need."""
    service_id = data.get("id")
    sid = str(service_id) if isinstance(service_id, (str, int)) and str(service_id) else None
    present = frozenset(name for name in _ANY_REQUIRED if data.get(name) not in (None, "", [], {}))
    status = _text(data.get("status"))
    bad_status = status if status and status.lower() not in STATUSES else None
    phones, emails = _contacts(data)
    assured = data.get("assured_date")
    return FeedService(
        id=sid, url=url, position=position, version=version, present=present,
        bad_status=bad_status, name=_text(data.get("name")), status=status.lower(),
        assured_date=str(assured)[:40] if assured not in (None, "") else None,
        service_url=_text(data.get("url")),
        ages=(_number(data.get("minimum_age", data.get("min_age"))),
              _number(data.get("maximum_age", data.get("max_age")))),
        phones=phones, emails=emails, fetched=fetched, detail_fetched=detail)


def _detail_id(url: str) -> str | None:
    path = urlsplit(url).path
    m = re.search(r"/services/([^/]+)/?$", path)
    return unquote(m[1]) if m else None


def read_feed(pages: Iterable) -> Feed:
    """Read the feed pages the crawl stored (in any order)."""
    feed = Feed()
    details: dict[str, FeedService] = {}
    for page in pages:
        url = page.url
        fetched = D.fetch_date(page)
        if "/services?" in url or url.rstrip("/").endswith("/services"):
            data, problem = _load(page)
            if problem:
                feed.problems.append(FeedProblem(url, f"The feed's service list {url} {problem}.",
                                                 page.status))
                continue
            items = None
            if isinstance(data, dict):
                if isinstance(data.get("contents"), list):
                    items = data["contents"]
                elif isinstance(data.get("content"), list):
                    items, feed.version = data["content"], "1"
            if items is None:
                feed.problems.append(FeedProblem(
                    url, f"The feed's service list {url} is not an Open Referral UK list of "
                         "services (no \"contents\" list).", page.status))
                continue
            feed.list_pages.append(url)
            page_number = re.search(r"[?&]page=(\d+)", url)
            if feed.first_list_headers is None or (page_number and page_number[1] == "1"):
                feed.first_list_headers = dict(page.headers or {})
                feed.first_list_url = url
            base = url.split("/services", 1)[0]
            for i, item in enumerate(items[:10000], 1):
                if not isinstance(item, dict):
                    continue
                where = f"{url}, item {i}"
                summary = summarise(item, "", where, feed.version, fetched, False)
                if summary.id:
                    feed.seen_ids[summary.id] = feed.seen_ids.get(summary.id, 0) + 1
                    summary.url = f"{base}/services/{summary.id}"
                    feed.services.setdefault(summary.id, summary)
                else:
                    summary.url = url
                    feed.services[where] = summary
        else:
            sid = _detail_id(url)
            data, problem = _load(page)
            if problem:
                feed.problems.append(FeedProblem(
                    url, f"The feed lists a service whose record {url} {problem}.", page.status))
                continue
            if not isinstance(data, dict):
                feed.problems.append(FeedProblem(
                    url, f"The service record {url} is not a JSON object.", page.status))
                continue
            details[sid or url] = summarise(data, url, url, "3", fetched, True)
    # A service's own record is the full one: it replaces the list's summary (the version is
    # known only once a list page is read, and records sort before lists by address).
    for sid, detail in details.items():
        listed = feed.services.get(sid)
        if listed is not None and not detail.id:
            detail.id = listed.id
        feed.services[sid] = detail
    for service in feed.services.values():
        service.version = feed.version
    return feed


def assured_age(service: FeedService, max_months: int) -> tuple[dt.date, int] | None:
    """(assured date, months before the fetch) when it is older than `max_months`."""
    if not service.assured_date:
        return None
    day = D.parse_machine_date(service.assured_date)
    today = service.fetched or dt.date.today()
    if day is None or day > today:
        return None
    if day < D.add_months(today, -max_months):
        return day, D.months_between(day, today)
    return None


def unreadable_assured_date(service: FeedService) -> bool:
    return bool(service.assured_date) and D.parse_machine_date(service.assured_date) is None
