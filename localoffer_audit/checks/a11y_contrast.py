"""Accessibility barriers computable from the CSS a page carries (family `accessibility`).

The site's own linked stylesheets (stored by the crawl, read offline), `<style>` elements and
inline `style` attributes, cascaded by css_cascade.py. When every stylesheet the page uses was
stored, the page's CSS is known and colours set there (or inherited) are judged. Conservative by
design: when one was not stored (off-site, refused, too large, deeper @import), a value it could
still change is unknown, and unknown never becomes a finding.

- A11Y520 contrast-insufficient: WCAG 1.4.3 text contrast (4.5:1, or 3:1 for large text).
- A11Y540 focus-outline-removed: `outline: none` on :focus (or inline on a control) with no
  other focus style.
- A11Y541 link-text-hidden-by-css: part of a link's words hidden with display:none or
  visibility:hidden, so the link is named only by what is left ("Read more").
- A11Y542 text-justified: text-align: justify on running text (WCAG 1.4.8, AAA).
- A11Y543 font-size-tiny: text set below a readable size.
- A11Y544 reading-order-floats-reversed: sibling blocks floated right, shown in reverse order.
- A11Y545 link-only-colour: a link in running text with its underline removed and nothing but
  a colour less than 3:1 from the text around it to show it is a link.
- A11Y546 css-content-text: words put on the page by ::before / ::after `content`.
- A11Y547 heading-fake: a short line made big and bold (or all bold) in place of a heading.
- A11Y548 line-height-tight: running text with lines set closer than the tight limit.
- A11Y549 text-style-hard-to-read: long running text set in capitals or italics.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator
from urllib.parse import urljoin

from ..defaults import (A11Y_CSS_FAKE_HEADING_MAX_WORDS, A11Y_CSS_FAKE_HEADING_SCALE,
                        A11Y_CSS_LONG_TEXT_WORDS, A11Y_CSS_MAX_FINDINGS_PER_RULE,
                        A11Y_CSS_MIN_LINE_HEIGHT, A11Y_CSS_TINY_FONT_PX, REPORT_SNIPPET_CHARS)
from ..models import Finding, Page, Severity
from . import NoOptions, rule_factory, with_who_affected
from .css_cascade import PageStyles, has_image, parse_colour, release_compiled_sheets

_rule = rule_factory("accessibility")

CONTRAST = _rule(
    "A11Y520", "contrast-insufficient", "Text colour is too close to its background colour",
    Severity.ERROR,
    "Darken the text or the background until the contrast is at least 4.5:1 (3:1 for large "
    "text); a contrast checker gives the ratio.", "wcag2aa", "wcag143")
FOCUS_OUTLINE_REMOVED = _rule(
    "A11Y540", "focus-outline-removed", "The page's CSS hides where the keyboard focus is",
    Severity.ERROR,
    "Remove `outline: none` from the :focus style, or replace it with a clearly visible focus "
    "style (a thick outline, border or background change).", "wcag2aa", "wcag247")
LINK_TEXT_HIDDEN = _rule(
    "A11Y541", "link-text-hidden-by-css",
    "Part of a link's text is hidden from everyone, screen readers too", Severity.ERROR,
    "Hide the extra words visually only (a \"visually-hidden\" class that moves them off "
    "screen), not with display:none or visibility:hidden, or show them.", "wcag2a", "wcag244")
TEXT_JUSTIFIED = _rule(
    "A11Y542", "text-justified", "Text is justified, leaving uneven gaps between words",
    Severity.NOTICE, "Align running text to the left (text-align: left or start).",
    "wcag2aaa", "wcag148")
FONT_TINY = _rule(
    "A11Y543", "font-size-tiny", "Text is set very small", Severity.WARNING,
    "Set body text to at least 16px (1rem) and never below 12px; use relative units (rem, em) "
    "so text grows with the reader's settings.", "best-practice", "wcag144")
FLOATS_REVERSED = _rule(
    "A11Y544", "reading-order-floats-reversed",
    "Blocks floated right are shown in the reverse of their reading order", Severity.WARNING,
    "Put the blocks in the source in the order they should be read and lay them out with "
    "flexbox or grid, or float them left.", "wcag2a", "wcag132")
LINK_ONLY_COLOUR = _rule(
    "A11Y545", "link-only-colour",
    "A link in a sentence can only be told apart from the text by its colour", Severity.ERROR,
    "Keep links in running text underlined (or give them another visible cue, such as bold), "
    "not just a different colour.", "wcag2a", "wcag141")

CSS_CONTENT_TEXT = _rule(
    "A11Y546", "css-content-text", "Words are put on the page by the CSS, not the HTML",
    Severity.ERROR,
    "Put the words in the HTML; keep CSS `content` for decoration such as icons and arrows.",
    "wcag2a", "wcag131")
HEADING_FAKE = _rule(
    "A11Y547", "heading-fake", "Text is made to look like a heading but is not marked as one",
    Severity.WARNING,
    "Mark the line up as a heading (<h2>, <h3>...) at the right level and style the heading "
    "with CSS.", "wcag2a", "wcag131")
LINE_HEIGHT_TIGHT = _rule(
    "A11Y548", "line-height-tight", "Lines of text are set very close together",
    Severity.NOTICE,
    "Set line-height to at least 1.5 for running text (WCAG 1.4.8, AAA) and never below the "
    "browser's normal spacing.", "wcag2aaa", "wcag148")
TEXT_STYLE_HARD = _rule(
    "A11Y549", "text-style-hard-to-read", "Long text is set in capitals or italics",
    Severity.NOTICE,
    "Keep capitals and italics for a few words; set paragraphs in ordinary upright "
    "lower-case text.", "best-practice", "wcag148")

WHO_AFFECTED = {
    "A11Y546": "Screen-reader users may not hear the words, and they vanish for people who use "
               "their own colours and styles or copy the text.",
    "A11Y547": "Screen-reader users moving by headings miss the heading and the section it "
               "starts.",
    "A11Y548": "People with dyslexia, low vision or attention difficulties lose their place "
               "between lines set close together.",
    "A11Y549": "People with dyslexia and partially sighted readers find long capitals and "
               "italics hard to read.",
    "A11Y520": "Partially sighted parents, and anyone reading a phone outdoors, cannot make out "
               "pale text.",
    "A11Y540": "Parents who use a keyboard or switch instead of a mouse cannot see where they are "
               "on the page.",
    "A11Y541": "Screen-reader users hear only \"read more\", because the words meant for them are "
               "hidden from them too.",
    "A11Y542": "People with dyslexia lose their place in the uneven gaps of justified text.",
    "A11Y543": "Partially sighted parents and older readers cannot read very small text.",
    "A11Y544": "Screen-reader and keyboard users meet the blocks in the opposite order to how "
               "they look.",
    "A11Y545": "Colour-blind and partially sighted parents cannot see which words are links.",
}

AA_NORMAL, AA_LARGE = 4.5, 3.0
LARGE_PX, LARGE_BOLD_PX = 24.0, 18.66  # 18pt, and 14pt bold (WCAG 2.2 "large scale" text)
WHITE = (1.0, 1.0, 1.0)
_NO_TEXT = frozenset({"script", "style", "noscript", "template", "head", "title", "select",
                      "option", "optgroup", "textarea", "svg", "math", "iframe", "object"})
_CONTROLS = frozenset({"button", "input", "select", "textarea"})
_UA_BACKGROUNDS = _CONTROLS | {"mark"}
_BOX_CUES = ("border", "border-bottom", "background-color", "background-image", "box-shadow")
_TEXT_CUES = ("font-style", "text-transform")
_NOT_SHOWN = ("none", "transparent", "0", "0px", "inherit", "initial", "unset")
_FOCUS = re.compile(r":focus(?![-\w])", re.I)
_FOCUS_PSEUDO = re.compile(r":focus(-visible)?(?![-\w])", re.I)
_GENERIC_FOCUS = frozenset({"", "*", "a", "button", "input", "select", "textarea", "html *",
                            "body *"})
_FOCUS_REPLACEMENTS = ("box-shadow", "border", "border-color", "border-bottom", "border-width",
                       "background", "background-color", "text-decoration-line", "color",
                       "outline-color", "outline-width", "outline-style")
_AMBIGUOUS = {"click here", "here", "read more", "more", "more info", "find out more", "link",
              "click", "more information", "details", "continue", "this page"}


def _own_text(el) -> str:
    """Text directly in el (not in its child elements): what el's own colours apply to."""
    parts = [el.text or ""] + [child.tail or "" for child in el]
    return " ".join(" ".join(parts).split())


