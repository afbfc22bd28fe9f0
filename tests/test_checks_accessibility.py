"""Static accessibility rules (first slice): each rule flags its fail page and passes its pass page."""

from __future__ import annotations

import pytest

from localoffer_audit.checks import accessibility as A
from localoffer_audit.models import Page

HEAD = '<head><title>T</title><meta name="viewport" content="width=device-width, initial-scale=1"></head>'
CLEAN = f'<html lang="en">{HEAD}<body><h1>Short breaks</h1><img src="a.png" alt=""></body></html>'

CASES = [
    ("A11Y501", '<html><head><title>T</title></head><body><h1>x</h1></body></html>'),
    ("A11Y504", f'<html lang="foobar">{HEAD}<body><h1>x</h1></body></html>'),
    ("A11Y507", f'<html lang="en">{HEAD}<body><h1>x</h1><img src="IMG_1.jpg"></body></html>'),
    ("A11Y517", f'<html lang="en">{HEAD}<body><h1>x</h1><iframe src="/map"></iframe></body></html>'),
    ("A11Y518", '<html lang="en"><head><title>T</title><meta http-equiv="refresh" '
                'content="5; url=/new"></head><body><h1>x</h1></body></html>'),
    ("A11Y519", '<html lang="en"><head><title>T</title><meta name="viewport" '
                'content="width=device-width, user-scalable=no"></head><body><h1>x</h1></body></html>'),
]


def body(inner: str) -> str:
    return f'<html lang="en">{HEAD}<body><h1>Short breaks</h1>{inner}</body></html>'


CASES += [
    ("A11Y505", body("<h2>Useful contacts</h2><h4>Opening hours</h4>")),
    ("A11Y506", body("<h2></h2><p>Coming soon.</p>")),
    ("A11Y508", body('<img src="/i/IMG_2345.png" alt="IMG_2345.png">')),
    ("A11Y510", body('<a href="/next" class="icon-link"><span class="icon" aria-hidden="true">'
                     '</span></a>')),
    ("A11Y512", body('<p>Short breaks. <a href="/short-breaks">Read more</a></p>')),
    ("A11Y515", body('<form><input type="text" name="postcode" placeholder="Postcode">'
                     '<button type="submit">Find</button></form>')),
    ("A11Y516", body("<table><tr><td>Town</td><td>Opens</td></tr>"
                     "<tr><td>Ashford</td><td>9am</td></tr></table>")),
    ("A11Y521", body('<a href="https://forum.example/" target="_blank">Parent Carer Forum</a>')),
]

# More fail pages: each must be flagged with exactly this one rule.
MORE_FAILS = [
    ("A11Y505", body("<h2>a</h2><h3>b</h3><h5>c</h5>")),
    ("A11Y506", body('<h3><span aria-hidden="true">*</span></h3>')),
    ("A11Y506", body('<h2><img src="x.png" alt=""></h2>')),
    ("A11Y508", body('<img src="a.jpg" alt="photo.jpg">')),
    ("A11Y508", body('<img src="a.svg" alt="Image">')),
    ("A11Y508", body('<img src="a.svg" alt="picture.">')),
    ("A11Y508", body('<img src="a.jpg" alt="DSC_0042">')),
    ("A11Y510", body('<a href="/x"><img src="arrow.svg" alt=""></a>')),
    ("A11Y510", body('<a href="/x">  </a>')),
    ("A11Y512", body('<a href="/x">Click here!</a>')),
    ("A11Y512", body('<a href="/x">  FIND OUT MORE... </a>')),
    ("A11Y512", body('<a href="/x">here</a>')),
    ("A11Y512", body('<a href="/x" aria-label="more">More</a>')),
    ("A11Y515", body('<select name="area"><option>North</option></select>')),
    ("A11Y515", body('<textarea name="message"></textarea>')),
    ("A11Y515", body('<label for="other">Other</label><input id="pc" name="pc">')),
    ("A11Y516", body("<table><tbody><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr>"
                     "</tbody></table>")),
    ("A11Y521", body('<a href="/x" target="_blank" title="Forum">Forum</a>')),
]

