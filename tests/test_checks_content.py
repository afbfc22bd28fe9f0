"""Required-content checks (CNT1xx): fixture pages per rule, the topic catalogue, options, the
runner's coverage.json, and the demo answer key."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html as lxml_html

from localoffer_audit.checks import content as C
from localoffer_audit.config import load_config
from localoffer_audit.demo.scoring import score
from localoffer_audit.models import Link, Page, Site
from localoffer_audit.registry import discover_checks
from localoffer_audit.runner import run_checks
from localoffer_audit.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "pages" / "required-content"
START = "http://localoffer.test/"
FETCHED = "2026-11-22T10:00:00+00:00"
TOPIC_IDS = [
    "sen-provision-early-years", "sen-provision-mainstream-schools",
    "sen-provision-special-schools", "sen-provision-post16", "alternative-provision",
    "commissioned-support-services", "provision-outside-area", "sen-funding",
    "identification-ehc-assessment", "health-provision", "social-care-provision",
    "training-provision", "travel-transport", "preparing-for-adulthood", "higher-education",
    "childcare", "leisure", "information-advice-support", "complaints-redress",
    "accessibility-strategy", "local-offer-feedback", "short-breaks-statement",
    "personal-budgets"]
TOPIC_RULES = {"CNT101", "CNT102", "CNT103", "CNT106"}


def make_page(html: str | bytes, url: str = START + "page", **fields) -> Page:
    """A stored page as the runner gives it to checks, links included."""
    body = html.encode() if isinstance(html, str) else html
    fields.setdefault("fetched_at", FETCHED)
    fields.setdefault("depth", 1)
    links: tuple[Link, ...] = ()
    try:
        tree = lxml_html.document_fromstring(body)
        links = tuple(Link(url, urljoin(url, a.get("href")), a.text_content(), "a", "href")
                      for a in tree.iter("a") if a.get("href"))
        fields.setdefault("title", tree.findtext(".//title"))
    except Exception:  # junk: no links
        pass
    return Page(url=url, status=fields.pop("status", 200), content_type="text/html",
                kind="html", body=body, links=links, **fields)


def make_document(url: str, text: str, title: str = "", depth: int | None = 2) -> Page:
    page = Page(url=url, status=200, content_type="application/pdf", kind="document",
                body=b"%PDF-1.7", title=title, depth=depth, fetched_at=FETCHED)
    page.__dict__["document_text"] = text  # as documents.document_text would read it
    return page


HOME = None  # set below, once make_page exists


def make_site(pages: list[Page], start: str = START) -> Site:
    return Site(1, (start,), lambda: iter(pages), lambda url: None, lambda: [])


def audit(pages: list[Page], options: dict | None = None, via_measure: bool = True):
    """Run the check as the runner does: measure_page per page, then check_site and
    measure_site. Returns (findings, coverage)."""
    check = C.RequiredContent.from_config(options or {})
    site = make_site(pages)
    if via_measure:
        for page in pages:
            assert check.measure_page(page) == {}
    findings = list(check.check_site(site))
    coverage = check.measure_site(site)["coverage"]
    return findings, coverage


HOME = make_page("<html><head><title>Home</title></head><body><main><h1>Home</h1><p>Welcome."
                 "</p></main></body></html>", START, depth=0)


# --- fixture pages, axe-core style: one folder per rule, expected.json says what is flagged ---


def fixture_cases():
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        expected = json.loads((folder / "expected.json").read_text("utf-8"))
        for name, spec in sorted(expected["files"].items()):
            yield pytest.param(folder, name, spec, id=f"{folder.name}/{name}")


@pytest.mark.parametrize("folder, name, spec", list(fixture_cases()))
def test_fixture_page(folder, name, spec):
    """Each file is a page of a site that has only a bare home page besides (and any documents
    the spec lists); site rules judge the whole."""
    page = make_page((folder / name).read_bytes(), f"{START}fixtures/{name}",
                     depth=spec.get("depth", 1))
    documents = [make_document(d["url"], d["text"], d.get("title", ""))
                 for d in spec.get("documents", [])]
    findings, coverage = audit([HOME, page, *documents])
    mine = [f for f in findings if f.rule == folder.name
            and ("topic" not in spec or f.extra.get("topic") == spec["topic"])]
    described = [f"{f.rule} {f.extra.get('topic', '')}: {f.message}" for f in findings]
    assert bool(mine) == spec["flagged"], described
    for text in spec.get("contains", []):
        assert text in mine[0].message, mine[0].message
    for finding in mine:
        assert finding.family == "required-content" and finding.fix and finding.url
        if folder.name in TOPIC_RULES:
            assert finding.selector == f"topic:{spec['topic']}"
    assert [t["id"] for t in coverage["topics"]] == TOPIC_IDS


def test_every_fixture_file_is_listed():
    for folder in (p for p in FIXTURES.iterdir() if p.is_dir()):
        specs = json.loads((folder / "expected.json").read_text("utf-8"))["files"]
        assert set(specs) == {p.name for p in folder.glob("*.html")}, folder.name
        assert any(s["flagged"] for s in specs.values()), folder.name
        assert not all(s["flagged"] for s in specs.values()), folder.name
        for name, spec in specs.items():
            assert name.startswith("fail-" if spec["flagged"] else "pass-"), name


def test_every_rule_has_fixtures_a_doc_and_a_fix():
    codes = {rule.code for check in C.CHECKS for rule in check.rules}
    assert codes == {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    names = set()
    for check in C.CHECKS:
        for rule in check.rules:
            assert rule.family == "required-content" and rule.fix and not rule.validate()
            assert rule.code.startswith("CNT1") and rule.name not in names
            names.add(rule.name)
            for heading in ("## What it checks", "## Why it matters", "## Example",
                            "## How to fix"):
                assert heading in rule.doc, (rule.code, heading)


def test_check_is_registered_under_the_required_content_entry_point():
    loaded = [c for c in discover_checks() if c.plugin.endswith("[required-content]")]
    assert {c.cls for c in loaded} == set(C.CHECKS)
    assert {c.kind for c in loaded} == {"site"}


# --- the topic catalogue -----------------------------------------------------------------


def test_catalogue_has_exactly_the_required_topics():
    catalogue = C.load_catalogue()
    assert [t.id for t in catalogue.topics] == TOPIC_IDS
    for topic in catalogue.topics:
        assert topic.title and topic.legal_ref and topic.needs
        assert topic.confidence in ("S", "S2", "M") and topic.owner in C.OWNER_HINTS
        assert topic.names and topic.strong


def test_no_unverified_paragraph_number_is_printed():
    by_id = C.load_catalogue().by_id
    assert by_id["sen-provision-early-years"].legal_ref == \
        "SEND Regulations 2014 Schedule 2 para 1(a)"
    mainstream = by_id["sen-provision-mainstream-schools"].legal_ref
    assert "Schedule 2 paras 1(b), 1(c), 3(a)" in mainstream
    assert "para 15" in by_id["information-advice-support"].legal_ref  # [S2] in the reference
    for topic in by_id.values():
        if not topic.para_verified:
            assert "para" not in topic.legal_ref.replace("paragraph", ""), topic.id
            assert "?" not in topic.legal_ref
    # the short breaks statement regulation number is unverified ([M]): not printed
    assert "reg" not in by_id["short-breaks-statement"].legal_ref


@pytest.mark.parametrize("text, expected", [
    ("Post-16 transport", "post 16 transport"),
    ("Disabled Students\u2019 Allowance", "disabled students allowance"),
    ("Education, health &amp; care".replace("&amp;", "&"), "education health and care"),
    ("parent/carer forum", "parent carer forum"),
])
def test_normalise(text, expected):
    assert C.normalise(text) == expected


def test_plural_and_hyphen_forms_are_found():
    html = ("<html><head><title>Apprenticeships</title></head><body><main><h1>Apprenticeships"
            "</h1><p>Apprenticeships and supported internships for young people.</p></main>"
            "</body></html>")
    findings, coverage = audit([make_page(html)])
    status = {t["id"]: t["status"] for t in coverage["topics"]}
    assert status["training-provision"] == "covered"


# --- EHC timescales ------------------------------------------------------------------------


@pytest.mark.parametrize("sentence, wrong", [
    ("From the date you ask for an assessment, the council has up to 26 weeks to issue the "
     "final plan.", "26 weeks"),
    ("The local authority has 8 weeks to decide whether to carry out an EHC needs "
     "assessment.", "8 weeks"),
    ("An EHC plan must be issued within 18 weeks of the request.", "18 weeks"),
    ("Education, health and care plans must be finalised within 18 weeks.", "18 weeks"),
    ("The whole EHC process can take up to twenty-six weeks.", "twenty-six weeks"),
    ("We must decide whether to assess within 6 weeks and issue any final plan within 22 "
     "weeks of the request.", "22 weeks"),
    ("The council must decide whether to assess within 4 weeks.", "4 weeks"),
    ("We must tell you within 6 weeks whether we will carry out an assessment.", None),
    ("If we decide not to issue an EHCP, we must tell you within 16 weeks.", None),
    ("Within 16 weeks the LA must tell you whether it will issue an EHC plan.", None),
    ("If an EHC plan is not issued, you will be told within 16 weeks.", None),
    ("The whole process, from the request to the final EHC plan, must take no more than 20 "
     "weeks.", None),
    ("We must decide whether to assess within 6 weeks and issue any final plan within 20 "
     "weeks of the request.", None),
    ("Professionals have 6 weeks to give their advice, and the final plan must be issued "
     "within 20 weeks.", None),
    ("In 2023, 52% of plans were issued within 20 weeks; on average it took 26 weeks to issue "
     "the final plan.", None),
    ("We aim to decide whether to assess within 4 weeks.", None),
    ("Apply online at least 8 weeks before your child starts at a new school.", None),
    ("The timescales are 6 weeks and 20 weeks.", None),
])
def test_wrong_timescales(sentence, wrong):
    found = C.wrong_timescales(sentence)
    assert [w.said for w in found][:1] == ([wrong] if wrong else [])


def test_wrong_timescale_in_a_pdf_is_reported_on_the_document():
    doc = make_document(START + "files/ehc-guide.pdf", "A guide to EHC plans.\n\nThe council "
                        "has 26 weeks to issue the final plan.")
    findings, _ = audit([make_page("<html><body><main><h1>Home</h1></main></body></html>",
                                   START), doc])
    wrong = [f for f in findings if f.rule == "CNT104"]
    assert [f.url for f in wrong] == [doc.url]
    assert wrong[0].extra["timescales"][0] == {"said": "26 weeks", "milestone": "final_plan",
                                               "legal_weeks": 20}


# --- site behaviour ------------------------------------------------------------------------


def _topic_page(topic_title: str, paragraphs: list[str], url: str, depth: int = 1) -> Page:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return make_page(f"<html><head><title>{topic_title} | Council</title></head><body>"
                     f"<main><h1>{topic_title}</h1>{body}</main></body></html>", url,
                     depth=depth)


HEALTH_PARAGRAPHS = ["Speech and language therapy and physiotherapy for children.",
                     "The Integrated Care Board (ICB) plans these NHS services."]
HEALTH = _topic_page("Health services", [
    "Speech and language therapy, occupational therapy and physiotherapy for children.",
    "The Integrated Care Board (ICB) plans these NHS services."], START + "health")


def test_missing_topics_are_reported_on_the_start_page_with_the_topic_owner():
    options = {"topic_owners": {"higher-education": "Post-16 team",
                                "la-social-care": "Children's social care"}}
    findings, coverage = audit([HEALTH], options)
    missing = {f.extra["topic"]: f for f in findings if f.rule == "CNT101"}
    assert "health-provision" not in missing
    assert set(missing) == set(TOPIC_IDS) - {"health-provision"}
    assert all(f.url == START for f in missing.values())
    assert missing["higher-education"].owner == "Post-16 team"  # by topic id
    assert missing["personal-budgets"].owner == "Children's social care"  # by owner hint
    assert missing["travel-transport"].owner == ""  # the framework gives the start page's owner
    assert len({f.fingerprint for f in missing.values()}) == len(missing)
    health = next(t for t in coverage["topics"] if t["id"] == "health-provision")
    assert health["status"] == "covered"
    assert health["evidence"] == [{"url": START + "health", "score": health["evidence"][0]
                                   ["score"], "depth": 1}]


def test_ignore_topics_and_click_depth_options():
    deep = _topic_page("Health services", HEALTH_PARAGRAPHS, START + "deep/health", depth=5)
    findings, _ = audit([deep])
    assert {f.rule for f in findings if f.extra.get("topic") == "health-provision"} \
        == {"CNT103"}
    findings, _ = audit([deep], {"max_click_depth": 5, "ignore_topics": ["leisure"]})
    assert not [f for f in findings if f.extra.get("topic") in ("health-provision", "leisure")]


@pytest.mark.parametrize("options", [
    {"topic_owners": {"no-such-topic": "X"}},
    {"topic_owners": {"health-provision": ""}},
    {"topic_owners": {"health-provision": 3}},
    {"topic_owners": ["health-provision"]},
    {"ignore_topics": ["no-such-topic"]},
    {"ignore_topics": "leisure"},
    {"max_click_depth": 0},
    {"max_click_depth": "3"},
    {"max_click_depth": True},
    {"unknown": 1},
])
def test_bad_options_are_refused(options):
    with pytest.raises(ValueError):
        C.RequiredContent.from_config(options)


def test_navigation_headers_and_footers_never_count():
    html = ("<html><head><title>Contact us</title></head><body><header><nav><a href='/a'>"
            "Personal budgets and direct payments</a></nav></header><main><h1>Contact us</h1>"
            "<p>Call us.</p></main><footer><a href='/b'>Personal budgets</a> <a href='/c'>"
            "Direct payments</a></footer></body></html>")
    _, coverage = audit([make_page(html)])
    status = {t["id"]: t["status"] for t in coverage["topics"]}
    assert status["personal-budgets"] == "missing"


def test_care_leavers_pages_are_excluded_and_listed():
    html = ("<html><head><title>Local offer for care leavers</title></head><body><main><h1>"
            "Local offer for care leavers</h1><p>Our local offer for care leavers covers "
            "housing, independent living and apprenticeships.</p><p>The council has 26 weeks "
            "to issue the final plan.</p></main></body></html>")
    page = make_page(html, START + "care-leavers")
    findings, coverage = audit([HEALTH, page])
    assert coverage["excluded"] == [{"url": page.url, "reason": "care-leavers-local-offer"}]
    assert not [f for f in findings if f.url == page.url]
    for topic in coverage["topics"]:
        assert all(e["url"] != page.url for e in topic["evidence"])


def test_evidence_kept_per_topic_is_bounded():
    check = C.RequiredContent.from_config({})
    for i in range(60):
        check.measure_page(_topic_page("Health services", HEALTH_PARAGRAPHS,
                                       f"{START}health/{i}", depth=i % 7))
        assert len(check.coverage.topics["health-provision"].evidence) <= \
            2 * C.load_catalogue().scoring.evidence_kept
    coverage = check.measure_site(make_site([]))["coverage"]
    health = next(t for t in coverage["topics"] if t["id"] == "health-provision")
    assert len(health["evidence"]) == C.load_catalogue().scoring.evidence_kept
    assert health["evidence"][0]["depth"] == 0  # equal scores: the shallowest first


def test_site_pages_are_read_when_the_runner_did_not_measure_them():
    measured, _ = audit([HEALTH], via_measure=True)
    read_later, _ = audit([HEALTH], via_measure=False)
    assert [f.fingerprint for f in measured] == [f.fingerprint for f in read_later]


def test_nothing_readable_means_no_topic_findings():
    findings, coverage = audit([make_page(b"", status=500)])
    assert findings == []
    assert {t["status"] for t in coverage["topics"]} == {"missing"}


def test_hostile_and_odd_pages_do_not_crash():
    pages = [make_page(b"\x00\xff<html><body><main>" + b"<p>week " * 2000 + b"</main>"),
             make_page("<html><body><main><p>" + "6 weeks whether to assess and " * 500
                       + "</p></main></body></html>", START + "long"),
             make_page("<html><head><title></title></head><body></body></html>", START + "e"),
             make_document(START + "empty.pdf", "")]
    audit(pages)


def test_runner_writes_coverage_and_findings(tmp_path, write_toml):
    path = write_toml('[site]\nstart_urls = ["http://127.0.0.1:9/"]\n'
                      '[[owners]]\nname = "Health partners"\nurl_prefixes = ["/health"]\n'
                      '[[owners]]\nname = "Local Offer team"\ndefault = true\n')
    config = load_config(path)
    store = Store(tmp_path / "s.sqlite")
    run = store.begin_run("test", config.start_urls, config.to_dict(), "test")
    pages = {"http://127.0.0.1:9/": ("Local Offer", ["Welcome. Ask for this in large print."]),
             "http://127.0.0.1:9/health": ("Health services", HEALTH_PARAGRAPHS)}
    for url, (title, paragraphs) in pages.items():
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        store.add_page(run, {"url": url, "status": 200, "kind": "html", "depth": 1,
                             "content_type": "text/html", "title": title,
                             "body": f"<html><body><main><h1>{title}</h1>{body}</main>"
                                     "</body></html>".encode()})
    store.set_run_status(run, "crawled")
    run_checks(store, run, config)
    with store:
        coverage = store.site_metrics(run)["coverage"]
        findings = store.findings(run)
    status = {t["id"]: t["status"] for t in coverage["topics"]}
    assert status["health-provision"] == "covered" and len(status) == 23
    assert coverage["topics"][0].keys() >= {"id", "title", "status", "evidence", "legal_ref"}
    missing = [f for f in findings if f.rule == "CNT101"]  # owner: the start page's owner
    assert len(missing) == 22 and {f.owner for f in missing} == {"Local Offer team"}
    assert not [f for f in findings if f.rule == "CNT109"]  # "large print" on the home page


# --- the demo site -------------------------------------------------------------------------


def test_demo_topics_classified_right(demo):
    coverage = json.loads((demo["out"] / "coverage.json").read_text("utf-8"))
    key = demo["key"]["topics"]
    status = {t["id"]: t["status"] for t in coverage["topics"]}
    report = json.dumps({t: (status.get(t), k["status"]) for t, k in key.items()}, indent=1)
    assert set(status) == set(key) == set(TOPIC_IDS), report
    assert {t: status[t] for t in key} == {t: k["status"] for t, k in key.items()}, report
    deep = {f["extra"]["topic"] for f in demo["findings"] if f["rule"] == "CNT103"}
    assert deep == {t for t, k in key.items() if k["depth_over_3"]}
    for topic in coverage["topics"]:  # every key page that covers a topic is among its evidence
        if key[topic["id"]]["status"] == "covered":
            paths = {e["url"].split("/", 3)[-1] for e in topic["evidence"]}
            assert any(p.lstrip("/") in paths for p in key[topic["id"]]["pages"]), topic["id"]
    missing = {f["extra"]["topic"] for f in demo["findings"] if f["rule"] == "CNT101"}
    assert missing == {t for t, k in key.items() if k["status"] == "missing"}
    partial = {f["extra"]["topic"] for f in demo["findings"] if f["rule"] == "CNT102"}
    assert partial == {t for t, k in key.items() if k["status"] == "partial"}


def test_demo_required_content_score(demo):
    result = score(demo["key"], demo["findings"])["required-content"]
    report = json.dumps(result.as_dict(), indent=1)
    print(report)
    assert result.not_covered == {}, report
    assert result.planted >= 1 and result.found == result.planted, report  # wrong timescale
    assert result.controls >= 1 and result.control_false_positives == [], report  # care leavers
    # The only errors that match no planted fault are the key's missing topics, on the start page.
    key_missing = {t for t, k in demo["key"]["topics"].items() if k["status"] == "missing"}
    unmatched = {(e["rule"], e["url"]) for e in result.unmatched_errors}
    assert {rule for rule, _ in unmatched} <= {"CNT101"}, report
    assert len(result.unmatched_errors) == len(key_missing), report
    coverage = json.loads((demo["out"] / "coverage.json").read_text("utf-8"))
    care = [c["page"] for c in demo["key"]["controls"] if c["kind"] == "care-leavers-page"]
    assert [e["url"].split("/", 3)[-1] for e in coverage["excluded"]] == \
        [p.lstrip("/") for p in care]