def _text_elements(tree) -> list:
    """Elements with text of their own, outside script, style, form options and the like."""
    inside = {d for el in tree.iter(*_NO_TEXT) for d in el.iterdescendants()}
    return [el for el in tree.iter() if isinstance(el.tag, str) and el.tag not in _NO_TEXT
            and el not in inside and _own_text(el)]


def _rgb(colour) -> tuple[float, float, float]:
    return (colour.red, colour.green, colour.blue)


def _over(top, alpha: float, bottom) -> tuple[float, float, float]:
    return tuple(alpha * t + (1 - alpha) * b for t, b in zip(top, bottom))


def _luminance(rgb) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg, bg) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (channels 0..1)."""
    light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def _selector(el) -> str:
    parts = []
    for node in [el, *el.iterancestors()][:3]:
        part = node.tag
        if node.get("id"):
            part += f"#{node.get('id')}"
        elif node.get("class"):
            part += "." + ".".join(node.get("class").split()[:2])
        parts.append(part)
    return " > ".join(reversed(parts))


class _Colours:
    """The text and background colour of an element, when the page's CSS settles them."""

    def __init__(self, styles: PageStyles) -> None:
        self.styles = styles
        self.assumed: list[str] = []

    def foreground(self, el):
        if self.styles.linked:  # a linked stylesheet may set the colour on el itself
            declared = self.styles.specified(el, "color")
        else:
            declared = None
            for node in [el, *el.iterancestors()]:
                declared = self.styles.specified(node, "color")
                if declared is not None and declared.keyword not in ("inherit", "unset"):
                    break
                declared = None
                if node.tag == "a" and node.get("href") is not None:
                    return None  # the browser's link blue or visited purple: not the page's
            if declared is None:
                self.assumed.append("text colour assumed black: the page's CSS sets none")
                return (0.0, 0.0, 0.0), 1.0
        colour = parse_colour(declared)
        if colour is None or colour == "currentColor":
            return None
        return _rgb(colour), colour.alpha

    def background(self, el):
        """Composite the backgrounds from el up to the first opaque one."""
        layers = []
        for node in [el, *el.iterancestors()]:
            if has_image(self.styles.specified(node, "background-image")):
                return None  # text over an image: the engine (axe) must render it
            declared = self.styles.specified(node, "background-color")
            if declared is None and node.tag in _UA_BACKGROUNDS:
                return None  # buttons, fields and <mark> have the browser's own background
            colour = parse_colour(declared)
            if declared is not None and (colour is None or colour == "currentColor"):
                return None
            if colour is not None and colour.alpha > 0:
                layers.append(colour)
                if colour.alpha >= 1:
                    break
            if self.styles.linked:  # only el's own declaration is settled; go no higher
                if not layers or layers[-1].alpha < 1:
                    return None
                break
        else:
            self.assumed.append("background assumed white: the page's CSS sets none")
            layers.append(None)
        rgb = WHITE
        for layer in reversed(layers):
            if layer is not None:
                rgb = _over(_rgb(layer), layer.alpha, rgb)
        return rgb


