"""Directory records (family `directory`): can families use what the service directory says?

Three checks:
  directory-records   DIR601-606  each record page: missing contact and details, placeholder
                                  values, impossible age ranges, phone numbers and emails that
                                  cannot work
  duplicate-services  DIR607      the same service listed under two ids
  oruk-feed           DIR621-628  the Open Referral UK feed ([site].oruk_url): errors, required
                                  fields, ids, assured_date, CORS, and how it compares with the
                                  records on the site

Record pages are recognised and read by small platform adapters (directory_adapters/: Open
Objects kb5, Jadu, LocalGov Drupal, WordPress, schema.org, and the site's own URL patterns).
Most pages are not records and cost a few substring searches. The site-wide checks keep a few
short strings per record (RecordKey), never pages; when the directory-records check ran over
the same pages just before, they reuse its reading instead of parsing every page again.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator, Mapping

from ..dates import long_date
from ..models import Finding, Page, Rule, Severity, Site
from . import read_options, rule_factory
from .directory_adapters import extract_record, generic_adapter, last_updated
from .directory_adapters.common import (REQUIRABLE, Pair, Placeholders, Record, RecordKey,
                                        age_ranges, email_candidates, email_problem, links_in,
                                        phone_problem, placeholders, squash)
from .directory_adapters.oruk import REQUIRED as ORUK_REQUIRED
from .directory_adapters.oruk import (STATUSES, UUID, Feed, FeedService, assured_age, read_feed,
                                      unreadable_assured_date)

FAMILY = "directory"



_rule = rule_factory(FAMILY)


MISSING_CONTACT = _rule(
    "DIR601", "record-missing-contact", "Directory record gives no phone number or email "
    "address", Severity.ERROR, "Add a phone number or email address families can use to ask "
    "about the service. If the provider has not given one, ask them for it.")
MISSING_DETAILS = _rule(
    "DIR602", "record-missing-details", "Directory record does not say what it costs, who it "
    "is for, how to get it or how accessible it is", Severity.WARNING,
    "Ask the provider for the missing details and add them to the record: what it costs (or "
    "that it is free), the ages it is for, how to get it (self-referral, or who refers), and "
    "its access arrangements (step-free access, hearing loop, quiet space...).")
PLACEHOLDER = _rule(
    "DIR603", "record-placeholder-value", "Directory record has a placeholder such as \"TBC\", "
    "\"N/A\" or \"0-99\" instead of an answer", Severity.WARNING,
    "Replace the placeholder with the real answer from the provider. If something truly does "
    "not apply, say so in words families understand (for example \"No referral needed: just "
    "turn up\").")
AGES_REVERSED = _rule(
    "DIR604", "record-age-range-reversed", "Directory record's minimum age is above its "
    "maximum age", Severity.ERROR, "Correct the age range: the lower age comes first (for "
    "example 5 to 16, not 16 to 5). Check with the provider which ages they take.")
INVALID_PHONE = _rule(
    "DIR605", "record-invalid-phone", "Directory record's phone number cannot be dialled",
    Severity.ERROR, "Correct the phone number: a UK number has 10 or 11 digits starting with 0 "
    "(for example 01632 960123), with no letters. Check it with the provider.")
INVALID_EMAIL = _rule(
    "DIR606", "record-invalid-email", "Directory record's email address is not a valid "
    "address", Severity.ERROR, "Correct the email address: it needs a name, an @ and a domain "
    "ending such as .org.uk (for example enquiries@provider.org.uk). Check it with the "
    "provider.")
DUPLICATE = _rule(
    "DIR607", "duplicate-service", "The same service is listed twice under different ids",
    Severity.WARNING, "Keep one record: merge the details into the more complete one, "
    "unpublish the other and redirect its address to the one you keep.")
FEED_ERROR = _rule(
    "DIR621", "oruk-feed-error", "The Open Referral UK feed, or a record in it, cannot be "
    "read", Severity.ERROR, "Ask the directory supplier to fix the feed address so it answers "
    "200 with Open Referral UK JSON, and to check it with the Open Referral UK validator.",
    "open-referral")
FEED_REQUIRED = _rule(
    "DIR622", "oruk-missing-required-field", "A service in the Open Referral UK feed lacks a "
    "required field (id, name or status)", Severity.ERROR,
    "Fill in the field in the directory: every service needs a name and a status (active, "
    "inactive, defunct or temporarily closed), and an id.", "open-referral")
FEED_BAD_ID = _rule(
    "DIR623", "oruk-invalid-id", "A service in the Open Referral UK feed has an id that is not "
    "a unique uuid", Severity.ERROR, "Ask the directory supplier to give every service a "
    "unique uuid (such as ac148810-d857-441c-9679-408f346de14b), as Open Referral UK 3.0 "
    "requires, and to keep it stable.", "open-referral")
FEED_ASSURED_OLD = _rule(
    "DIR624", "oruk-assured-date-old", "A service in the Open Referral UK feed was last checked "
    "(assured_date) more than 24 months ago", Severity.WARNING,
    "Ask the provider to confirm the record is still right, update what changed, and set its "
    "assured date to the day it was checked.", "open-referral")
FEED_NO_CORS = _rule(
    "DIR625", "oruk-missing-cors-header", "The Open Referral UK feed does not send "
    "Access-Control-Allow-Origin", Severity.WARNING, "Ask the directory supplier to send "
    "\"Access-Control-Allow-Origin: *\" on the feed, so other public services' web pages can "
    "read it.", "open-referral")
FEED_ONLY = _rule(
    "DIR626", "oruk-service-not-on-site", "A service in the Open Referral UK feed has no record "
    "on the website", Severity.WARNING, "Publish the service on the website too, or mark it "
    "inactive or defunct in the directory if it has stopped.", "open-referral")
SITE_ONLY = _rule(
    "DIR627", "record-not-in-oruk-feed", "A directory record on the website is not in the Open "
    "Referral UK feed", Severity.NOTICE, "Check the record is published to the feed (some "
    "directories leave out records with a missing field or an unapproved status).",
    "open-referral")
FEED_DISAGREES = _rule(
    "DIR628", "oruk-feed-disagrees-with-site", "The Open Referral UK feed and the website give "
    "different details for the same service", Severity.WARNING, "Correct whichever is wrong; "
    "then check the website and the feed are published from the same directory record.",
    "open-referral")

# What each missing field means to a family, for messages.
NEEDS = {
    "contact": "a phone number or email address",
    "cost": "what it costs (or that it is free)",
    "age-range": "what ages it is for",
    "referral-route": "how to get it (self-referral, or who can refer)",
    "accessibility-info": "how accessible it is (for example step-free access or a hearing "
                          "loop)",
    "location": "where it is",
    "opening-times": "when it runs",
    "eligibility": "who can use it",
    "send-info": "what it offers children and young people with SEND",
    "description": "what the service does",
}
FIELD_NAMES = {
    "cost": "cost", "age-range": "age range", "referral-route": "referral route",
    "accessibility-info": "accessibility information", "location": "location",
    "opening-times": "opening times", "eligibility": "eligibility", "send-info": "SEND "
    "information", "description": "description", "phone": "phone number",
    "email": "email address", "website": "website", "contact-name": "contact name",
    "name": "name", "last-updated": "last updated date",
}


def _quote(text: str, limit: int = 80) -> str:
    text = squash(text)
    return f"\u201c{text[:limit]}{'...' if len(text) > limit else ''}\u201d"


def _join(items: list[str], word: str = "or") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


# --- record keys shared with the site-wide checks -----------------------------------------------


class RecordIndex:
    """The keys of every record the directory-records check read in one check run."""

    def __init__(self) -> None:
        self.keys: list[RecordKey] = []
        self.fed = False  # a directory-records check read the pages into it

    def add(self, key: RecordKey) -> None:
        self.keys.append(key)


# The site checks open an index when they are configured; the directory-records check of the
# same run (configured next: it comes after them in CHECKS) takes it and fills it while the
# runner passes it each page; the site checks then read it. If no directory-records check ran
# (its rules were not selected), the index was never fed and they read the pages themselves.
_open_index: RecordIndex | None = None


def _site_index() -> RecordIndex:
    global _open_index
    if _open_index is None or _open_index.fed:
        _open_index = RecordIndex()
    return _open_index


def _claim_index() -> RecordIndex | None:
    global _open_index
    index, _open_index = _open_index, None
    if index is not None and not index.fed:
        index.fed = True
        return index
    return None


def record_keys(site: Site, index: RecordIndex | None,
                adapters: tuple = ()) -> list[RecordKey]:
    if index is not None and index.fed:
        return index.keys
    keys = []
    for page in site.pages():
        record = extract_record(page, adapters)
        if record is not None:
            keys.append(record.key())
    return keys


# --- directory-records: DIR601-606 ----------------------------------------------------------------


class DirectoryRecordsCheck:
    """Each directory record page: is anything a family needs missing, or wrong?"""

    name = "directory-records"
    # Results depend only on the stored crawl (no "today"): reused when a re-audit's crawl is
    # the same as the run it builds on (runner: crawl digest).
    crawl_only = True
    rules = (MISSING_CONTACT, MISSING_DETAILS, PLACEHOLDER, AGES_REVERSED, INVALID_PHONE,
             INVALID_EMAIL)

    def __init__(self, required_fields: list[str], placeholder_values: Placeholders,
                 url_patterns: list[str], index: RecordIndex | None = None) -> None:
        self.required = [f for f in REQUIRABLE if f in required_fields and f != "contact"]
        self.placeholders = placeholder_values
        self.adapters = generic_adapter(url_patterns)
        self.index = index

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> DirectoryRecordsCheck:
        merged = read_options(options, cls.name)
        unknown = [f for f in merged["required_fields"] if f not in REQUIRABLE]
        if unknown:
            raise ValueError(f"required_fields: unknown field {unknown[0]!r} "
                             f"(known: {', '.join(REQUIRABLE)})")
        for pattern in merged["record_url_patterns"]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"record_url_patterns: {pattern!r} is not a regular "
                                 f"expression ({exc})") from None
        return cls(merged["required_fields"],
                   placeholders().with_extra(merged["extra_placeholders"]),
                   merged["record_url_patterns"], _claim_index())

    def check_page(self, page: Page) -> Iterable[Finding]:
        record = extract_record(page, self.adapters)
        if record is None:
            return
        if self.index is not None:
            self.index.add(record.key())
        yield from self.findings(page, record)

    def findings(self, page: Page, record: Record) -> Iterator[Finding]:
        name = _quote(record.name or page.url)
        base = {"platform": record.platform, "record": record.name}
        if record.record_id:
            base["record_id"] = record.record_id
        found = list(self._findings(page, record, name, base))
        if found:  # the record's date, for the owner's worklist (the page is read once for it)
            updated = last_updated(page)
            if updated:
                found = [f.with_changes(extra={**f.extra, "last_updated": updated.isoformat()})
                         for f in found]
        return iter(found)

    def _findings(self, page: Page, record: Record, name: str,
                  base: dict[str, Any]) -> Iterator[Finding]:
        if not record.has("contact"):
            yield page.finding(MISSING_CONTACT, f"The directory record {name} gives no phone "
                               "number or email address, so families cannot ask the service "
                               "a question or check it is still running.",
                               extra={**base, "field": "contact", "missing": ["contact"]})
        missing = [f for f in self.required if not record.has(f)]
        if missing:
            yield page.finding(MISSING_DETAILS, f"The directory record {name} does not say "
                               f"{_join([NEEDS[f] for f in missing])}. Families need this to "
                               "know what to expect before they get in touch.",
                               extra={**base, "missing": missing})
        seen: set[tuple[str, str]] = set()
        for finding in self._values(page, record, name, base):
            where = (finding.rule, finding.selector or "")
            if where not in seen:
                seen.add(where)
                yield finding

    def _values(self, page: Page, record: Record, name: str,
                base: dict[str, Any]) -> Iterator[Finding]:
        for pair in record.pairs:
            if not pair.strong or not pair.text.strip():
                continue
            if self.placeholders.match(pair.text):
                yield self._placeholder(page, pair, name, base)
                continue
            if pair.field == "age-range":
                yield from self._ages(page, pair, name, base)
            elif pair.field == "phone":
                yield from self._phone(page, pair, name, base)
            elif pair.field == "email":
                yield from self._email(page, pair, name, base)

    def _placeholder(self, page: Page, pair: Pair, name: str, base: dict[str, Any],
                     why: str = "") -> Finding:
        field = FIELD_NAMES.get(pair.field, pair.field)
        need = NEEDS.get(pair.field)
        return page.finding(
            PLACEHOLDER, f"The {_quote(pair.label, 40)} of the directory record {name} says "
            f"{_quote(pair.text)}, which is a placeholder, not an answer{why}. Families cannot "
            f"tell {need or 'what the ' + field + ' is'}.", selector=pair.selector,
            snippet=pair.text[:300],
            extra={**base, "field": pair.field, "label": pair.label, "value": pair.text[:300]})

    def _ages(self, page: Page, pair: Pair, name: str, base: dict[str, Any]) -> Iterator[Finding]:
        for found in age_ranges(pair.text):
            if found.high is not None and found.high >= self.placeholders.default_max_age:
                yield self._placeholder(page, pair, name, base, f" (an age range up to "
                                        f"{found.show(found.high)} is a database default)")
                return
        for found in age_ranges(pair.text):
            if found.low is not None and found.high is not None and found.low > found.high:
                yield page.finding(
                    AGES_REVERSED, f"The age range of the directory record {name}, "
                    f"{_quote(pair.text)}, starts at {found.show(found.low)} and ends at "
                    f"{found.show(found.high)}: the minimum age is above the maximum, so "
                    "families cannot tell who the service is for.", selector=pair.selector,
                    snippet=pair.text[:300],
                    extra={**base, "field": "age-range", "value": pair.text[:300],
                           "min_age": found.low, "max_age": found.high})
                return

    def _phone(self, page: Page, pair: Pair, name: str, base: dict[str, Any]) -> Iterator[Finding]:
        text = pair.text
        if not any(ch.isdigit() for ch in text):
            links = links_in(pair.element, "tel") if pair.element is not None else []
            if links:
                text = " ; ".join(links)
        problem = phone_problem(text)
        if problem:
            yield page.finding(
                INVALID_PHONE, f"The phone number {_quote(text)} on the directory record {name} "
                f"cannot be dialled: {problem}. Families who try to call will not get "
                "through.", selector=pair.selector, snippet=text[:300],
                extra={**base, "field": "phone", "value": text[:300], "reason": problem})

    def _email(self, page: Page, pair: Pair, name: str, base: dict[str, Any]) -> Iterator[Finding]:
        candidates = email_candidates(pair.text)
        if not candidates and pair.element is not None:
            candidates = links_in(pair.element, "mailto")
        if not candidates:
            yield page.finding(
                INVALID_EMAIL, f"The {_quote(pair.label, 40)} of the directory record {name} "
                f"says {_quote(pair.text)}, which is not an email address.",
                selector=pair.selector, snippet=pair.text[:300],
                extra={**base, "field": "email", "value": pair.text[:300],
                       "reason": "not an email address"})
            return
        for address in candidates:
            problem = email_problem(address)
            if problem:
                yield page.finding(
                    INVALID_EMAIL, f"The email address {_quote(address)} on the directory "
                    f"record {name} is not a valid address: {problem}. Messages sent to it "
                    "will not arrive.", selector=pair.selector, snippet=address[:300],
                    extra={**base, "field": "email", "value": address[:300], "reason": problem})
                return


# --- duplicate-services: DIR607 -------------------------------------------------------------------


def _shared(a: RecordKey, b: RecordKey) -> list[str]:
    """What makes two records of the same name one service (empty: they are not)."""
    what = [label for label, x, y in (("phone number", a.phones, b.phones),
                                      ("email address", a.emails, b.emails)) if x & y]
    if a.postcodes and b.postcodes and not a.postcodes & b.postcodes:
        return []  # the same contact at two addresses: branches of one service
    return what + (["postcode"] if a.postcodes & b.postcodes else [])


def duplicate_groups(keys: Iterable[RecordKey]) -> list[tuple[list[RecordKey], list[str]]]:
    """Records that are the same service: the same name (ignoring case, punctuation and
    "&"/"and") and the same phone number, email address or postcode, but not the same contact
    at two different postcodes. Each group comes with what its records share."""
    by_name: dict[str, list[RecordKey]] = {}
    for key in keys:
        if len(key.name_key) >= 4:
            by_name.setdefault(key.name_key, []).append(key)
    groups = []
    for same_name in by_name.values():
        if len(same_name) < 2:
            continue
        same_name.sort(key=lambda k: k.url)
        parent = list(range(len(same_name)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        links: list[tuple[int, list[str]]] = []
        for i, a in enumerate(same_name):
            for j in range(i + 1, min(len(same_name), i + 50)):  # bounded for common names
                what = _shared(a, same_name[j]) if a.url != same_name[j].url else []
                if what:
                    parent[find(j)] = find(i)
                    links.append((i, what))
        members: dict[int, list[RecordKey]] = {}
        for i, key in enumerate(same_name):
            members.setdefault(find(i), []).append(key)
        for root, group in members.items():
            if len(group) > 1:
                what = sorted({w for i, ws in links if find(i) == root for w in ws})
                groups.append((group, what))
    return groups


class DuplicateServicesCheck:
    """The same service listed twice: families may find different details in each."""

    name = "duplicate-services"
    rules = (DUPLICATE,)

    def __init__(self, index: RecordIndex) -> None:
        self.index = index

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> DuplicateServicesCheck:
        read_options(options, cls.name)
        return cls(_site_index())

    def check_site(self, site: Site) -> Iterable[Finding]:
        for group, what in duplicate_groups(record_keys(site, self.index)):
            for key in group:
                others = [k.url for k in group if k.url != key.url]
                yield Finding(
                    rule=DUPLICATE.code, rule_name=DUPLICATE.name, family=FAMILY,
                    severity=DUPLICATE.severity, url=key.url, target=others[0],
                    message=f"{_quote(key.name)} is listed more than once: this record and "
                            f"{others[0]}{f' (and {len(others) - 1} more)' if len(others) > 1 else ''} "
                            f"have the same name and the same {_join(what, 'and')}. "
                            "Families may find different details in each, and updates go to one "
                            "only.",
                    fix=DUPLICATE.fix,
                    extra={"platform": key.platform, "record": key.name,
                           "duplicates": others[:20], "shared": what})


# --- oruk-feed: DIR621-628 ------------------------------------------------------------------------


def _finding(rule: Rule, url: str, message: str, **fields: Any) -> Finding:
    return Finding(rule=rule.code, rule_name=rule.name, family=FAMILY, severity=rule.severity,
                   url=url, message=message, fix=fields.pop("fix", rule.fix), **fields)


def _same_url(a: str, b: str) -> bool:
    strip = lambda u: re.sub(r"^https?://", "", u or "").rstrip("/").lower()  # noqa: E731
    return bool(a and b) and strip(a) == strip(b)


class OrukFeedCheck:
    """The site's Open Referral UK feed, as the crawl fetched it, and how it matches the site."""

    name = "oruk-feed"
    rules = (FEED_ERROR, FEED_REQUIRED, FEED_BAD_ID, FEED_ASSURED_OLD, FEED_NO_CORS, FEED_ONLY,
             SITE_ONLY, FEED_DISAGREES)

    def __init__(self, assured_max_months: int, compare_with_site: bool,
                 index: RecordIndex) -> None:
        self.assured_max_months = assured_max_months
        self.compare_with_site = compare_with_site
        self.index = index

    @classmethod
    def from_config(cls, options: Mapping[str, Any]) -> OrukFeedCheck:
        merged = read_options(options, cls.name)
        if merged["assured_max_months"] < 1:
            raise ValueError("assured_max_months must be 1 or more")
        return cls(merged["assured_max_months"], merged["compare_with_site"], _site_index())

    def check_site(self, site: Site) -> Iterable[Finding]:
        feed = read_feed(site.feed_pages())
        if feed.empty and not feed.problems:
            return
        for problem in feed.problems:
            yield _finding(FEED_ERROR, problem.url, problem.message + " Apps and other "
                           "services that read the feed cannot see this part of the directory.",
                           extra={"status": problem.status})
        if feed.first_list_headers is not None and not any(
                k.lower() == "access-control-allow-origin" for k in feed.first_list_headers):
            yield _finding(FEED_NO_CORS, feed.first_list_url,
                           f"The Open Referral UK feed ({feed.first_list_url}) does not send the "
                           "Access-Control-Allow-Origin header, so web pages on other sites (a "
                           "family hub, an NHS service finder) cannot read it. Open Referral UK "
                           "asks for \"Access-Control-Allow-Origin: *\".",
                           extra={"header": "access-control-allow-origin"})
        for service in feed.services.values():
            yield from self._service(feed, service)
        if self.compare_with_site and feed.services:
            yield from self._compare(feed, record_keys(site, self.index))

    def _service(self, feed: Feed, service: FeedService) -> Iterator[Finding]:
        # A service without an id is found by its place in the list (several share the URL).
        where = {} if service.id else {"selector": service.position}
        extra = {"service_id": service.id, "service": service.name, "version": feed.version}
        if service.missing or service.bad_status:
            parts = [f"no \"{name}\"" for name in service.missing]
            if service.bad_status:
                parts.append(f"the status \"{service.bad_status}\", which is not one of "
                             f"{_join([repr(s) for s in STATUSES])}")
            yield _finding(FEED_REQUIRED, service.url, f"In the Open Referral UK feed, "
                           f"{service.label} has {_join(parts, 'and')}. "
                           f"Open Referral UK {feed.version}.0 requires "
                           f"{_join(list(ORUK_REQUIRED[feed.version]), 'and')}, "
                           "so apps that read the feed may skip or misdescribe the service.",
                           extra={**extra, "missing": list(service.missing),
                                  "bad_status": service.bad_status}, **where)
        if service.id and (not UUID.match(service.id) and feed.version == "3"):
            yield _finding(FEED_BAD_ID, service.url, f"In the Open Referral UK feed, "
                           f"{service.label} has the id {service.id!r}, which is not a uuid. "
                           "Open Referral UK 3.0 needs a uuid, so other systems can keep track "
                           "of the service.", extra={**extra, "reason": "not-uuid"}, **where)
        elif service.id and feed.seen_ids.get(service.id, 0) > 1:
            yield _finding(FEED_BAD_ID, service.url, f"In the Open Referral UK feed, the id "
                           f"{service.id!r} is used by {feed.seen_ids[service.id]} services. "
                           "Every service needs its own id.",
                           extra={**extra, "reason": "not-unique"}, **where)
        old = assured_age(service, self.assured_max_months)
        if old:
            day, months = old
            yield _finding(FEED_ASSURED_OLD, service.url, f"In the Open Referral UK feed, "
                           f"{service.label} was last checked (assured_date) on "
                           f"{long_date(day)}, {months} months before the feed "
                           f"was read (the limit is {self.assured_max_months} months). Its "
                           "details may no longer be right.",
                           extra={**extra, "assured_date": day.isoformat(), "months": months},
                           **where)
        elif unreadable_assured_date(service):
            yield _finding(FEED_ASSURED_OLD, service.url, f"In the Open Referral UK feed, the "
                           f"assured_date of {service.label}, {service.assured_date!r}, is not a "
                           "date, so nobody can tell when the record was last checked.",
                           extra={**extra, "assured_date": service.assured_date}, **where)

    def _compare(self, feed: Feed, keys: list[RecordKey]) -> Iterator[Finding]:
        if not keys:
            return
        by_name: dict[str, list[RecordKey]] = {}
        for key in keys:
            by_name.setdefault(key.name_key, []).append(key)
        matched: set[str] = set()
        pairs: list[tuple[FeedService, RecordKey]] = []
        unmatched: list[FeedService] = []
        for service in feed.services.values():
            found = by_name.get(service.name_key, []) if service.name_key else []
            found = found or [k for k in keys if _same_url(k.url, service.service_url)]
            if found:
                matched.update(k.url for k in found)
                pairs.extend((service, k) for k in found[:3])
            elif service.status in ("", "active", "temporarily closed"):
                unmatched.append(service)
        if not pairs:
            first = feed.first_list_url or next(iter(feed.services.values())).url
            yield _finding(FEED_ONLY, first, f"None of the {len(feed.services)} services in the "
                           f"Open Referral UK feed matches any of the {len(keys)} directory "
                           "records on the website by name. Check that [site].oruk_url is the "
                           "feed of this directory; if it is, the feed and the website are out "
                           "of step.", selector="feed",
                           extra={"feed_services": len(feed.services), "records": len(keys)})
            return
        for service in unmatched:
            label = service.label if service.name else service.label.capitalize()
            yield _finding(FEED_ONLY, service.url, f"{label} "
                           "is in the Open Referral UK feed but has no record on the website "
                           "with that name, so families using the website cannot find it.",
                           extra={"service_id": service.id, "service": service.name})
        for key in keys:
            if key.url not in matched:
                yield _finding(SITE_ONLY, key.url, f"The directory record {_quote(key.name)} is "
                               "not in the Open Referral UK feed (no service there has this "
                               "name), so apps and other services that read the feed do not "
                               "show it.", extra={"platform": key.platform, "record": key.name})
        for service, key in pairs:
            yield from self._disagreements(service, key)

    def _disagreements(self, service: FeedService, key: RecordKey) -> Iterator[Finding]:
        differences = []
        if service.status in ("inactive", "defunct"):
            differences.append(f"the feed says the service is {service.status}, but the website "
                               "still lists it")
        low, high = service.ages
        page_low, page_high = key.ages
        if low is not None and page_low is not None and abs(low - page_low) >= 1:
            differences.append(f"the feed's minimum age is {low:g}, the website's {page_low:g}")
        if high is not None and page_high is not None and abs(high - page_high) >= 1:
            differences.append(f"the feed's maximum age is {high:g}, the website's "
                               f"{page_high:g}")
        if service.phones and key.phones and not service.phones & key.phones:
            differences.append(f"the feed's phone number ({', '.join(sorted(service.phones))}) "
                               f"is not on the website ({', '.join(sorted(key.phones))})")
        if service.emails and key.emails and not service.emails & key.emails:
            differences.append(f"the feed's email address ({', '.join(sorted(service.emails))})"
                               f" is not the website's ({', '.join(sorted(key.emails))})")
        if differences:
            yield _finding(FEED_DISAGREES, key.url, f"The directory record {_quote(key.name)} "
                           f"and the Open Referral UK feed disagree: {'; '.join(differences)}. "
                           "Families get different answers depending on where they look.",
                           target=service.url,
                           extra={"service_id": service.id, "differences": differences})


# The site checks come first: configuring them opens the record index that the
# directory-records check (configured after them) fills.
CHECKS = [DuplicateServicesCheck, OrukFeedCheck, DirectoryRecordsCheck]
