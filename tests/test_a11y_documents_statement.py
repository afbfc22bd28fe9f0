"""The document rules (A11Y550-557) and the accessibility statement rules (A11Y560-565) beyond
their fixtures: each required section named when it is missing, options, hostile PDFs, and
the demo site's planted faults and controls."""

from __future__ import annotations

import datetime as dt
import importlib.util

import pytest

from localoffer_audit.checks import a11y_documents as AD
from localoffer_audit.checks import a11y_statement as AS
from localoffer_audit.demo.scoring import score
from localoffer_audit.models import Page, Site, Severity
from support import ROOT
from test_a11y_fixtures import _site_pages as site_pages

_spec = importlib.util.spec_from_file_location("make_fixtures",
                                               ROOT / "tools" / "make_a11y_doc_fixtures.py")
MAKE = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(MAKE)

BASE = "http://localoffer.test/"
OURS = {r.code for r in (*AD.PdfAccessibility.rules, *AD.DocumentOnlyContent.rules,
                         *AS.AccessibilityStatement.rules)}


def _site(tmp_path, tree: dict) -> list[Page]:
    for rel, content in tree.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return site_pages(tmp_path, BASE)


def _statement_findings(pages, **options):
    check = AS.AccessibilityStatement.from_config(options)
    site = Site(1, (BASE,), lambda: iter(pages), lambda url: None, lambda: iter(()))
    return list(check.check_site(site))


# --- the acceptance line: a complete statement passes; each missing section is named ----------


def test_complete_statement_passes(tmp_path):
    findings = _statement_findings(_site(tmp_path, MAKE.site_with_statement()))
    assert findings == []


@pytest.mark.parametrize("section", AS.SECTION_IDS)
def test_each_missing_section_is_named_exactly(tmp_path, section):
    assert section in MAKE.SECTIONS  # the fixture statement has every required section
    findings = _statement_findings(_site(tmp_path, MAKE.site_with_statement(without=(section,))))
    missing = [f for f in findings if f.rule == "A11Y562"]
    label = AS._BY_ID[section].label
    assert [f.extra["section"] for f in missing] == [section], [f.message for f in findings]
    assert f"\"{label}\"" in missing[0].message
    others = [s.label for s in AS.SECTIONS if s.id != section]
    assert not any(f"\"{other}\"" in missing[0].message for other in others)
    assert missing[0].url == BASE + "accessibility-statement"
    assert missing[0].selector == f"statement:{section}"


def test_every_section_missing_gives_one_finding_each(tmp_path):
    empty = MAKE.site_with_statement(without=tuple(MAKE.SECTIONS))
    findings = _statement_findings(_site(tmp_path, empty))
    assert sorted(f.extra["section"] for f in findings if f.rule == "A11Y562") == \
        sorted(AS.SECTION_IDS)


def test_compliance_heading_without_a_wcag_version_is_missing(tmp_path):
    tree = MAKE.site_with_statement()
    tree["accessibility-statement.html"] = tree["accessibility-statement.html"].replace(
        "with the Web Content Accessibility Guidelines version 2.2 AA standard",
        "with the accessibility regulations")
    findings = _statement_findings(_site(tmp_path, tree))
    assert [f.extra["section"] for f in findings if f.rule == "A11Y562"] == ["compliance-status"]


def test_northern_ireland_enforcement_body_counts(tmp_path):
    tree = MAKE.site_with_statement(without=("enforcement-procedure",))
    tree["accessibility-statement.html"] = tree["accessibility-statement.html"].replace(
        "</main>", "<h2>Enforcement procedure</h2><p>Contact the Equality Commission for "
        "Northern Ireland (ECNI).</p></main>")
    assert _statement_findings(_site(tmp_path, tree)) == []


def test_wcag_21_and_22_together_is_not_old(tmp_path):
    tree = MAKE.site_with_statement(wcag="2.1 and 2.2")
    assert [f.rule for f in _statement_findings(_site(tmp_path, tree))] == []


def test_section_patterns_option_replaces_one_section(tmp_path):
    tree = MAKE.site_with_statement(without=("enforcement-procedure",))
    tree["accessibility-statement.html"] = tree["accessibility-statement.html"].replace(
        "</main>", "<p>Complaints go to the Ombudsman.</p></main>")
    pages = _site(tmp_path, tree)
    assert [f.extra["section"] for f in _statement_findings(pages)] == ["enforcement-procedure"]
    assert _statement_findings(pages, section_patterns={
        "enforcement-procedure": [r"\bOmbudsman\b"]}) == []


