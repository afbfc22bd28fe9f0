"""The static markup rules A11Y600-A11Y623 (checks/a11y_markup.py) beyond their fixture pages
(tests/fixtures/pages/accessibility/A11Y6xx/): rule data, the language helpers they rest on, and
the demo site's template (which must not trip them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from localoffer_audit.checks import a11y_markup as M
from localoffer_audit.checks.a11y_html import english_share
from localoffer_audit.models import Page
from localoffer_audit.reports.viewmodel import BARRIERS, PLAIN_PROBLEMS

ROOT = Path(__file__).resolve().parent.parent


def findings(body: str, lang: str = "en"):
    html = (f'<!DOCTYPE html><html lang="{lang}"><head><title>Short breaks</title></head>'
            f"<body><h1>Short breaks</h1><main>{body}</main></body></html>").encode()
    page = Page(url="http://localoffer.test/p", status=200, content_type="text/html",
                kind="html", body=html, fetched_at="2026-11-22T10:00:00+00:00")
    return list(M.StaticMarkupAccessibility.from_config({}).check_page(page))


def test_every_rule_has_doc_fix_wcag_tag_who_affected_and_a_barrier():
    in_barriers = {code for b in BARRIERS for code in b.rules}
    for rule in M.StaticMarkupAccessibility.rules:
        assert rule.family == "accessibility" and rule.fix and rule.doc, rule.code
        assert "## What it checks" in rule.doc and "## Why it matters" in rule.doc
        assert rule.who_affected == M.WHO_AFFECTED[rule.code] and rule.who_affected.endswith("."), rule.code
        assert rule.code in PLAIN_PROBLEMS and rule.code in in_barriers, rule.code


def test_gds_mapping_names_only_installed_rules():
    from localoffer_audit.checks.a11y_contrast import CssAccessibility
    from localoffer_audit.checks.accessibility import StaticAccessibility

    mapping = json.loads((ROOT / "bench" / "gds_barrier_rules.json").read_text("utf-8"))
    ours = {r.code for c in (M.StaticMarkupAccessibility, CssAccessibility, StaticAccessibility)
            for r in c.rules}
    named = {code for k, v in mapping.items() if k != "_doc" for code in v.get("rules", [])
             if code.startswith(("A11Y6", "A11Y54"))}
    assert named and named <= ours, named - ours


@pytest.mark.parametrize("text, english", [
    ("You said, we did", True),           # langdetect alone says Welsh, sure of it
    ("Parent carer forum meeting", True),  # langdetect alone says Romanian
    ("Allons, Madame plaisante!", False),
])
def test_english_share_is_a_second_opinion_on_short_passages(text, english):
    assert (english_share(text) >= 0.5) is english


@pytest.mark.parametrize("body", [
    '<p>"You said, we did"</p>',
    '<p>"Parent carer forum meeting" on Tuesday</p>',
    '<p>Ask for an "education, health and care needs assessment".</p>',
])
def test_short_english_quotations_are_not_taken_for_another_language(body):
    assert [f.rule for f in findings(body)] == []


def test_a_passage_on_a_page_in_another_language_is_not_judged_against_english():
    # Only English text is searched for unmarked passages (the lexicon is English).
    body = '<p>Bonjour, "Allons, Madame plaisante!"</p>'
    assert "A11Y601" not in [f.rule for f in findings(body, lang="fr")]


def test_hostile_markup_does_not_break_the_rules():
    body = ('<table><tr><td><table><tr><td><table></table></td></tr></table></td></tr></table>'
            '<a href="javascript:alert(1)">x</a><a href="">y</a><a>z</a>'
            '<img role="none" alt="  "><video></video><audio></audio><pre></pre><abbr></abbr>'
            '<p dir="rtl"></p><span lang="">text</span><span lang="!!">words here now</span>')
    rules = [f.rule for f in findings(body)]
    assert "A11Y606" in rules and "A11Y607" in rules  # a bare video and audio still count


def test_demo_template_trips_no_error_of_these_rules_and_only_planted_pages_get_notices(demo):
    from localoffer_audit.demo.scoring import score

    ours = {r.code for r in M.StaticMarkupAccessibility.rules}
    result = score(demo["key"], demo["findings"])["accessibility"]
    assert [f for f in result.unmatched_errors if f["rule"] in ours] == []
    assert [c for c in result.control_false_positives
            if any(h["rule"] in ours for h in c["findings"])] == []
    # The demo's shared template is clean: a finding of ours on most pages would be about it.
    pages = {f["url"] for f in demo["findings"]}
    hit = {f["url"] for f in demo["findings"] if f["rule"] in ours}
    assert len(hit) <= max(1, len(pages) // 50), sorted(hit)[:5]


@pytest.mark.parametrize("text, language", [
    ("Nous sommes ici pour vous aider", "fr"),
    ("Estamos aquí para ayudarte y a tu familia", "es"),
    ("Jeśli potrzebujesz pomocy w swoim języku", "pl"),
    ("You said, we did", None),
    ("Write down your questions before an appointment so", None),
    ("Friday, 9am to 5pm, except bank holidays", None),
    ("Kirklees SENDIASS, Huddersfield Road, Batley WF17 5AB", None),
])
def test_foreign_passages_in_english_text(text, language):
    assert M._foreign(text, "en") == language