class CssAccessibility(NoOptions):
    """WCAG failures that can be computed from the page's CSS: the site's stored stylesheets,
    embedded and inline CSS."""

    name = "a11y-css"
    # Results depend only on the stored crawl (no "today"): reused when a re-audit's crawl is
    # the same as the run it builds on (runner: crawl digest).
    crawl_only = True
    rules = with_who_affected((CONTRAST, FOCUS_OUTLINE_REMOVED, LINK_TEXT_HIDDEN, TEXT_JUSTIFIED,
                               FONT_TINY, FLOATS_REVERSED, LINK_ONLY_COLOUR, CSS_CONTENT_TEXT,
                               HEADING_FAKE, LINE_HEIGHT_TIGHT, TEXT_STYLE_HARD), WHO_AFFECTED)

    def pages_done(self) -> None:
        release_compiled_sheets()

    def check_page(self, page: Page) -> Iterable[Finding]:
        if page.kind != "html" or page.status != 200 or page.tree is None:
            return
        styles = PageStyles(page.tree, page.stylesheets)
        if not styles.has_css:
            return
        texts = _text_elements(styles.root)  # found once: three rules walk them
        yield from _capped(_fake_headings(page, styles))
        yield from _capped(_generated_content(page, styles))
        yield from _reading_styles(page, styles, texts)
        yield from _capped(self._contrast(page, styles, texts))
        yield from _capped(self._focus(page, styles))
        yield from _capped(self._hidden_link_text(page, styles))
        yield from _capped(self._text(page, styles, texts))
        yield from _capped(self._floats(page, styles))
        yield from _capped(self._link_colour(page, styles))

    def _contrast(self, page: Page, styles: PageStyles, texts: list) -> Iterator[Finding]:
        for el in texts:
            if el.tag in _CONTROLS or el.get("disabled") is not None or styles.hidden(el):
                continue  # controls have the browser's own colours; disabled text is exempt
            colours = _Colours(styles)
            if styles.specified(el, "color") is None and styles.specified(
                    el, "background-color") is None and not _inherits_page_colour(styles, el):
                continue  # nothing on the page touches this text's colours
            fg = colours.foreground(el)
            bg = colours.background(el) if fg is not None else None
            if fg is None or bg is None:
                continue
            fg_rgb = _over(fg[0], fg[1], bg)
            ratio = contrast_ratio(fg_rgb, bg)
            size, bold = styles.font_px(el), styles.bold(el)
            large = size is None or size >= LARGE_PX or (bold and size >= LARGE_BOLD_PX)
            need = AA_LARGE if large else AA_NORMAL
            if ratio + 1e-9 >= need:
                continue
            text = _own_text(el)
            kind = "large" if large else "normal-size"
            note = f" ({'; '.join(colours.assumed)})" if colours.assumed else ""
            yield page.finding(
                CONTRAST, f"Text {text[:60]!r} is {_hex(fg_rgb)} on {_hex(bg)}: contrast "
                f"{ratio:.2f}:1, below the {need:g}:1 WCAG 2.2 AA needs for {kind} text{note}.",
                selector=_selector(el), snippet=text[:REPORT_SNIPPET_CHARS],
                extra={"contrast": round(ratio, 2), "required": need, "foreground": _hex(fg_rgb),
                       "background": _hex(bg), "font_px": size, "bold": bold})

    def _focus(self, page: Page, styles: PageStyles) -> Iterator[Finding]:
        removing, replacing = [], set()
        for rule in styles.rules:
            removes = any(_removes_outline(n, v) for n, v, _i in rule.declarations)
            shows = any(n in _FOCUS_REPLACEMENTS and v.keyword not in _NOT_SHOWN
                        and not _removes_outline(n, v) for n, v, _i in rule.declarations)
            for part in (p.strip() for p in rule.selector.split(",")):
                if not _FOCUS.search(part) and ":focus-visible" not in part.lower():
                    continue
                base = _FOCUS_PSEUDO.sub("", part).strip()
                if shows:
                    replacing.add(base)
                if removes and _FOCUS.search(part):
                    removing.append((part, base))
        for part, base in removing:
            if base in replacing or replacing & _GENERIC_FOCUS:
                continue  # a focus style for the same elements (or all of them) replaces it
            if not any(_focusable(el) for el in styles.select(base or "*")):
                continue  # a site-wide rule for elements this page does not have
            yield page.finding(
                FOCUS_OUTLINE_REMOVED, f"The CSS rule {part[:80]!r} removes the focus outline "
                "and no :focus rule on the page gives those elements another focus style.",
                selector=part[:200])
        replaced = bool(replacing & _GENERIC_FOCUS)
        if replaced:
            return
        for el in styles.root.iter("a", "button", "input", "select", "textarea"):
            if el.tag == "a" and el.get("href") is None:
                continue
            inline = styles.specified(el, "outline")
            if (inline is not None and inline.source == "inline"
                    and _removes_outline("outline", inline)):
                yield page.finding(
                    FOCUS_OUTLINE_REMOVED, f"A <{el.tag}> has style {el.get('style', '')[:60]!r}, "
                    "which hides the focus outline when it is reached by keyboard.",
                    selector=_selector(el))

    def _hidden_link_text(self, page: Page, styles: PageStyles) -> Iterator[Finding]:
        for a in styles.root.iter("a"):
            if a.get("href") is None or styles.hidden(a) or a.get("aria-label") or a.get(
                    "aria-labelledby"):
                continue
            hidden = [el for el in a.iter() if el is not a and _hidden_here(styles, el)
                      and " ".join(el.text_content().split())]
            if not hidden:
                continue
            shown = _shown_text(styles, a)
            words = " ".join(" ".join(h.text_content().split()) for h in hidden)
            normal = " ".join(re.sub(r"[^\w\s]+", " ", shown.lower()).split())
            if normal and normal not in _AMBIGUOUS:
                continue  # what is left still says where the link goes
            yield page.finding(
                LINK_TEXT_HIDDEN, f"The link {shown[:40]!r} hides the words {words[:60]!r} with "
                "display:none or visibility:hidden, so screen readers never read them either.",
                selector=_selector(a), target=urljoin(page.url, a.get("href").strip()))

    def _text(self, page: Page, styles: PageStyles, texts: list) -> Iterator[Finding]:
        justified = tiny = 0
        for el in texts:
            if styles.hidden(el):
                continue
            align = styles.computed(el, "text-align")
            if align is not None and align.keyword == "justify" and justified == 0 \
                    and len(_own_text(el).split()) >= 20:
                justified += 1  # one per page: it is a page-wide style choice
                yield page.finding(TEXT_JUSTIFIED, f"Text {_own_text(el)[:60]!r} is justified "
                                   "(text-align: justify).", selector=_selector(el))
            size = styles.font_px(el)
            declared_here = any(styles.specified(n, "font-size") is not None
                                for n in [el, *el.iterancestors()])
            if size is not None and declared_here and size < A11Y_CSS_TINY_FONT_PX:
                tiny += 1
                yield page.finding(FONT_TINY, f"Text {_own_text(el)[:60]!r} is set at "
                                   f"{size:.1f}px, below {A11Y_CSS_TINY_FONT_PX:g}px.",
                                   selector=_selector(el), extra={"font_px": round(size, 2)})

    def _floats(self, page: Page, styles: PageStyles) -> Iterator[Finding]:
        for parent in styles.root.iter():
            if not isinstance(parent.tag, str):
                continue
            run = []
            for child in parent:
                floated = isinstance(child.tag, str) and _floats_right(styles, child) \
                    and " ".join(child.text_content().split())
                if floated:
                    run.append(child)
                    continue
                yield from self._reversed_run(page, run)
                run = []
            yield from self._reversed_run(page, run)

    def _link_colour(self, page: Page, styles: PageStyles) -> Iterator[Finding]:
        for a in styles.root.iter("a"):
            parent = a.getparent()
            if a.get("href") is None or parent is None or styles.hidden(a):
                continue
            decoration = styles.specified(a, "text-decoration-line")
            if decoration is None or "none" not in decoration.keyword.split():
                continue  # the browser's underline (or the page's own decoration) shows it
            if _has_other_cue(styles, a, parent):
                continue  # bold, a border or a background may set it apart: not judged
            if len(_own_text(parent).split()) < 3 or not " ".join(a.text_content().split()):
                continue  # not a link inside running text
            if any(n.get("href") is not None and n.tag == "a" for n in parent.iterancestors()):
                continue
            link = _Colours(styles).foreground(a) if styles.specified(a, "color") else (
                None if styles.linked else ((0.0, 0.0, 0xEE / 255), 1.0))  # the browser's blue
            text = _Colours(styles).foreground(parent)
            background = _Colours(styles).background(parent)
            if link is None or text is None or background is None:
                continue
            link_rgb, text_rgb = _over(*link, background), _over(*text, background)
            ratio = contrast_ratio(link_rgb, text_rgb)
            if ratio + 1e-9 >= AA_LARGE:
                continue
            words = " ".join(a.text_content().split())
            yield page.finding(
                LINK_ONLY_COLOUR, f"The link {words[:50]!r} has no underline and its colour "
                f"{_hex(link_rgb)} is only {ratio:.2f}:1 from the text around it "
                f"({_hex(text_rgb)}); "
                "3:1 and another cue such as an underline are needed.",
                selector=_selector(a), target=urljoin(page.url, a.get("href").strip()),
                extra={"contrast": round(ratio, 2), "link": _hex(link_rgb), "text": _hex(text_rgb)})

    @staticmethod
    def _reversed_run(page: Page, run: list) -> Iterator[Finding]:
        if len(run) >= 2:
            order = ", ".join(repr(" ".join(el.text_content().split())[:20]) for el in run)
            yield page.finding(FLOATS_REVERSED, f"{len(run)} blocks floated right ({order}) "
                               "appear on screen right to left, the reverse of the order a "
                               "screen reader reads them.", selector=_selector(run[0]))


