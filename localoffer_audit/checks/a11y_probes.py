"""Findings from the scripted browser probes (family `accessibility`, tag "browser").

With `--a11y-engine axe` the engine also used each page the way a person would
(browser_probes.py) and stored what it measured under results["probes"]. This check reads those
measurements offline and applies the thresholds (defaults.A11Y_FOCUS_MIN_CHANGED_PIXELS, ...), so
`check RUN` gives the same findings again. Results stored before the probes existed have no
"probes" key and give no probe findings.

- A11Y570 reflow-horizontal-scroll: at 320 CSS px wide, text needs sideways scrolling (1.4.10).
- A11Y571 focus-not-visible: Tab reaches an element and nothing on screen changes (2.4.7).
- A11Y572 keyboard-trap: Tab keeps cycling while other elements are never reached (2.1.2).
- A11Y573 hover-only-content: hovering shows content that keyboard focus never shows (2.1.1).
- A11Y574 role-button-space-ignored: a role=button that is not a <button> ignores Space (2.1.1).
- A11Y575 text-resize-clipped: text doubled in size is cut off by a fixed-size box (1.4.4).
- A11Y576 text-resize-lines-overlap: text doubled in size, line spacing fixed: lines overlap (1.4.4).
- A11Y577 animation-too-long: an animated GIF that moves for more than 5 seconds (2.2.2).
- A11Y578 browser-probes-incomplete: a probe failed or ran out of time on the page (notice).
- A11Y579 pointer-only-control: shows a pointer cursor, as clickable things do, but the keyboard
  cannot reach it (warning: whether it does anything on click is not known).
- A11Y582 focus-order-backwards: Tab moves the focus back leftwards along the same line of the
  page (warning: whether the order loses meaning needs a person).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .. import defaults
from ..models import Finding, Rule, Severity, Site
from . import NoOptions, rule_factory, with_who_affected

FAMILY = "accessibility"
ENGINE = "axe"
_rule = rule_factory(FAMILY)

REFLOW = _rule(
    "A11Y570", "reflow-horizontal-scroll",
    "On a narrow screen (320 px) text has to be scrolled sideways to be read", Severity.ERROR,
    "Let blocks of text wrap to the width of the screen: no fixed widths in px or em wider "
    "than a phone, no text in sideways-scrolling boxes; use max-width and relative units.",
    "browser", "wcag21aa", "wcag1410")
FOCUS_NOT_VISIBLE = _rule(
    "A11Y571", "focus-not-visible",
    "Tabbing to the element changes nothing on screen: the keyboard focus cannot be seen",
    Severity.ERROR,
    "Give every link, button and field a clear focus style, e.g. a 3px outline in a colour "
    "that contrasts with the background; never remove the outline without a replacement.",
    "browser", "wcag2aa", "wcag247")
KEYBOARD_TRAP = _rule(
    "A11Y572", "keyboard-trap",
    "Tab keeps going round the same elements: keyboard users cannot reach the rest of the page",
    Severity.ERROR,
    "Remove the script that moves the focus back (or that acts on key presses there); a "
    "dialog that keeps the focus inside must close with Escape and give the focus back.",
    "browser", "wcag2a", "wcag212")
HOVER_ONLY = _rule(
    "A11Y573", "hover-only-content",
    "Content appears when the mouse is over an element but never when using the keyboard",
    Severity.ERROR,
    "Show the same content when the element (or a control inside it) has keyboard focus, "
    "e.g. add :focus-within beside :hover, or make the trigger a <button> that opens it.",
    "browser", "wcag2a", "wcag211", "wcag1413")
SPACE_IGNORED = _rule(
    "A11Y574", "role-button-space-ignored",
    "Something that says it is a button does nothing when Space is pressed", Severity.ERROR,
    "Use a real <button>. If it must stay a link with role=button, add a keydown handler "
    "that activates it on Space (and prevents the page from scrolling).",
    "browser", "wcag2a", "wcag211")
TEXT_CLIPPED = _rule(
    "A11Y575", "text-resize-clipped",
    "With text at 200% size, text is cut off by a box that does not grow", Severity.ERROR,
    "Do not give boxes that hold text a fixed height (or max-height) with overflow hidden; "
    "let them grow with their text, or set sizes in em so they grow with the font.",
    "browser", "wcag2aa", "wcag144")
LINES_OVERLAP = _rule(
    "A11Y576", "text-resize-lines-overlap",
    "With text at 200% size, the lines of text overlap because the line spacing is fixed",
    Severity.ERROR,
    "Set line-height without a unit (e.g. 1.5) or in em, never in px, so the spacing grows "
    "with the text.", "browser", "wcag2aa", "wcag144")
ANIMATION = _rule(
    "A11Y577", "animation-too-long",
    "An animated image keeps moving for more than 5 seconds with no way to stop it",
    Severity.ERROR,
    "Use a still image, make the animation stop within 5 seconds, or show it only after a "
    "control that plays it and can pause it.", "browser", "wcag2a", "wcag222")
PROBES_INCOMPLETE = _rule(
    "A11Y578", "browser-probes-incomplete",
    "Some browser probes (keyboard, zoom, hover) could not be completed on the page",
    Severity.NOTICE,
    "Nothing to fix unless the page is very slow or its scripts break; raise "
    "[crawl].a11y_engine_timeout if the page is only slow.", "browser", "internal")

POINTER_ONLY = _rule(
    "A11Y579", "pointer-only-control",
    "Something looks clickable to a mouse (pointer cursor) but the keyboard cannot reach it",
    Severity.WARNING,
    "If it does something when clicked, make it a <button> (or a link if it goes somewhere); "
    "if it does nothing, remove the pointer cursor.", "browser", "wcag2a", "wcag211")
FOCUS_ORDER = _rule(
    "A11Y582", "focus-order-backwards",
    "Pressing Tab jumps back to the left along the same line, against the reading order",
    Severity.WARNING,
    "Put the elements in the source in the order they are read and lay them out with flexbox "
    "or grid (not float: right or positive tabindex), so Tab follows what the eye sees.",
    "browser", "wcag2a", "wcag243")

WHO_AFFECTED = {
    "A11Y570": "Partially sighted parents who zoom in, and anyone on a phone, must scroll "
               "sideways for every line.",
    "A11Y571": "Parents who use a keyboard or switch instead of a mouse cannot see where they are "
               "on the page.",
    "A11Y572": "Keyboard and switch users get stuck and cannot reach the rest of the page.",
    "A11Y573": "Keyboard, switch and touch-screen users never see this content or reach its "
               "links.",
    "A11Y574": "Keyboard users who press Space, as for any button, find the control does nothing.",
    "A11Y575": "Partially sighted parents who make text bigger lose the words that no longer fit.",
    "A11Y576": "Partially sighted parents who make text bigger get lines printed over each other.",
    "A11Y577": "People with attention difficulties, autism or epilepsy are distracted or unsettled "
               "by movement they cannot stop.",
    "A11Y578": "Nobody directly: this page's keyboard and zoom barriers are not known.",
    "A11Y579": "Keyboard and switch users cannot use what mouse users can click.",
    "A11Y582": "Keyboard users who can see the page lose their place when the focus jumps back.",
}


class A11yProbeResults(NoOptions):
    """Turns the stored measurements of the engine's scripted browser probes into findings."""

    name = "a11y-probes"
    rules = with_who_affected((REFLOW, FOCUS_NOT_VISIBLE, KEYBOARD_TRAP, HOVER_ONLY, SPACE_IGNORED,
                               TEXT_CLIPPED, LINES_OVERLAP, ANIMATION, PROBES_INCOMPLETE,
                               POINTER_ONLY, FOCUS_ORDER), WHO_AFFECTED)

    def check_site(self, site: Site) -> Iterable[Finding]:
        for record in site.engine_results():
            if record["engine"] != ENGINE or record["outcome"] != "ok":
                continue
            probes = (record["results"] or {}).get("probes")
            if not isinstance(probes, Mapping):
                continue
            url = record["url"]
            yield from self._incomplete(url, probes)
            yield from self._reflow(url, probes.get("reflow"))
            yield from self._focus(url, probes.get("focus"))
            yield from self._hover(url, probes.get("hover"), probes.get("focus"))
            yield from self._space(url, probes.get("space"))
            yield from self._pointer(url, probes.get("pointer"))
            yield from self._text(url, probes.get("text_resize"))
            yield from self._gifs(url, probes.get("gifs"))

    @staticmethod
    def _finding(rule: Rule, url: str, message: str, where: Mapping[str, Any] | None,
                 probe: str, **extra: Any) -> Finding:
        where = where or {}
        return Finding(rule=rule.code, rule_name=rule.name, family=FAMILY, severity=rule.severity,
                       url=url, message=message, fix=rule.fix,
                       selector=str(where.get("selector") or rule.name),
                       snippet=str(where.get("html") or "")[:defaults.REPORT_SNIPPET_CHARS] or None,
                       extra={"engine": ENGINE, "probe": probe, **extra})

    def _incomplete(self, url: str, probes: Mapping[str, Any]) -> Iterable[Finding]:
        errors = probes.get("errors") or {}
        if errors:
            listed = "; ".join(f"{name}: {why}" for name, why in sorted(errors.items()))
            yield self._finding(PROBES_INCOMPLETE, url,
                                f"Some browser probes did not complete on this page ({listed}).",
                                None, "all", errors=dict(errors))

    def _reflow(self, url: str, reflow: Mapping[str, Any] | None) -> Iterable[Finding]:
        if not reflow:
            return
        width = reflow.get("viewport_width", defaults.A11Y_PROBE_REFLOW_WIDTH)
        boxes = reflow.get("scrolling_containers") or []
        for box in boxes[:3]:
            yield self._finding(
                REFLOW, url,
                f"At {width} px wide, text in this box is {box['scroll_width']} px wide and must "
                f"be scrolled sideways to be read (\"{_short(box.get('text'))}\").",
                box, "reflow", viewport_width=width, scroll_width=box["scroll_width"],
                client_width=box.get("client_width"))
        inside = tuple(b["selector"] for b in boxes)
        page_width = reflow.get("page_width", width)
        wide = [w for w in reflow.get("wide_text") or []
                if not any(w["selector"].startswith(s) for s in inside)]
        if page_width > width + defaults.A11Y_PROBE_TOLERANCE_PX and wide:
            widest = max(wide, key=lambda w: w["right"])
            yield self._finding(
                REFLOW, url,
                f"At {width} px wide the page is {page_width} px wide, so it scrolls sideways; "
                f"the widest text is \"{_short(widest.get('text'))}\" ({widest['width']} px).",
                widest, "reflow", viewport_width=width, page_width=page_width)

    def _focus(self, url: str, focus: Mapping[str, Any] | None) -> Iterable[Finding]:
        if not focus:
            return
        for stop in focus.get("stops") or []:
            changed = stop.get("changed_pixels")
            if changed is not None and changed < defaults.A11Y_FOCUS_MIN_CHANGED_PIXELS:
                yield self._finding(
                    FOCUS_NOT_VISIBLE, url,
                    f"Pressing Tab moves the focus to this {stop.get('tag', 'element')} "
                    f"(\"{_short(stop.get('text'))}\") but nothing around it changes on screen "
                    f"({changed} pixels differ).", stop, "focus", changed_pixels=changed,
                    static_code="A11Y540")
        yield from self._order(url, focus)
        trap = focus.get("trap")
        if trap:
            yield self._finding(
                KEYBOARD_TRAP, url,
                f"Tab keeps returning to {', '.join(trap['cycle'][:3])}; "
                f"{trap['unreached']} other element(s) that take the focus are never reached "
                f"(e.g. {', '.join(trap['unreached_examples'])}).",
                {"selector": trap["cycle"][0], "html": trap.get("cycle_html")}, "focus",
                unreached=trap["unreached"])

    def _order(self, url: str, focus: Mapping[str, Any]) -> Iterable[Finding]:
        """The first place Tab moves wholly to the left of the element before it, on the same
        line (their boxes share most of their height), in a left-to-right page."""
        if focus.get("rtl"):
            return
        stops = [s for s in focus.get("stops") or [] if s.get("box")]
        for before, after in zip(stops, stops[1:]):
            a, b = before["box"], after["box"]
            overlap = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if min(a["h"], b["h"]) > 0 and overlap >= 0.5 * min(a["h"], b["h"]) \
                    and b["x"] + b["w"] <= a["x"]:
                yield self._finding(
                    FOCUS_ORDER, url,
                    f"Tab goes from \"{_short(before.get('text'))}\" back left to "
                    f"\"{_short(after.get('text'))}\" on the same line.", after, "focus",
                    previous=before.get("selector"))
                return

    def _pointer(self, url: str, pointer: list | None) -> Iterable[Finding]:
        for item in (pointer or [])[:5]:
            when = " when the mouse is over it" if item.get("on_hover_only") else ""
            yield self._finding(
                POINTER_ONLY, url,
                f"\"{_short(item.get('text'))}\" shows a pointer cursor{when}, as links and "
                "buttons do, but it cannot be reached with the keyboard.", item, "pointer")

    def _hover(self, url: str, hover: list | None, focus: Mapping[str, Any] | None
               ) -> Iterable[Finding]:
        if not hover or not focus or not focus.get("complete"):
            return  # without a whole Tab walk, what the keyboard can show is not known
        keyboard_shown = set(focus.get("revealed_shown") or [])
        for subject in hover:
            revealed = subject.get("revealed") or []
            if not revealed or any(r.get("id") in keyboard_shown for r in revealed):
                continue
            first = revealed[0]
            links = sum(int(r.get("focusables") or 0) for r in revealed)
            yield self._finding(
                HOVER_ONLY, url,
                f"Moving the mouse over \"{_short(subject.get('text'))}\" shows "
                f"\"{_short(first.get('text'))}\""
                + (f" ({links} link(s) or control(s))" if links else "")
                + ", which tabbing through the page never shows.",
                subject, "hover", revealed=[r.get("selector") for r in revealed])

    def _space(self, url: str, space: list | None) -> Iterable[Finding]:
        for target in space or []:
            if target.get("focused") and not target.get("clicks") and not target.get("prevented") \
                    and not target.get("mutations"):
                yield self._finding(
                    SPACE_IGNORED, url,
                    f"\"{_short(target.get('text'))}\" has role=button, but pressing Space on it "
                    "does nothing (no click, no change to the page).", target, "space")

    def _text(self, url: str, text: Mapping[str, Any] | None) -> Iterable[Finding]:
        if not text:
            return
        factor = text.get("factor", defaults.A11Y_PROBE_TEXT_FACTOR)
        percent = f"{factor * 100:.0f}%"
        for box in text.get("clipped") or []:
            yield self._finding(
                TEXT_CLIPPED, url,
                f"With text at {percent}, \"{_short(box.get('text'))}\" no longer fits its box: "
                f"{box['scroll_height']} px of text in {box['client_height']} px "
                f"({box['scroll_width']} px in {box['client_width']} px wide), the rest cut off.",
                box, "text_resize", factor=factor)
        ratio = defaults.A11Y_LINES_OVERLAP_RATIO
        overlapping = [o for o in text.get("lines") or []
                       if o["line_height_after"] < ratio * o["font_size_after"]
                       and o["line_height_before"] >= ratio * o["font_size_before"]
                       and o["height_after"] >= 1.5 * o["line_height_after"]]
        for item in overlapping:
            if any(item["selector"].startswith(o["selector"] + " ") for o in overlapping):
                continue  # inside another overlapping block: reported there
            yield self._finding(
                LINES_OVERLAP, url,
                f"With text at {percent}, \"{_short(item.get('text'))}\" is "
                f"{item['font_size_after']:g} px but its lines stay {item['line_height_after']:g} "
                "px apart, so they overlap.", item, "text_resize", factor=factor)

    def _gifs(self, url: str, gifs: list | None) -> Iterable[Finding]:
        limit = defaults.A11Y_ANIMATION_MAX_SECONDS
        for gif in gifs or []:
            frames, loop, one_play = gif.get("frames", 1), gif.get("loop"), gif.get("duration_ms", 0)
            if frames < 2 or not one_play:
                continue
            forever = loop == 0
            seconds = one_play / 1000 * (1 if loop is None else loop + 1)
            if not forever and seconds <= limit:
                continue
            how_long = "for ever" if forever else f"for {seconds:g} seconds"
            for element in gif.get("elements") or []:
                yield self._finding(
                    ANIMATION, url,
                    f"The animated image {gif['url'].rsplit('/', 1)[-1][:80]} ({frames} frames, "
                    f"{one_play / 1000:g} s a play) keeps moving {how_long}.", element, "gifs",
                    image=gif["url"], frames=frames, loop=loop)


def _short(text: Any, limit: int = 60) -> str:
    words = " ".join(str(text or "").split())
    return words if len(words) <= limit else words[:limit - 1] + "…"


CHECKS = [A11yProbeResults]