@pytest.mark.parametrize("options,message", [
    ({"section_patterns": {"nonsense": ["x"]}}, "unknown section 'nonsense'"),
    ({"section_patterns": {"contact": []}}, "section_patterns.contact must be a list"),
    ({"section_patterns": {"contact": ["("]}}, "section_patterns.contact: not a regular"),
    ({"url_patterns": ["[a-"]}, "url_patterns: not a regular expression"),
    ({"current_wcag_version": "two"}, "current_wcag_version must look like"),
    ({"pages_named": 0}, "pages_named must be 1 or more"),
    ({"colour": "red"}, "unknown option 'colour'"),
])
def test_statement_option_errors_name_the_problem(options, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        AS.AccessibilityStatement.from_config(options)


def test_statement_review_date_is_left_to_stl423(tmp_path):
    """An old "last reviewed" date is STL423's fact (checks/staleness.py): the statement
    check reports only a missing date, never an old one."""
    from localoffer_audit.checks.staleness import ExpiredContentCheck

    tree = MAKE.site_with_statement()
    tree["accessibility-statement.html"] = tree["accessibility-statement.html"].replace(
        "2 February 2026", "2 February 2023")
    pages = _site(tmp_path, tree)
    assert _statement_findings(pages) == []
    stale = ExpiredContentCheck.from_config({})
    statement = next(p for p in pages if p.url.endswith("accessibility-statement"))
    assert [f.rule for f in stale.check_page(statement)] == ["STL423"]


def test_many_pages_without_a_link_are_counted_and_a_few_named(tmp_path):
    tree = MAKE.site_with_statement()
    tree["index.html"] = MAKE.home(*[(f"Club {i}", f"/clubs/{i}") for i in range(12)])
    for i in range(12):
        tree[f"clubs/{i}.html"] = MAKE.page(f"Club {i}", "<p>Saturdays.</p>", link="")
    [finding] = [f for f in _statement_findings(_site(tmp_path, tree), pages_named=3)
                 if f.rule == "A11Y561"]
    assert finding.extra["count"] == 12 and len(finding.extra["pages"]) == 12
    assert "/clubs/0, /clubs/1, /clubs/10 and 9 more" in finding.message
    assert finding.url == BASE and finding.target == BASE + "accessibility-statement"


# --- PDFs -------------------------------------------------------------------------------------


def _pdf(body: bytes, **options) -> list:
    page = Page(url=BASE + "x.pdf", status=200, content_type="application/pdf",
                kind="document", body=body)
    return list(AD.PdfAccessibility.from_config(options).check_page(page))


def test_accessible_pdf_has_no_finding():
    assert _pdf(MAKE.good()) == []


def test_old_pdf_findings_become_notices_but_forms_never_do():
    old = _pdf(MAKE.plain(created=dt.date(2017, 5, 1)))
    assert [(f.rule, f.severity) for f in old] == [("A11Y550", Severity.NOTICE)]
    assert old[0].extra["possibly_exempt"] is True
    form = _pdf(MAKE.form(dt.date(2017, 5, 1)))
    assert [(f.rule, f.severity) for f in form] == [("A11Y550", Severity.ERROR)]
    # the exemption date is an option
    assert [f.severity for f in _pdf(MAKE.plain(created=dt.date(2017, 5, 1)),
                                     exempt_before="2017-01-01")] == [Severity.ERROR]


def test_pdf_option_errors():
    with pytest.raises(ValueError, match="exempt_before must be a date"):
        AD.PdfAccessibility.from_config({"exempt_before": "23/09/2018"})
    with pytest.raises(ValueError, match="ignore_topics: unknown topic 'nope'"):
        AD.DocumentOnlyContent.from_config({"ignore_topics": ["nope"]})


@pytest.mark.parametrize("body", [
    b"%PDF-1.4\n" + b"\x00" * 200,
    b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 1 0 R>> endobj trailer <</Root 1 0 R>>",
    b"%PDF-1.4\n1 0 obj <</Length 99999999>> stream\nxx\nendstream endobj",
])
def test_hostile_pdfs_give_a_notice_not_a_crash(body):
    findings = _pdf(body)
    assert [f.rule for f in findings] in (["A11Y557"], []), [f.message for f in findings]
    page = Page(url=BASE + "x.pdf", status=200, content_type="application/pdf",
                kind="document", body=body)
    assert page.document_text == ""  # the words checks see nothing, as before


def test_html_and_word_pages_are_not_read_as_pdfs():
    html = Page(url=BASE, status=200, content_type="text/html", kind="html",
                body=b"<html><title>x</title></html>")
    assert list(AD.PdfAccessibility.from_config({}).check_page(html)) == []
    assert html.pdf is None


def test_ignore_topics_silences_a11y555(tmp_path):
    pages = site_pages(
        ROOT / "tests/fixtures/pages/accessibility/A11Y555/site-fail-statutory-statement-only-in-pdf",
        BASE)
    site = Site(1, (BASE,), lambda: iter(pages), lambda url: None, lambda: iter(()))
    found = list(AD.DocumentOnlyContent.from_config({}).check_site(site))
    assert {t for f in found if f.rule == "A11Y555" for t in f.extra["topics"]} >= \
        {"short-breaks-statement"}
    topics = sorted({t for f in found for t in f.extra.get("topics", [])})
    quiet = list(AD.DocumentOnlyContent.from_config({"ignore_topics": topics}).check_site(site))
    # with every topic ignored the page is still only a link to a PDF: A11Y556 instead
    assert [f.rule for f in quiet] == ["A11Y556"]


def test_every_rule_has_doc_fix_tags_and_who_affected():
    who = {**AD.WHO_AFFECTED, **AS.WHO_AFFECTED}
    for check in (AD.PdfAccessibility, AD.DocumentOnlyContent, AS.AccessibilityStatement):
        for rule in check.rules:
            assert rule.family == "accessibility" and rule.doc and rule.fix, rule.code
            assert rule.who_affected == who[rule.code] and len(rule.tags) >= 2, rule.code


# --- the demo site ----------------------------------------------------------------------------

DEMO_KINDS = {"pdf-untagged", "pdf-missing-title", "pdf-no-text-layer", "pdf-only-page",
              "statement-missing-section", "statement-review-overdue",
              "statement-old-wcag-version"}


def test_demo_document_and_statement_faults_found_and_controls_quiet(demo):
    result = score(demo["key"], demo["findings"])["accessibility"]
    planted = [f for f in demo["key"]["faults"] if f["kind"] in DEMO_KINDS]
    assert {f["kind"] for f in planted} == DEMO_KINDS
    missed = [m for m in result.missed if m["kind"] in DEMO_KINDS]
    assert missed == [], missed
    assert not [c for c in result.control_false_positives
                if c["kind"] == "complete-accessibility-statement"]
    assert [e for e in result.unmatched_errors if e["rule"] in OURS] == []


def test_demo_statement_findings_name_the_answer_keys_missing_sections(demo):
    for statement in demo["key"]["accessibility_statements"]:
        found = sorted(f["extra"]["label"] for f in demo["findings"] if f["rule"] == "A11Y562"
                       and f["url"].endswith(statement["page"]))
        assert found == sorted(statement["missing_sections"]), statement
        old = [f for f in demo["findings"] if f["rule"] == "A11Y563"
               and f["url"].endswith(statement["page"])]
        assert bool(old) == (statement["wcag_version"] != "2.2"), statement


def test_demo_good_pdfs_have_no_document_finding(demo):
    flagged = {f["url"].split("/", 3)[-1] for f in demo["findings"]
               if f["rule"] in {"A11Y550", "A11Y551", "A11Y552", "A11Y553", "A11Y554"}}
    planted = {f["page"].lstrip("/") for f in demo["key"]["faults"]
               if f["kind"].startswith("pdf-") and f["kind"] != "pdf-only-page"}
    assert flagged == planted
    pdfs = [d for d in demo["key"]["documents"] if d.endswith(".pdf")]
    assert len(pdfs) - len(planted) >= 5  # good PDFs were checked and passed


def test_accessibility_strategy_is_not_a_statement(tmp_path):
    """The council's accessibility strategy (Equality Act 2010, Schedule 10) is another duty:
    a link to it is neither a statement link nor an uncrawled statement."""
    tree = {"index.html": MAKE.home(("Accessibility strategy", "/accessibility-strategy"),
                                    link=""),
            "accessibility-strategy.html": MAKE.page("Accessibility strategy 2024 to 2027",
                                                     "<p>Our plan for schools.</p>", link="")}
    findings = _statement_findings(_site(tmp_path, tree))
    assert [f.rule for f in findings] == ["A11Y560"]