def _has_other_cue(styles: PageStyles, a, parent) -> bool:
    """Does the page's CSS give the link something besides colour: a box style, or a weight,
    style or case that differs from the text around it?"""
    for cue in _BOX_CUES:
        value = styles.specified(a, cue)
        if value is not None and value.keyword not in _NOT_SHOWN:
            return True
    if styles.specified(a, "font-weight") is not None and styles.bold(a) != styles.bold(parent):
        return True
    for cue in _TEXT_CUES:
        value = styles.specified(a, cue)
        around = styles.computed(parent, cue)
        if value is not None and value.keyword != (around.keyword if around else "normal"
                                                   if cue == "font-style" else "none"):
            return True
    return False


def _focusable(el) -> bool:
    if el.tag == "a":
        return el.get("href") is not None
    if el.tag in _CONTROLS:
        return (el.get("type") or "").lower() != "hidden" and el.get("disabled") is None
    index = (el.get("tabindex") or "").strip()
    return index.lstrip("-").isdigit() and not index.startswith("-")


def _capped(findings: Iterator[Finding]) -> Iterator[Finding]:
    for count, finding in enumerate(findings):
        if count >= A11Y_CSS_MAX_FINDINGS_PER_RULE:
            return
        yield finding


def _inherits_page_colour(styles: PageStyles, el) -> bool:
    return any(styles.specified(n, "color") is not None
               or styles.specified(n, "background-color") is not None
               for n in el.iterancestors())


