"""The probe check (checks/a11y_probes.py) on stored measurements, and the probes' image helpers.
No browser: the engine fixture folders (tests/a11y_engine_fixture_site.py) render them for real."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from localoffer_audit.browser_probes import gif_animation, pixels_changed
from localoffer_audit.checks import a11y_probes as P
from localoffer_audit.models import Finding, Severity, Site
from localoffer_audit.runner import drop_engine_duplicates

URL = "http://localoffer.test/p"


def _site(results):
    record = {"url": URL, "engine": "axe", "engine_version": "4", "outcome": "ok", "error": None,
              "results": results, "blocked": []}
    return Site(1, (URL,), lambda: iter(()), lambda url: None, lambda: iter(()),
                engine_loader=lambda: [record])


def _findings(probes):
    return list(P.A11yProbeResults().check_site(_site({"violations": [], "probes": probes})))


def test_every_rule_has_doc_fix_wcag_tag_and_who_affected():
    for rule in P.A11yProbeResults.rules:
        assert rule.family == "accessibility" and "browser" in rule.tags and rule.fix and rule.doc
        assert rule.who_affected == P.WHO_AFFECTED[rule.code] and rule.who_affected.endswith(".")
        if rule.code != "A11Y578":
            # measured failures are errors; the two heuristics are warnings
            want = Severity.WARNING if rule.code in ("A11Y579", "A11Y582") else Severity.ERROR
            assert rule.severity is want, rule.code
            assert any(t.startswith("wcag2") for t in rule.tags), rule.code


def test_results_stored_before_the_probes_give_no_probe_findings():
    assert list(P.A11yProbeResults().check_site(_site({"violations": []}))) == []
    assert list(P.A11yProbeResults().check_site(_site(None))) == []


def test_focus_threshold_and_unjudged_stops():
    stops = [{"selector": "a", "tag": "a", "text": "Apply", "changed_pixels": 3},
             {"selector": "b", "tag": "button", "text": "Go", "changed_pixels": 400},
             {"selector": "i", "tag": "iframe", "text": "", "changed_pixels": None}]
    found = _findings({"focus": {"complete": True, "stops": stops, "trap": None}})
    assert [f.selector for f in found] == ["a"] and found[0].rule == "A11Y571"


def test_hover_content_counts_only_after_a_whole_tab_walk():
    hover = [{"selector": "li", "text": "Benefits",
              "revealed": [{"id": 7, "selector": "ul", "text": "Carers", "focusables": 1}]}]
    walked = {"complete": True, "stops": [], "revealed_shown": []}
    assert [f.rule for f in _findings({"hover": hover, "focus": walked})] == ["A11Y573"]
    shown = {**walked, "revealed_shown": [7]}
    assert _findings({"hover": hover, "focus": shown}) == []
    partial = {**walked, "complete": False}
    assert _findings({"hover": hover, "focus": partial}) == []


def test_lines_overlap_only_when_spacing_stopped_growing():
    grew = {"selector": "p", "text": "x", "line_height_before": 24, "font_size_before": 16,
            "line_height_after": 48, "font_size_after": 32, "height_after": 96}
    fixed = {**grew, "line_height_after": 24, "font_size_after": 48, "height_after": 48}
    tight_already = {**fixed, "line_height_before": 10, "font_size_before": 24}
    one_line = {**fixed, "height_after": 24}
    text = {"factor": 2, "clipped": [], "lines": [grew, fixed, tight_already, one_line]}
    assert [f.rule for f in _findings({"text_resize": text})] == ["A11Y576"]


def test_gif_duration_rules():
    def gif(frames, loop, ms):
        return {"url": "http://x/a.gif", "frames": frames, "loop": loop, "duration_ms": ms,
                "elements": [{"selector": "img", "html": "<img>"}]}
    found = _findings({"gifs": [gif(5, 0, 500), gif(5, 2, 2000), gif(5, None, 4000),
                                gif(1, 0, 0), gif(5, 1, 2000)]})
    assert [f.message.split("keeps moving ")[1] for f in found] == ["for ever.", "for 6 seconds."]


def test_probe_errors_are_one_notice():
    found = _findings({"errors": {"focus": "ran out of the page's time budget"}})
    assert [(f.rule, f.severity) for f in found] == [("A11Y578", Severity.NOTICE)]


def test_focus_finding_yields_to_the_static_focus_outline_rule():
    engine = _findings({"focus": {"complete": True, "trap": None, "stops": [
        {"selector": "a", "tag": "a", "text": "Apply", "changed_pixels": 0}]}})
    static = Finding(rule="A11Y540", rule_name="focus-outline-removed", family="accessibility",
                     severity=Severity.ERROR, url=URL, message="m", fix="f", selector="a")
    assert drop_engine_duplicates([static, *engine]) == [static]
    assert drop_engine_duplicates(engine) == engine


def test_pixels_changed_ignores_a_one_pixel_shift_but_sees_an_outline():
    def draw(offset=0, outline=False):
        image = Image.new("RGB", (60, 30), "white")
        pen = ImageDraw.Draw(image)
        pen.rectangle((5 + offset, 5 + offset, 50 + offset, 22 + offset), outline="black", width=2)
        if outline:
            pen.rectangle((2, 2, 54, 26), outline="black", width=1)
        return image
    assert pixels_changed(draw(), draw(offset=1)) == 0
    assert pixels_changed(draw(), draw(outline=True)) > 100


def test_gif_animation_reads_frames_delays_and_loop():
    frames = [Image.new("RGB", (8, 8), (i * 80, 0, 0)) for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=[5, 200, 300],
                   loop=0)
    assert gif_animation(out.getvalue()) == {"frames": 3, "loop": 0, "duration_ms": 600}
    assert gif_animation(b"not an image") is None


def test_focus_order_backwards_on_one_line_only():
    def stop(text, x, y):
        return {"selector": text, "text": text, "tag": "a", "changed_pixels": 300,
                "box": {"x": x, "y": y, "w": 60, "h": 20}}
    backwards = [stop("First", 10, 80), stop("Second", 1100, 80), stop("Third", 90, 81)]
    wrapped = [stop("First", 10, 80), stop("Second", 1100, 80), stop("Third", 10, 120)]
    found = _findings({"focus": {"complete": True, "trap": None, "stops": backwards}})
    assert [(f.rule, f.selector) for f in found] == [("A11Y582", "Third")]
    assert _findings({"focus": {"complete": True, "trap": None, "stops": wrapped}}) == []
    rtl = {"complete": True, "trap": None, "stops": backwards, "rtl": True}
    assert _findings({"focus": rtl}) == []