# Pass pages: none of the rules fires.
PASSES = [
    body("<h2>a</h2><h3>b</h3><h2>c</h2><h3>d</h3><h4>e</h4><h2>f</h2>"),
    body('<h2><img src="logo.png" alt="Exampleshire Local Offer"></h2>'),
    body('<h2 aria-label="Contacts"><span class="icon"></span></h2>'),
    body('<img src="a.png" alt=""><img src="b.png" alt="Children playing in a park">'),
    body('<img src="logo.png" alt="logo">'),
    body('<a href="/x"><img src="arrow.svg" alt="Next page"></a>'),
    body('<a href="/x" aria-label="Next page"><span aria-hidden="true">&gt;</span></a>'),
    body('<span id="lbl">Short breaks</span><a href="/x" aria-labelledby="lbl"></a>'),
    body('<a href="/x" title="Contact us"><span class="icon"></span></a>'),
    body('<a name="top"></a><a id="anchor"></a>'),
    body('<a href="/x" aria-label="Read more about short breaks">Read more</a>'),
    body('<a href="/x">Read more about short breaks</a><a href="/y">Here is the map</a>'),
    body('<label for="pc">Postcode</label><input id="pc" name="pc" placeholder="AB1 2CD">'),
    body('<label>Area <select name="area"><option>North</option></select></label>'),
    body('<input type="search" aria-label="Search"><textarea title="Message"></textarea>'),
    body('<span id="l">Email</span><input type="email" aria-labelledby="l">'),
    body('<form><input type="hidden" name="t" value="1"><input type="submit" value="Go">'
         '<input type="image" src="go.png" alt="Go"><input type="reset"><input type="button" '
         'value="Clear"></form>'),
    body("<table><tr><th>Town</th><th>Opens</th></tr><tr><td>Ashford</td><td>9am</td></tr></table>"),
    body("<table><tr><th scope=row>Town</th><td>Ashford</td></tr><tr><th scope=row>Opens</th>"
         "<td>9am</td></tr></table>"),
    body('<table role="presentation"><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr>'
         "</table>"),
    body("<table><tr><td>Only</td><td>one row</td></tr></table>"),
    body("<table><tr><td>one</td></tr><tr><td>column</td></tr></table>"),
    body('<a href="https://forum.example/" target="_blank">Forum (opens in a new tab)</a>'),
    body('<a href="/x" target="_blank" aria-label="Forum, new window">Forum</a>'),
    body('<a href="/x" target="_self">Forum</a>'),
]


def codes(html: str) -> list[str]:
    page = Page(url="http://localoffer.test/p", status=200, content_type="text/html", kind="html",
                body=html.encode(), links=(), fetched_at="2026-11-22T10:00:00+00:00")
    return [f.rule for f in A.StaticAccessibility.from_config({}).check_page(page)]


@pytest.mark.parametrize("code, html", CASES, ids=[c for c, _ in CASES])
def test_fail_page_is_flagged_with_only_its_rule(code, html):
    assert codes(html) == [code]


@pytest.mark.parametrize("code, html", MORE_FAILS, ids=[c for c, _ in MORE_FAILS])
def test_more_fail_pages_are_flagged_with_only_their_rule(code, html):
    assert codes(html) == [code]


@pytest.mark.parametrize("html", PASSES, ids=[str(i) for i in range(len(PASSES))])
def test_pass_pages_are_not_flagged(html):
    assert codes(html) == []


def test_link_findings_name_the_link_target():
    page = Page(url="http://localoffer.test/p/", status=200, content_type="text/html", kind="html",
                body=body('<a href="next">Read more</a>').encode(), links=(),
                fetched_at="2026-11-22T10:00:00+00:00")
    [f] = A.StaticAccessibility.from_config({}).check_page(page)
    assert f.target == "http://localoffer.test/p/next"


def test_aria_labelledby_names_every_element_on_a_big_page():
    # Speed is for bench/, not tests: this checks the id lookup names all 4,000 of each.
    inner = ('<span id="l{0}">Name {0}</span><a href="/x{0}" aria-labelledby="l{0}"></a>'
             '<input aria-labelledby="l{0}"><h2>h{0}</h2>')
    assert codes(body("".join(inner.format(i) for i in range(4000)))) == []
    unnamed = body("".join(inner.format(i) for i in range(3)) + '<a href="/y" aria-labelledby="nope"></a>')
    assert codes(unnamed) == ["A11Y510"]


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


@pytest.mark.parametrize("lang", ["en", "en-GB", "cy", "EN-gb", "pl", "zh-Hant"])
def test_real_language_codes_are_valid(lang):
    assert codes(f'<html lang="{lang}">{HEAD}<body><h1>x</h1></body></html>') == []


@pytest.mark.parametrize("lang", ["foobar", "zz", "e", "english"])
def test_made_up_language_codes_are_reported(lang):
    assert codes(f'<html lang="{lang}">{HEAD}<body><h1>x</h1></body></html>') == ["A11Y504"]
