"""The CSS accessibility rules (checks/a11y_contrast.py): fixture folders and the cascade.

The fixture folders use the shared axe-core style format (tests/fixtures/pages/accessibility/
<CODE>/ with expected.json) that tests/test_a11y_fixtures.py runs for every accessibility rule;
this file runs this module's folders on its own so they are exercised on any branch.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from localoffer_audit.checks import a11y_contrast as C
from localoffer_audit.checks.css_cascade import PageStyles
from localoffer_audit.models import Page

FIXTURES = Path(__file__).parent / "fixtures" / "pages" / "accessibility"
CODES = sorted(r.code for r in C.CssAccessibility.rules)


def _page(html: str, url: str = "http://localoffer.test/p") -> Page:
    return Page(url=url, status=200, content_type="text/html", kind="html", body=html.encode(),
                fetched_at="2026-11-22T10:00:00+00:00")


def _cases():
    for code in CODES:
        expected = json.loads((FIXTURES / code / "expected.json").read_text("utf-8"))
        for name, want in expected["files"].items():
            yield pytest.param(code, name, want, expected.get("url", "http://localoffer.test/p"),
                               id=f"{code}/{name}")


@pytest.mark.parametrize("code,name,want,url", list(_cases()))
def test_fixture_page(code, name, want, url):
    html = (FIXTURES / code / name).read_text("utf-8")
    found = [f for f in C.CssAccessibility.from_config({}).check_page(_page(html, url))
             if f.rule == code]
    assert len(found) == want["count"], [f.message for f in found]
    for text in want.get("message_has", []):
        assert any(text in f.message for f in found), (text, [f.message for f in found])


@pytest.mark.parametrize("code", CODES)
def test_every_rule_has_a_folder_with_pass_and_fail_cases_all_listed(code):
    folder = FIXTURES / code
    listed = set(json.loads((folder / "expected.json").read_text("utf-8"))["files"])
    on_disk = {p.name for p in folder.glob("*.html")}
    assert listed == on_disk
    assert any(n.startswith("pass-") for n in listed) and any(n.startswith("fail-") for n in listed)


def test_every_rule_has_doc_fix_wcag_tag_and_who_affected():
    from localoffer_audit.reports.viewmodel import BARRIERS, PLAIN_PROBLEMS

    in_barriers = {code for b in BARRIERS for code in b.rules}
    for rule in C.CssAccessibility.rules:
        assert rule.family == "accessibility" and rule.fix and rule.doc
        assert any(t.startswith("wcag") for t in rule.tags), rule.code
        assert rule.who_affected == C.WHO_AFFECTED[rule.code] and rule.who_affected.endswith(".")
        assert rule.code in PLAIN_PROBLEMS and rule.code in in_barriers


@pytest.mark.parametrize("fg,bg,ratio", [((0, 0, 0), (1, 1, 1), 21.0), ((1, 1, 1), (1, 1, 1), 1.0),
                                         ((0x76 / 255,) * 3, (1, 1, 1), 4.54)])
def test_contrast_ratio_matches_wcag_examples(fg, bg, ratio):
    assert C.contrast_ratio(fg, bg) == pytest.approx(ratio, abs=0.01)


def test_cascade_specificity_order_important_and_inheritance():
    html = ("<html><head><style>#a p { color: red } p.x { color: blue } p { color: green !important }"
            ".y { color: black } .y { color: white }</style></head><body><div id=a>"
            "<p class=x style='color: yellow'>t</p></div><p class=z>u</p><div class=y><span>v</span></div>"
            "</body></html>")
    page = _page(html)
    styles = PageStyles(page.tree)
    p, z = page.tree.xpath("//p")
    span = page.tree.xpath("//span")[0]
    assert styles.specified(p, "color").text == "green"  # !important beats the style attribute
    assert styles.specified(z, "color").text == "green"
    assert styles.specified(span, "color") is None
    assert styles.computed(span, "color").text == "white"  # later rule, inherited
    assert styles.computed(span, "background-color") is None  # not inherited


def test_computed_values_and_hidden_are_the_same_whichever_element_is_asked_first():
    # computed() and hidden() keep each answer for every element they pass on the way up
    html = ("<html><head><style>.v { visibility: hidden } .s { visibility: visible }"
            ".n { display: none } .i { color: inherit; background-color: inherit }</style></head>"
            "<body style='color: #333; background-color: #fff'><div class=v><p class=s><span>a</span>"
            "</p><p><b class=i>b</b></p></div><section class=n><p><i>c</i></p></section>"
            "<div hidden><em>d</em></div><p><u>e</u></p></body></html>")
    page = _page(html)
    a, b, c, d, e = (page.tree.xpath(f"//{tag}")[0] for tag in ("span", "b", "i", "em", "u"))
    expected = {a: False, b: True, c: True, d: True, e: False}
    for order in (list(expected), list(reversed(expected))):
        styles = PageStyles(page.tree)
        assert {el: styles.hidden(el) for el in order} == expected
        assert styles.computed(b, "color").text == "#333"  # inherit, then inherited
        assert styles.computed(b, "background-color") is None  # inherit: the <p> sets none
        assert styles.computed(b.getparent(), "background-color") is None  # not inherited
        assert styles.computed(a, "visibility").text == "visible"


def test_cascade_walks_a_hostile_page_nested_far_deeper_than_pythons_recursion_limit():
    from lxml import html as lxml_html

    body = lxml_html.fromstring("<html><head><style>.n { display: none }</style></head>"
                                "<body style='color: #777'></body></html>").find("body")
    node = body
    for level in range(20_000):
        node = lxml_html.Element("div", {"class": "n"} if level == 10 else {})
        body.append(node) if level == 0 else parent.append(node)
        parent = node
    styles = PageStyles(body.getroottree().getroot())
    assert styles.hidden(node) is True
    assert styles.computed(node, "color").text == "#777"


def test_font_sizes_resolve_through_ancestors():
    html = ("<html><body style='font-size:20px'><div style='font-size:150%'><p style='font-size:0.5em'>"
            "a</p><h2>b</h2></div><p style='font-size:12pt'>c</p><p style='font-size:calc(1em + 2px)'>d</p>"
            "</body></html>")
    page = _page(html)
    styles = PageStyles(page.tree)
    a, c, d = page.tree.xpath("//p")
    assert styles.font_px(a) == pytest.approx(15.0)
    assert styles.font_px(page.tree.xpath("//h2")[0]) == pytest.approx(45.0)
    assert styles.font_px(c) == pytest.approx(16.0)
    assert styles.font_px(d) is None


def test_print_media_and_unknown_colours_are_not_judged():
    html = ("<html><head><style media=print>p { color: #eee }</style><style>@media print { .a { color: #eee } }"
            "@media (min-width: 40em) { .b { color: #eee } } .c { color: var(--pale) }</style></head><body>"
            "<p>x</p><p class=a>y</p><p class=b>z</p><p class=c>w</p><p style='color: currentColor'>v</p>"
            "</body></html>")
    assert list(C.CssAccessibility.from_config({}).check_page(_page(html))) == []


def test_semi_transparent_text_is_blended_over_its_background():
    html = "<html><body><p style='color: rgba(0,0,0,0.2); background: #fff'>faint</p></body></html>"
    [f] = C.CssAccessibility.from_config({}).check_page(_page(html))
    assert f.rule == "A11Y520" and f.extra["foreground"] == "#cccccc"


def test_hostile_css_does_not_crash_the_check():
    html = ("<html><head><style>}}{{ p:::bad { color: } @media { ; } a:focus{outline:</style></head>"
            "<body><p style='color:#zzz;;background:url('>x</p><a href=x style='outline'>y</a></body></html>")
    list(C.CssAccessibility.from_config({}).check_page(_page(html)))


def test_gds_clean_template_has_no_css_findings():
    # The GDS benchmark's shared template: lang, title, h1, main and one linked stylesheet.
    gds = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchmarks" / "gds-accessibility-audit"
    page_file = gds / "tests" / "html-inline-style-adds-colour.html"
    if not page_file.exists():
        pytest.skip("shared GDS benchmark folder not present")
    assert list(C.CssAccessibility.from_config({}).check_page(_page(page_file.read_text("utf-8")))) == []


def test_a_state_selector_in_a_list_does_not_drop_the_others():
    html = ("<html><head><style>.pale, a.pale:hover, a.pale:visited { color: #aaaaaa }"
            ":root { --x: #000 } .pale:focus { color: #000 }</style></head>"
            "<body><p class=pale>pale text</p></body></html>")
    [f] = C.CssAccessibility.from_config({}).check_page(_page(html))
    assert f.rule == "A11Y520" and f.extra["foreground"] == "#aaaaaa"


def test_demo_low_contrast_is_found_and_the_css_rules_add_no_unplanted_finding(demo):
    from localoffer_audit.demo.scoring import score

    planted = [f for f in demo["key"]["faults"] if f["kind"] == "low-contrast-inline-style"]
    assert planted
    result = score(demo["key"], demo["findings"])["accessibility"]
    assert not [m for m in result.missed if m["kind"] == "low-contrast-inline-style"]
    ours = set(CODES)
    planted_pages = {f["page"] for f in planted}
    stray = [f for f in demo["findings"] if f["rule"] in ours
             and not (f["rule"] == "A11Y520" and any(f["url"].endswith(p) for p in planted_pages))]
    assert stray == []


def test_link_findings_name_the_absolute_link_target():
    html = ("<html><head><style>a { text-decoration: none }</style></head><body>"
            "<p>Read the <a href=' guide '>short breaks guide</a> before you apply.</p>"
            "<p><a href='next'>Read more <span style='display:none'>about it</span></a></p></body></html>")
    found = {f.rule: f.target for f in
             C.CssAccessibility.from_config({}).check_page(_page(html, "http://localoffer.test/p/"))}
    assert found == {"A11Y545": "http://localoffer.test/p/guide",
                     "A11Y541": "http://localoffer.test/p/next"}


def test_a_background_hidden_in_a_custom_property_is_unknown_not_transparent():
    html = ("<html><head><style>:root { --error: #d4351c } .missing { color: #fff;"
            " background: var(--error); }</style></head><body><p class=missing>Missing</p>"
            "</body></html>")
    assert list(C.CssAccessibility.from_config({}).check_page(_page(html))) == []
