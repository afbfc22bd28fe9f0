"""Static accessibility rules (first slice): each rule flags its fail page and passes its pass page."""

from __future__ import annotations

import pytest

from localoffer_audit.checks import accessibility as A
from localoffer_audit.models import Page

HEAD = '<head><title>T</title><meta name="viewport" content="width=device-width, initial-scale=1"></head>'
CLEAN = f'<html lang="en">{HEAD}<body><h1>Short breaks</h1><img src="a.png" alt=""></body></html>'

CASES = [
    ("A11Y501", '<html><head><title>T</title></head><body><h1>x</h1></body></html>'),
    ("A11Y507", f'<html lang="en">{HEAD}<body><h1>x</h1><img src="IMG_1.jpg"></body></html>'),
    ("A11Y517", f'<html lang="en">{HEAD}<body><h1>x</h1><iframe src="/map"></iframe></body></html>'),
    ("A11Y518", '<html lang="en"><head><title>T</title><meta http-equiv="refresh" '
                'content="5; url=/new"></head><body><h1>x</h1></body></html>'),
    ("A11Y519", '<html lang="en"><head><title>T</title><meta name="viewport" '
                'content="width=device-width, user-scalable=no"></head><body><h1>x</h1></body></html>'),
]


def codes(html: str) -> list[str]:
    page = Page(url="http://localoffer.test/p", status=200, content_type="text/html", kind="html",
                body=html.encode(), links=(), fetched_at="2026-11-22T10:00:00+00:00")
    return [f.rule for f in A.StaticAccessibility.from_config({}).check_page(page)]


@pytest.mark.parametrize("code, html", CASES, ids=[c for c, _ in CASES])
def test_fail_page_is_flagged_with_only_its_rule(code, html):
    assert codes(html) == [code]


def test_clean_page_with_decorative_image_is_not_flagged():
    assert codes(CLEAN) == []


def test_every_rule_has_fixture_doc_fix_and_who_affected():
    assert {r.code for r in A.StaticAccessibility.rules} == {c for c, _ in CASES}
    for rule in A.StaticAccessibility.rules:
        assert rule.fix and rule.doc and rule.code in A.WHO_AFFECTED


def test_demo_planted_html_faults_found_and_decorative_image_not_flagged(demo):
    from localoffer_audit.demo.scoring import score
    result = score(demo["key"], demo["findings"])["accessibility"]
    assert result.planted > 0
    assert result.missed == [], result.missed
    assert result.controls > 0 and result.control_false_positives == []


def test_demo_template_has_no_unplanted_error_from_the_new_rules(demo):
    from localoffer_audit.demo.scoring import score
    result = score(demo["key"], demo["findings"])["accessibility"]
    ours = {r.code for r in A.StaticAccessibility.rules}
    assert [f for f in result.unmatched_errors if f["rule"] in ours] == []