def _removes_outline(name: str, value) -> bool:
    word = value.keyword
    if name == "outline":
        return word in ("none", "0", "0px") or word.startswith("none ") or " none" in f" {word}"
    if name == "outline-style":
        return word == "none"
    if name == "outline-width":
        return word in ("0", "0px")
    return False


def _hidden_here(styles: PageStyles, el) -> bool:
    display = styles.specified(el, "display")
    visibility = styles.specified(el, "visibility")
    return ((display is not None and display.keyword == "none")
            or (visibility is not None and visibility.keyword in ("hidden", "collapse")))


def _shown_text(styles: PageStyles, a) -> str:
    parts: list[str] = []

    def walk(node):
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and not _hidden_here(styles, child):
                if child.tag == "img":
                    parts.append(child.get("alt") or "")
                else:
                    walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(a)
    return " ".join(" ".join(parts).split())


def _floats_right(styles: PageStyles, el) -> bool:
    value = styles.specified(el, "float")
    return value is not None and value.keyword == "right"


_PSEUDO_ELEMENT = re.compile(r"::?(before|after)\b", re.I)
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SENTENCE = re.compile(r"[.!?:;,]\s*$|[.!?]\s")
_ITALIC_TAGS = frozenset({"i", "em", "cite", "var", "dfn"})


