"""Directory checks (DIR6xx): fixture pages and sites per rule, the platform adapters, value
parsing, options, and the demo answer key."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from localoffer_audit.checks import directory as DIR
from localoffer_audit.checks.directory_adapters import common as C
from localoffer_audit.checks.directory_adapters import (extract_record, generic_adapter,
                                                         last_updated)
from localoffer_audit.demo.scoring import score
from localoffer_audit.models import Page, Site
from localoffer_audit.registry import discover_checks

FIXTURES = Path(__file__).parent / "fixtures" / "pages" / "directory"
FETCHED = "2026-11-22T10:00:00+00:00"
RECORD_RULES = {"DIR601", "DIR602", "DIR603", "DIR604", "DIR605", "DIR606"}


def make_page(body: str | bytes, url: str = "http://localoffer.test/page", **fields) -> Page:
    body = body.encode() if isinstance(body, str) else body
    fields.setdefault("fetched_at", FETCHED)
    return Page(url=url, status=fields.pop("status", 200),
                content_type=fields.pop("content_type", "text/html"),
                kind=fields.pop("kind", "html"), body=body, **fields)


def fixture_page(code: str, name: str) -> Page:
    spec = json.loads((FIXTURES / code / "expected.json").read_text("utf-8"))["files"][name]
    return make_page((FIXTURES / code / name).read_bytes(), spec["url"])


def feed_pages(path: Path, fetched_at: str = FETCHED) -> list[Page]:
    """A *.feed.json fixture: {base, pages: {path: {json | body, status, headers}}} as the
    crawl would have stored the responses (kind "feed")."""
    data = json.loads(path.read_text("utf-8"))
    pages = []
    for rel, spec in data["pages"].items():
        body = spec["body"] if "body" in spec else json.dumps(spec["json"])
        pages.append(make_page(body, f"{data['base']}/{rel}", kind="feed",
                               status=spec.get("status", 200), content_type="application/json",
                               headers=spec.get("headers", {}), fetched_at=fetched_at))
    return sorted(pages, key=lambda p: p.url)  # the store's order


def make_site(pages: list[Page], feed: list[Page] = ()) -> Site:
    return Site(1, ("http://localoffer.test/",), lambda: iter(pages), lambda url: None,
                lambda: iter(()), feed_loader=lambda: iter(feed))


def run_site(pages: list[Page], feed: list[Page] = (), page_check: bool = True, **options):
    """Configure the checks in CHECKS order, as the runner does, pass each page to the page
    check, then run the site checks."""
    site_checks = [DIR.DuplicateServicesCheck.from_config(options.get("duplicate-services", {})),
                   DIR.OrukFeedCheck.from_config(options.get("oruk-feed", {}))]
    found = []
    if page_check:
        records = DIR.DirectoryRecordsCheck.from_config(options.get("directory-records", {}))
        for page in pages:
            found.extend(records.check_page(page))
    site = make_site(pages, feed)
    for check in site_checks:
        found.extend(check.check_site(site))
    return found


def run_page(page: Page, **options) -> list:
    return list(DIR.DirectoryRecordsCheck.from_config(options).check_page(page))


# --- fixtures, axe-core style: one folder per rule; expected.json says what is flagged -------


def fixture_cases():
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        expected = json.loads((folder / "expected.json").read_text("utf-8"))
        for name, spec in sorted(expected.get("files", {}).items()):
            yield pytest.param(folder, name, spec, "page", id=f"{folder.name}/{name}")
        for name, spec in sorted(expected.get("sites", {}).items()):
            yield pytest.param(folder, name, spec, "site", id=f"{folder.name}/{name}")


@pytest.mark.parametrize("folder, name, spec, kind", list(fixture_cases()))
def test_fixture(folder, name, spec, kind):
    if kind == "page":
        findings = run_page(make_page((folder / name).read_bytes(), spec["url"]))
    else:
        pages = [make_page((folder / file).read_bytes(), url) for url, file in spec["pages"].items()]
        feed = feed_pages(folder / spec["feed"]) if "feed" in spec else []
        findings = run_site(pages, feed)
        # The site checks read the pages themselves when no directory-records check ran.
        alone = [f for f in run_site(pages, feed, page_check=False) if f.rule == folder.name]
        assert [f.message for f in alone] == [f.message for f in findings
                                              if f.rule == folder.name]
    mine = [f for f in findings if f.rule == folder.name]
    described = [f"{f.rule} {f.url}: {f.message}" for f in findings]
    assert bool(mine) == spec["flagged"], described
    for text in spec.get("contains", []):
        assert any(text in f.message for f in mine), (text, described)
    if "missing" in spec:
        assert mine[0].extra["missing"] == spec["missing"]
    if "field" in spec:
        assert mine[0].extra["field"] == spec["field"]
    if "flagged_urls" in spec:
        assert sorted({f.url for f in mine}) == sorted(spec["flagged_urls"])
    for finding in mine:
        assert finding.family == "directory" and finding.fix
    fingerprints = [f.fingerprint for f in findings]
    assert len(fingerprints) == len(set(fingerprints)), described  # the store keeps one each


def test_every_fixture_file_is_listed():
    for folder in (p for p in FIXTURES.iterdir() if p.is_dir()):
        expected = json.loads((folder / "expected.json").read_text("utf-8"))
        listed = set(expected.get("files", {}))
        for spec in expected.get("sites", {}).values():
            listed |= set(spec["pages"].values()) | ({spec["feed"]} if "feed" in spec else set())
        assert listed == {p.name for p in folder.iterdir() if p.name != "expected.json"}, folder
        specs = [*expected.get("files", {}).values(), *expected.get("sites", {}).values()]
        assert any(s["flagged"] for s in specs) and not all(s["flagged"] for s in specs)


def test_every_rule_has_fixtures_a_doc_and_a_fix():
    codes = {rule.code for check in DIR.CHECKS for rule in check.rules}
    assert codes == {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    for check in DIR.CHECKS:
        for rule in check.rules:
            assert rule.family == "directory" and rule.fix and not rule.validate()
            for heading in ("## What it checks", "## Why it matters", "## Example",
                            "## How to fix"):
                assert heading in rule.doc, (rule.code, heading)


def test_checks_are_registered_under_the_directory_entry_point():
    loaded = {c.cls for c in discover_checks() if c.plugin.endswith("[directory]")}
    assert loaded == set(DIR.CHECKS)


# --- adapters, one platform at a time ----------------------------------------------------------


def fields_of(record) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for pair in record.pairs:
        if pair.strong:
            found.setdefault(pair.field, []).append(pair.text)
    return found


def test_kb5_adapter_reads_the_record_blocks():
    record = extract_record(fixture_page("DIR601", "pass-kb5-complete.html"))
    assert (record.platform, record.record_id) == ("kb5", "Bs7Kq2Lm9Xb")
    assert record.name == "Bright Steps Play Group, Westford"
    fields = fields_of(record)
    assert fields["phone"] == ["01632 960123"]
    assert fields["email"] == ["hello@brightsteps.org.uk"]
    assert fields["cost"] == ["£3.50 Per session"]  # the captioned cost table
    assert fields["age-range"] == ["5 years 0 months to 11 years 11 months"]
    assert fields["referral-route"] == ["No", "Families can book a place by phone or email."]
    assert fields["accessibility-info"] == ["Step-free access, accessible toilet, hearing loop"]
    assert "SY4 7QT" in fields["location"][0]
    assert fields["description"][0].startswith("Weekly sessions")
    page = fixture_page("DIR601", "pass-kb5-complete.html")
    assert last_updated(page).isoformat() == "2026-09-03"  # "Last Updated 03/09/2026"
    missing = run_page(fixture_page("DIR602", "fail-kb5-no-cost.html"))
    assert missing[0].extra["last_updated"] == "2026-09-03"
    assert record.key().postcodes == {"SY4 7QT"} and record.key().ages == (5, 11 + 11 / 12)


def test_kb5_adapter_ignores_pages_that_are_not_records():
    assert extract_record(fixture_page("DIR601", "pass-kb5-record-not-found.html")) is None
    assert extract_record(fixture_page("DIR602", "pass-kb5-advice-page.html")) is None


def test_jadu_adapter_reads_definition_lists_and_tables():
    record = extract_record(fixture_page("DIR603", "pass-real-answers.html"))
    assert (record.platform, record.record_id) == ("jadu", "1048")
    assert fields_of(record)["referral-route"] == ["Self-referral: phone or email to book a place."]
    table = extract_record(fixture_page("DIR602", "pass-jadu-label-variants-table.html"))
    fields = fields_of(table)
    assert fields["phone"] == ["01632 960456"]  # "Tel"
    assert fields["cost"][0].startswith("Free for the first term")  # "Fees"
    assert fields["age-range"] == ["4 to 16"]  # "Suitable for ages"
    assert fields["referral-route"] == ["No - book online"]  # "Referral required"
    assert fields["accessibility-info"] == ["Pool hoist and a changing places toilet"]
    assert fields["location"][0].startswith("Westford Leisure Centre")  # "Venue"
    # The council's phone number in the site footer is not the record's.
    assert "01632 960000" not in " ".join(p.text for p in table.pairs)


def test_lgd_adapter_reads_fields_and_body_words():
    record = extract_record(fixture_page("DIR602", "pass-lgd-details-in-body.html"))
    assert (record.platform, record.record_id) == ("lgd", "231")
    assert record.name == "Riverside Adventure Playground"
    fields = fields_of(record)
    assert fields["phone"] == ["01632 960789"] and fields["email"] == ["info@riversideplay.org.uk"]
    assert fields["contact-name"] == ["Sam Okafor"]
    assert {"cost", "age-range", "referral-route", "accessibility-info"} <= record.cued
    assert "01632 960000" not in " ".join(p.text for p in record.pairs)  # the sidebar's number


def test_lgd_adapter_skips_listings_of_teasers():
    assert extract_record(fixture_page("DIR601", "pass-lgd-listing-teasers.html")) is None


def test_wordpress_adapter_needs_a_directory_post_type():
    record = extract_record(fixture_page("DIR602", "pass-wordpress-headings.html"))
    assert (record.platform, record.record_id) == ("wordpress", "4411")
    fields = fields_of(record)
    assert fields["cost"] == ["Free"] and fields["accessibility-info"]
    listing = extract_record(fixture_page("DIR602", "fail-wordpress-only-contact.html"))
    assert listing.platform == "wordpress"  # single-wpbdp_listing (Business Directory Plugin)
    assert fields_of(listing)["phone"] == ["01632 960321"]  # "<strong>Telephone:</strong>"
    assert extract_record(fixture_page("DIR602", "pass-wordpress-ordinary-page.html")) is None


def test_schema_org_adapter_stands_alone_and_fills_gaps():
    record = extract_record(fixture_page("DIR601", "pass-schemaorg-telephone.html"))
    assert record.platform == "schema.org" and record.name == "Portage Home Visiting"
    fields = fields_of(record)
    assert fields["phone"] == ["01632 960222"] and fields["age-range"] == ["0 to 5 years"]
    assert fields["cost"] == ["GBP 0"]
    assert "referral-route" in record.cued  # "Your health visitor or GP can refer you"
    # On a kb5 record without a cost, JSON-LD offers fill the gap.
    html = (FIXTURES / "DIR602" / "fail-kb5-no-cost.html").read_text("utf-8").replace(
        "</head>", '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "Service", "name": "Bright Steps", "isAccessibleForFree": true, '
        '"telephone": "01632 960123"}</script></head>')
    merged = extract_record(make_page(html, DIR_URL))
    assert merged.platform == "kb5" and fields_of(merged)["cost"] == ["Free"]
    assert fields_of(merged)["phone"] == ["01632 960123"]  # the kb5 field, not a second one


DIR_URL = "http://localoffer.test/kb5/synthshire/directory/service.page?id=Bs7Kq2Lm9Xc"


def test_yoast_webpage_graph_is_not_a_service():
    html = ('<html><head><script type="application/ld+json">{"@context":"https://schema.org",'
            '"@graph":[{"@type":"WebPage","name":"Short breaks","dateModified":"2026-01-01"},'
            '{"@type":"Organization","name":"Synthshire","telephone":"01632 960000",'
            '"email":"info@synthshire.gov.uk"}]}</script></head><body><main><h1>Short breaks'
            '</h1></main></body></html>')
    assert extract_record(make_page(html)) is None


def test_generic_adapter_follows_the_sites_url_patterns():
    html = ("<html><body><main><h1>Westford Carers Café</h1><p><strong>Phone:</strong> 01632 "
            "960444</p><p><strong>Cost:</strong> Free</p><p>Open to carers of children aged 0 "
            "to 25.</p></main></body></html>")
    page = make_page(html, "http://localoffer.test/find-a-service/westford-carers-cafe")
    assert extract_record(page) is None
    record = extract_record(page, generic_adapter([r"/find-a-service/[^/]+$"]))
    assert record.platform == "generic" and record.name == "Westford Carers Café"
    assert fields_of(record)["cost"] == ["Free"] and "age-range" in record.cued
    found = run_page(page, record_url_patterns=[r"/find-a-service/[^/]+$"])
    assert {f.rule for f in found} == {"DIR602"}
    assert found[0].extra["missing"] == ["referral-route", "accessibility-info"]


@pytest.mark.parametrize("label, field", [
    ("Cost", "cost"), ("Costs:", "cost"), ("Fees", "cost"), ("Charges", "cost"),
    ("Is this service free?", "cost"), ("Age range", "age-range"), ("Age Ranges", "age-range"),
    ("Suitable for ages", "age-range"), ("Ages catered for", "age-range"),
    ("Referral required", "referral-route"), ("How to access", "referral-route"),
    ("How do I access this service?", "referral-route"), ("Self-referral", "referral-route"),
    ("Accessibility", "accessibility-info"), ("Access needs", "accessibility-info"),
    ("Wheelchair access", "accessibility-info"), ("Telephone", "phone"), ("Tel:", "phone"),
    ("Contact phone", "phone"), ("E-mail", "email"), ("Enquiries email", "email"),
    ("Venue opening times", "opening-times"), ("Time / Date Details", "opening-times"),
    ("Where to go", "location"), ("SEN Provision Type", "send-info"),
    ("Local Offer", "send-info"), ("Eligibility criteria", "eligibility"),
    ("Last Updated", "last-updated"), ("Other Details", None), ("Who to contact", "contact-name"),
])
def test_labels_map_to_fields(label, field):
    assert C.labels().field_for(label) == field


@pytest.mark.parametrize("text, ranges", [
    ("5 years 0 months to 19 years 11 months", [(5, 19 + 11 / 12)]),
    ("4 to 5 years", [(4, 5)]), ("0-25", [(0, 25)]), ("16-11", [(16, 11)]),
    ("6 months to 5 years", [(0.5, 5)]), ("6 to 18 months", [(0.5, 1.5)]),
    ("Birth to 5", [(0, 5)]), ("16+", [(16, None)]), ("18 and over", [(18, None)]),
    ("Under 5s", [(0, 5)]), ("Years 7 to 11", []), ("Mondays 9.30-11.30", []),
    ("0 years to 4 years, 5 years to 11 years", [(0, 4), (5, 11)]),
    ("Last updated 03/09/2026", []),
])
def test_age_ranges(text, ranges):
    assert [(r.low, r.high) for r in C.age_ranges(text)] == ranges


@pytest.mark.parametrize("text, problem", [
    ("01632 960713", None), ("+44 (0)1632 960713", None), ("0800 1111", None),
    ("116 123", None), ("0161 496 0000 ext 204", None), ("07700 900123", None),
    ("01234 567890 (Mon-Fri 9am-5pm)", None), ("020 7946 0321 / 07700 900555", None),
    ("01632 960123 / 960124", None), ("960124", "no area code"),
    ("01632 96O 841", "letter O"), ("01632 96", "only 7 digits"),
    ("0161 496 00001", "12 digits"), ("Call us", "no digits"), ("0999 123 4567", "numbering"),
])
def test_phone_numbers(text, problem, monkeypatch):
    if C._phonenumbers is not None:  # with Google's numbering plan (the phonenumbers package)
        found = C.phone_problem(text)
        assert (found is None) if problem is None else (problem in found), found
    monkeypatch.setattr(C, "_phonenumbers", None)  # without it: lengths and prefixes only
    found = C.phone_problem(text)
    if problem != "numbering":  # an unallocated range needs the numbering plan
        assert (found is None) if problem is None else (problem in found), found


@pytest.mark.parametrize("text, problem", [
    ("info@provider.org.uk", None), ("first.last+send@my-provider.co.uk", None),
    ("hello@meadowholidayplaysch", "domain ending"), ("hello.meadow.org.uk", "no @"),
    ("@provider.org.uk", "before the @"), ("a..b@provider.org.uk", "two dots"),
])
def test_email_addresses(text, problem):
    candidates = C.email_candidates(text)
    assert candidates == [text]
    found = C.email_problem(candidates[0])
    assert (found is None) if problem is None else (problem in found), found


@pytest.mark.parametrize("value, placeholder", [
    ("TBC", True), ("t.b.c.", True), ("N/A", True), ("n/a", True), ("-", True), ("?", True),
    ("Please call for details", True), ("Contact the provider for prices", True),
    ("Prices on request", True), ("£TBC per session", True), ("To be confirmed", True),
    ("Free", False), ("None", False), ("No referral needed", False),
    ("To be eligible your child must live in Synthshire", False), ("All ages", False),
    ("Call 01632 960123 to book", False),
])
def test_placeholders(value, placeholder):
    assert C.placeholders().match(value) is placeholder


# --- options -----------------------------------------------------------------------------------


def test_required_fields_is_an_option():
    page = fixture_page("DIR602", "fail-jadu-no-ages-or-access.html")
    assert run_page(page)[0].extra["missing"] == ["age-range", "accessibility-info"]
    assert run_page(page, required_fields=["cost"]) == []
    found = run_page(fixture_page("DIR602", "pass-kb5-complete.html"),
                     required_fields=["cost", "opening-times"])
    assert [f.extra["missing"] for f in found] == [["opening-times"]]


def test_extra_placeholders_are_an_option():
    page = fixture_page("DIR603", "pass-real-answers.html")
    html = page.body.decode().replace("£4.00 per lesson", "Ask at reception")
    page = make_page(html, page.url)
    assert run_page(page) == []
    found = run_page(page, extra_placeholders=["Ask at reception"])
    assert [(f.rule, f.extra["field"]) for f in found] == [("DIR603", "cost")]


@pytest.mark.parametrize("check, options", [
    (DIR.DirectoryRecordsCheck, {"required_fields": ["colour"]}),
    (DIR.DirectoryRecordsCheck, {"required_fields": "cost"}),
    (DIR.DirectoryRecordsCheck, {"record_url_patterns": ["("]}),
    (DIR.DirectoryRecordsCheck, {"nonsense": 1}),
    (DIR.OrukFeedCheck, {"assured_max_months": 0}),
    (DIR.OrukFeedCheck, {"compare_with_site": "yes"}),
    (DIR.DuplicateServicesCheck, {"anything": 1}),
])
def test_bad_options_are_errors_naming_the_option(check, options):
    with pytest.raises(ValueError, match=next(iter(options))):
        check.from_config(options)


def test_assured_age_limit_is_an_option():
    folder = FIXTURES / "DIR624"
    pages = [make_page((folder / "record-stay-and-play.html").read_bytes(),
                       "http://localoffer.test/kb5/synthshire/directory/service.page?id=Sp1aYaAaaaa")]
    feed = feed_pages(folder / "pass-assured-23-months-ago.feed.json")
    assert not [f for f in run_site(pages, feed) if f.rule == "DIR624"]
    found = run_site(pages, feed, **{"oruk-feed": {"assured_max_months": 12}})
    assert [f.extra["months"] for f in found if f.rule == "DIR624"] == [22]
    found = run_site(pages, feed_pages(FIXTURES / "DIR627" / "fail-record-not-in-feed.feed.json"),
                     **{"oruk-feed": {"compare_with_site": False}})
    assert not [f for f in found if f.rule in ("DIR626", "DIR627", "DIR628")]


# --- the record index shared with the site checks ---------------------------------------------


def test_site_checks_reuse_what_the_page_check_read():
    folder = FIXTURES / "DIR607"
    spec = json.loads((folder / "expected.json").read_text("utf-8"))["sites"][
        "fail-same-name-phone-and-postcode"]
    pages = [make_page((folder / f).read_bytes(), url) for url, f in spec["pages"].items()]
    duplicates = DIR.DuplicateServicesCheck.from_config({})
    records = DIR.DirectoryRecordsCheck.from_config({})
    for page in pages:
        list(records.check_page(page))

    def no_second_pass():
        raise AssertionError("site.pages() read again")

    site = Site(1, (), no_second_pass, lambda url: None, lambda: iter(()))
    assert len(list(duplicates.check_site(site))) == 2
    # A later run's checks get a fresh index: nothing carries over between runs.
    again = DIR.DuplicateServicesCheck.from_config({})
    assert again.index is not duplicates.index and not again.index.fed


def test_record_keys_are_small():
    record = extract_record(fixture_page("DIR601", "pass-kb5-complete.html"))
    key = record.key()
    assert all(isinstance(v, (str, frozenset, tuple)) for v in key)
    assert len(json.dumps([list(v) if isinstance(v, frozenset) else v for v in key])) < 600


HOSTILE = [
    b"", b"<html>", b"\x00\xff\xfe junk", b"<dl><dt>Cost<dd>" * 2000,
    b"<html><body><main><h1>x</h1><table><tr><th></th></tr></table><dl><dd>orphan</dd></dl>"
    b"<h2></h2><p><strong></strong></p></main></body></html>",
    b'<script type="application/ld+json">{"@type":"Service","name":"x","audience":[1,{"a":[]}],'
    b'"offers":"free","telephone":["a",{"b":2}],"address":{"postalCode":5}}</script>',
    b'<script type="application/ld+json">[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]</script>',
    b"<table><tr><th>Cost</th><td>" * 1500,
    b'<div class="field field--name-body"><div class="field__label">Cost</div>' * 1500,
    b"<div><h2>Cost</h2><p>TBC</p>" * 1500,
    b"<ul><li><strong>Cost:</strong> " * 1500,
]


@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("url", [
    "http://localoffer.test/kb5/a/b/service.page?id=x", "http://localoffer.test/directory_record/1/x",
    "http://localoffer.test/page"])
def test_hostile_pages_never_raise(body, url):
    started = time.perf_counter()
    run_page(make_page(body, url))
    assert time.perf_counter() - started < 2  # deep nesting must not make the work quadratic
    run_page(make_page(body + b'<body class="single-service"><a href="/wp-content/x">'
                       b'<article class="node--type-localgov-directories-venue">', url))


def test_hostile_feeds_never_raise():
    bodies = ["", "null", "[]", '{"contents": "x"}', '{"contents": [1, null, {"id": {}}]}',
              '{"content": [{"id": 5, "name": ["x"], "assured_date": 7}]}', "{" * 5000]
    for n, body in enumerate(bodies):
        feed = [make_page(body, "http://feed.test/services?page=1&per_page=100", kind="feed"),
                make_page(body, f"http://feed.test/services/{n}", kind="feed")]
        run_site([], feed)


# --- the demo site -----------------------------------------------------------------------------


def _where(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_demo_records(demo):
    """Every record in the answer key: the missing fields the findings name are exactly the
    key's, and a complete record has no finding about its fields."""
    findings: dict[str, list[dict]] = {}
    for f in demo["findings"]:
        if f["family"] == "directory":
            findings.setdefault(_where(f["url"]), []).append(f)
    records = demo["key"]["records"]
    duplicates = {r["page"]: r["duplicate_of"] for r in records if r.get("duplicate_of")}
    pairs = {*duplicates.items(), *((b, a) for a, b in duplicates.items())}
    problems = []
    for record in records:
        found = findings.get(record["page"], [])
        # Field names are the key's: contact, cost, age-range, referral-route, accessibility-info.
        missing = {m for f in found if f["rule"] in ("DIR601", "DIR602")
                   for m in f["extra"]["missing"]}
        if missing != set(record["missing"]):
            problems.append((record["page"], "missing", sorted(missing), record["missing"]))
        invalid = {f["extra"]["field"] for f in found if f["rule"] in ("DIR603", "DIR604",
                                                                       "DIR605", "DIR606")}
        if invalid != set(record["invalid"]):
            problems.append((record["page"], "invalid", sorted(invalid), record["invalid"]))
        if record["complete"] and any(f["rule"] in RECORD_RULES for f in found):
            problems.append((record["page"], "complete record reported",
                             [f["message"] for f in found]))
        for f in found:
            if f["rule"] == "DIR607" and (record["page"], _where(f["target"])) not in pairs:
                problems.append((record["page"], "not a planted duplicate", f["message"]))
    for page, original in duplicates.items():
        if not any(f["rule"] == "DIR607" and _where(f["target"]) == original
                   for f in findings.get(page, [])):
            problems.append((page, "duplicate not reported", original))
    known = {r["page"] for r in records}
    problems += [(page, "not a record", [f["message"] for f in fs])
                 for page, fs in findings.items() if page not in known]
    assert problems == [], json.dumps(problems, indent=1)
    assert {r["platform"] for r in records} <= {"kb5", "jadu", "lgd", "wordpress"}


def test_demo_directory_score(demo):
    result = score(demo["key"], demo["findings"])["directory"]
    report = json.dumps({"recall": result.recall, "missed": result.missed,
                         "control_false_positives": result.control_false_positives,
                         "unmatched_errors": result.unmatched_errors}, indent=1)
    print(report)
    assert result.not_covered == {}, report
    assert result.planted > 0 and result.found == result.planted, report
    assert result.controls > 0 and result.control_false_positives == [], report
    assert result.unmatched_errors == [], report