def _generated_content(page: Page, styles: PageStyles) -> Iterator[Finding]:
    """::before / ::after rules whose content is words (two letters or more): icons, arrows
    and quotation marks are decoration, words are content."""
    for rule in styles.rules:
        strings = [t.value for n, v, _i in rule.declarations if n == "content"
                   for t in v.tokens if t.type == "string"]
        words = " ".join(strings)
        if not _LETTERS.search(words):
            continue
        for part in (p.strip() for p in rule.selector.split(",")):
            if not _PSEUDO_ELEMENT.search(part) or re.search(
                    r":(hover|focus|active|visited|focus-within|focus-visible)\b", part, re.I):
                continue
            base = _PSEUDO_ELEMENT.sub("", part).strip() or "*"
            shown = [el for el in styles.select(base) if not styles.hidden(el) and not (
                el.get("aria-label") or el.get("aria-labelledby") or el.get("aria-hidden"))]
            if shown:
                yield page.finding(
                    CSS_CONTENT_TEXT, f"The CSS rule {part[:60]!r} adds the words {words[:60]!r} "
                    f"to {len(shown)} element(s) (first: {_selector(shown[0])}); they are not in "
                    "the HTML.", selector=part[:200], snippet=words[:REPORT_SNIPPET_CHARS])


def _fake_headings(page: Page, styles: PageStyles) -> Iterator[Finding]:
    """A short line on its own, bold (by CSS, or wholly in <b> or <strong>) and bigger than the
    running text after it: it looks like a heading and is not one."""
    for el in styles.root.iter("p", "div", "span"):
        if el.get("role") or any(a.tag in _HEADING_TAGS or a.get("role") == "heading"
                                 or a.tag in ("li", "td", "th", "label", "button", "a", "legend",
                                              "caption", "summary", "dt", "nav", "header",
                                              "footer", "form")
                                 for a in el.iterancestors()):
            continue
        text = " ".join(el.text_content().split())
        words = text.split()
        if not words or len(words) > A11Y_CSS_FAKE_HEADING_MAX_WORDS or _SENTENCE.search(text):
            continue
        nxt = el.getnext()
        if nxt is None or nxt.tag not in ("p", "ul", "ol") or len(
                " ".join(nxt.text_content().split()).split()) < 5:
            continue
        children = [c for c in el if isinstance(c.tag, str)]
        wrapped = (len(children) == 1 and children[0].tag in ("b", "strong")
                   and not (el.text or "").strip() and not (children[0].tail or "").strip()
                   and " ".join(children[0].text_content().split()) == text)
        if not wrapped and (children or el.tag == "span"):
            continue
        if styles.hidden(el):
            continue
        size, after = styles.font_px(el), styles.font_px(nxt)
        bigger = size is not None and after is not None and size >= after * A11Y_CSS_FAKE_HEADING_SCALE
        if not (bigger and (wrapped or styles.bold(el))):
            continue  # bold alone is a label ("Upcoming event") as often as a heading
        how = f"is bold and {size:.0f}px against {after:.0f}px"
        yield page.finding(HEADING_FAKE, f"The line {text[:60]!r} {how}, above running text, "
                           "like a heading, but it is not marked up as one.",
                           selector=_selector(el), snippet=text[:REPORT_SNIPPET_CHARS])


def _line_height(styles: PageStyles, el) -> float | None:
    """Computed line height as a multiple of the font size (None: normal, or not readable)."""
    declared = styles.computed(el, "line-height")
    if declared is None or len(declared.tokens) != 1:
        return None
    token = declared.tokens[0]
    if token.type == "number":
        return token.value
    size = styles.font_px(el)
    if token.type == "percentage" or (token.type == "dimension" and token.lower_unit == "em"):
        # % and em are resolved on the element that declares them, then inherited as a length
        owner = next(n for n in [el, *el.iterancestors()] if styles.specified(n, "line-height"))
        own, base = styles.font_px(owner), (token.value / 100 if token.type == "percentage"
                                             else token.value)
        return own * base / size if own and size else None
    if token.type == "dimension" and token.lower_unit == "px" and size:
        return token.value / size
    return None


def _reading_styles(page: Page, styles: PageStyles, texts: list) -> Iterator[Finding]:
    """One finding per page and style: they are page-wide style choices."""
    seen = set()
    for el in texts:
        text = _own_text(el)
        if len(text.split()) < A11Y_CSS_LONG_TEXT_WORDS or styles.hidden(el):
            continue
        ratio = _line_height(styles, el)
        if "line" not in seen and ratio is not None and ratio < A11Y_CSS_MIN_LINE_HEIGHT:
            seen.add("line")
            yield page.finding(LINE_HEIGHT_TIGHT, f"Text {text[:60]!r} has a line height of "
                               f"{ratio:.2f} times its size, below {A11Y_CSS_MIN_LINE_HEIGHT:g}.",
                               selector=_selector(el), extra={"line_height": round(ratio, 2)})
        case = styles.computed(el, "text-transform")
        if "caps" not in seen and case is not None and case.keyword == "uppercase":
            seen.add("caps")
            yield page.finding(TEXT_STYLE_HARD, f"{len(text.split())} words ({text[:50]!r}...) "
                               "are set in capitals (text-transform: uppercase).",
                               selector=_selector(el))
        style = styles.computed(el, "font-style")
        italic = (style.keyword in ("italic", "oblique") if style is not None
                  else any(n.tag in _ITALIC_TAGS for n in [el, *el.iterancestors()]))
        if "italic" not in seen and italic:
            seen.add("italic")
            yield page.finding(TEXT_STYLE_HARD, f"{len(text.split())} words ({text[:50]!r}...) "
                               "are set in italics.", selector=_selector(el))


CHECKS = [CssAccessibility]
