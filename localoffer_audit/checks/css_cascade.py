"""The CSS a page carries, cascaded per element: the site's own linked stylesheets as the crawl
stored them (Page.stylesheets, in document order, each @import before its importer), then the
page's `<style>` elements, then inline `style` attributes.

tinycss2 parses the CSS and its colours; cssselect2 matches selectors and gives specificity.
Static and offline: a stylesheet the crawl did not store (off-site, refused, too large, an
@import two levels down, or a page crawled before stylesheets were stored) makes whatever it
might set *unknown* (PageStyles.linked), never guessed. Used by checks/a11y_contrast.py.

Cascade (CSS 2.1 section 6.4, author origin only): !important first, then the style attribute,
then selector specificity, then source order. Presentational HTML (`<font color>`, `bgcolor`)
sits below every author rule, as browsers do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Iterable, Iterator

import cssselect2
import tinycss2
from tinycss2 import color3

# Properties a child inherits from its parent when nothing sets them (CSS 2.1 / CSS Text).
INHERITED = frozenset({"color", "font-size", "font-weight", "font-style", "visibility",
                       "text-align", "line-height", "text-transform"})
DEFAULT_FONT_PX = 16.0  # every browser's default medium
HEADING_EM = {"h1": 2.0, "h2": 1.5, "h3": 1.17, "h4": 1.0, "h5": 0.83, "h6": 0.67}  # UA sheet
BOLD_TAGS = frozenset({"b", "strong", "th", "h1", "h2", "h3", "h4", "h5", "h6"})
FONT_KEYWORDS_PX = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0,
                    "large": 18.0, "x-large": 24.0, "xx-large": 32.0, "xxx-large": 48.0}
ABSOLUTE_UNITS_PX = {"px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54,
                     "mm": 96 / 25.4, "q": 96 / 101.6}
# The properties the checks read: the cascade ignores rules that set none of them.
READ = frozenset({"color", "background-color", "background-image", "font-size", "font-weight",
                  "display", "visibility", "text-align", "float", "outline", "outline-style",
                  "outline-width", "text-decoration-line", "border", "border-bottom",
                  "box-shadow", "font-style", "text-transform", "line-height"})
# States a stored page is never in: rules for them do not apply to what it shows.
_DYNAMIC = re.compile(r":(hover|active|focus|focus-visible|focus-within|visited|target)"
                      r"(?![-\w])", re.I)
_SCREEN_MEDIA = re.compile(r"^\s*(only\s+)?(all|screen)?\s*$", re.I)
_IMAGE_FUNCTIONS = ("url", "linear-gradient", "radial-gradient", "conic-gradient",
                    "repeating-linear-gradient", "repeating-radial-gradient", "image-set")


@dataclass(frozen=True)
class Declared:
    """One winning declaration: its value tokens and where it came from."""

    tokens: tuple
    source: str  # "inline", "style" (a <style> element), "linked" (a stored stylesheet) or "html"

    @cached_property  # the checks read the same winning values many times per page
    def text(self) -> str:
        return tinycss2.serialize(self.tokens).strip()

    @cached_property
    def keyword(self) -> str:
        return self.text.lower()


@dataclass(frozen=True)
class StyleRule:
    """A qualified rule of an embedded stylesheet, kept for rules about selectors (:focus)."""

    selector: str
    declarations: tuple[tuple[str, Declared, bool], ...]  # (property, value, important)


def _declarations(tokens_or_text, source: str) -> list[tuple[str, Declared, bool]]:
    if isinstance(tokens_or_text, str):
        parsed = tinycss2.parse_declaration_list(tokens_or_text, skip_whitespace=True,
                                                 skip_comments=True)
    else:
        parsed = tinycss2.parse_blocks_contents(tokens_or_text, skip_whitespace=True,
                                                skip_comments=True)
    found = []
    for decl in parsed:
        if decl.type != "declaration":
            continue
        value = tuple(t for t in decl.value if t.type not in ("whitespace", "comment"))
        for name, part in _expand(decl.lower_name, value):
            found.append((name, Declared(part, source), bool(decl.important)))
    return found


def _expand(name: str, value: tuple) -> Iterator[tuple[str, tuple]]:
    """Longhands of the shorthands the checks read; other shorthands pass through."""
    if name == "background":
        colour, images, hidden = [], [], False
        for t in value:
            if t.type == "url" or (t.type == "function" and t.lower_name in _IMAGE_FUNCTIONS):
                images.append(t)
            elif color3.parse_color(t) is not None or (
                    t.type == "ident" and t.lower_value == "currentcolor"):
                colour.append(t)
            elif t.type == "function":
                hidden = True  # var(), env(), calc(): a colour we cannot read may be in there
        none = [t for t in value if t.type == "ident" and t.lower_value == "none"]
        if hidden and not colour:
            yield "background-color", value  # unreadable, so unknown (never transparent)
        else:
            yield "background-color", tuple(colour[-1:]) or _ident("transparent")
        yield "background-image", tuple(images) or (tuple(none[:1]) or _ident("none"))
    elif name == "text-decoration":
        yield "text-decoration-line", value
    else:
        yield name, value


def _ident(word: str) -> tuple:
    return tuple(tinycss2.parse_component_value_list(word))


def _split_selectors(prelude) -> Iterator[list]:
    """The selectors of a selector list, one token list each (split at top-level commas)."""
    part: list = []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            if part:
                yield part
            part = []
        else:
            part.append(token)
    if part:
        yield part


def _media_applies(prelude) -> bool:
    """Screen media only: a rule for print, or for some widths, may not be what people see."""
    return bool(_SCREEN_MEDIA.match(tinycss2.serialize(prelude)))


class PageStyles:
    """Specified values of the elements of one page, matched on first use and kept.

    `stylesheets` are the page's stored linked stylesheets (models.LinkedStylesheet); None
    means none were recorded, so any <link rel=stylesheet> on the page is unknown CSS."""

    def __init__(self, tree, stylesheets=None) -> None:
        root = tree.getroottree().getroot()
        self.root = root
        if stylesheets is None:
            self.linked = bool(root.xpath(
                "//link[contains(concat(' ', translate(@rel, 'STYLESHET', 'stylesheet'), ' '),"
                " ' stylesheet ')]"))
        else:
            self.linked = False
        self.rules: list[StyleRule] = []
        self._matched = False
        matcher = cssselect2.Matcher()
        order = 0
        sources = []
        for sheet in stylesheets or ():
            if not _media_applies(tinycss2.parse_component_value_list(sheet.media or "")):
                if _UNREADABLE_CONDITION.search(sheet.media or ""):
                    self.linked = True  # layer() or supports(): it may well apply
                continue  # print, or some widths: not judged, as for <style media>
            if sheet.text is None:
                self.linked = True  # not stored: what it sets is unknown
                continue
            # Its @imports were fetched by the crawl and come before it in the list.
            sources.append((sheet.text, "linked", False))
        for style in root.iter("style"):
            if _media_applies(tinycss2.parse_component_value_list(style.get("media") or "")):
                sources.append((style.text or "", "style", True))
        for text, source, imports_unknown in sources:
            compiled, has_import = _compiled_sheet(text, source)
            if has_import and imports_unknown:
                self.linked = True  # @import in a <style> element: a stylesheet we do not have
            for style_rule, used, selectors in compiled:
                self.rules.append(style_rule)
                for selector in selectors:
                    order += 1
                    matcher.add_selector(selector, (order, used))
                    self._matched = True
        self._matcher = matcher
        self._specified: dict = {}
        self._computed: dict = {}  # (element, property) -> computed value, once per page
        self._display_hidden: dict = {}  # element -> display:none or [hidden] on it or above
        self._wrappers: dict | None = None
        self._wrapper = None
        self.has_css = bool(self.rules) or bool(
            root.xpath("//*[@style or @bgcolor or self::font[@color]]"))

    def _declared(self, el) -> dict:
        """el's winning declarations, matched on first use (pages are large, checks read few)."""
        found = self._specified.get(el)
        if found is not None:
            return found
        candidates = []
        if self._matched:
            if self._wrappers is None:
                self._wrapper = cssselect2.ElementWrapper.from_html_root(self.root)
                self._wrappers = {w.etree_element: w for w in self._wrapper.iter_subtree()}
            wrapped = self._wrappers.get(el)
            if wrapped is not None:
                for specificity, _o, pseudo, (order, declarations) in self._matcher.match(wrapped):
                    if pseudo is None:
                        for name, value, important in declarations:
                            candidates.append(((important, 1, specificity, order), name, value))
        style = el.get("style") if isinstance(el.tag, str) else None
        if style:
            for name, value, important in _declarations(style, "inline"):
                candidates.append(((important, 2, (0, 0, 0), 0), name, value))
        chosen: dict[str, tuple] = {}
        for key, name, value in candidates:
            if name not in chosen or key >= chosen[name][0]:
                chosen[name] = (key, value)
        found = self._specified[el] = {name: value for name, (_key, value) in chosen.items()}
        return found

    @staticmethod
    def _qualified(sheet) -> Iterable:
        for rule in sheet:
            if rule.type == "qualified-rule":
                yield rule
            elif rule.type == "at-rule" and rule.lower_at_keyword == "media":
                if _media_applies(rule.prelude) and rule.content:
                    yield from PageStyles._qualified(tinycss2.parse_rule_list(
                        rule.content, skip_whitespace=True, skip_comments=True))
            elif rule.type == "at-rule" and rule.lower_at_keyword == "import":
                yield rule


    def select(self, selector: str) -> list:
        """Elements of the page a selector matches ([] for a selector cssselect2 cannot read)."""
        if self._wrapper is None:
            self._wrapper = cssselect2.ElementWrapper.from_html_root(self.root)
            self._wrappers = {w.etree_element: w for w in self._wrapper.iter_subtree()}
        try:
            compiled = cssselect2.compile_selector_list(selector)
        except cssselect2.SelectorError:
            return []
        return [w.etree_element for w in self._wrapper.query_all(*compiled)]

    def specified(self, el, name: str) -> Declared | None:
        """The value the page's own CSS declares for el (no inheritance), or None."""
        found = self._declared(el).get(name) if self.has_css else None
        if found is not None:
            return found
        return _presentational(el, name)

    def computed(self, el, name: str) -> Declared | None:
        """The declared value of el or, for inherited properties, of its nearest ancestor that
        declares one; `inherit` is followed. None when nothing on the page sets it."""
        # Walk up to the first answer (declared here, or kept from an earlier call), then keep
        # it for every element passed on the way: pages are deep, and checks ask many times.
        passed, node, value = [], el, None
        while node is not None:
            key = (node, name)
            if key in self._computed:
                value = self._computed[key]
                break
            passed.append(key)
            declared = self.specified(node, name)
            follows = declared is None or declared.keyword == "inherit" or (
                declared.keyword == "unset" and name in INHERITED)
            if not follows:
                value = declared
                break
            if declared is None and name not in INHERITED:
                break
            node = node.getparent()
        for key in passed:
            self._computed[key] = value
        return value

    def hidden(self, el) -> bool:
        """display:none on el or an ancestor, or visibility hidden/collapse inherited to el."""
        visibility = self.computed(el, "visibility")
        if visibility is not None and visibility.keyword in ("hidden", "collapse"):
            return True
        return self._not_displayed(el)

    def _not_displayed(self, el) -> bool:
        """[hidden] or display:none on el or an ancestor (kept per element, as computed)."""
        passed, node, found = [], el, False
        while node is not None:
            if node in self._display_hidden:
                found = self._display_hidden[node]
                break
            passed.append(node)
            display = self.specified(node, "display")
            if node.get("hidden") is not None or (display is not None
                                                  and display.keyword == "none"):
                found = True
                break
            node = node.getparent()
        for node in passed:
            self._display_hidden[node] = found
        return found

    def font_px(self, el) -> float | None:
        """Computed font size in CSS px, or None when a unit or function we cannot resolve
        (vw, calc(), var()) is in the way."""
        chain = []
        node = el
        while node is not None:
            chain.append(node)
            node = node.getparent()
        size = DEFAULT_FONT_PX
        for node in reversed(chain):
            declared = self.specified(node, "font-size")
            if declared is None:
                if node.tag in HEADING_EM:
                    size *= HEADING_EM[node.tag]
                elif node.tag in ("small", "sub", "sup"):
                    size *= 0.83 if node.tag == "small" else 0.75
                continue
            resolved = _font_size(declared, size)
            if resolved is None:
                return None
            size = resolved
        return size

    def bold(self, el) -> bool:
        weight = self.computed(el, "font-weight")
        if weight is None:
            return any(n.tag in BOLD_TAGS for n in _self_and_ancestors(el))
        word = weight.keyword
        if word in ("bold", "bolder"):
            return True
        try:
            return float(word) >= 700
        except ValueError:
            return False


def _self_and_ancestors(el) -> Iterator:
    node = el
    while node is not None:
        yield node
        node = node.getparent()


def _font_size(declared: Declared, parent_px: float) -> float | None:
    if len(declared.tokens) != 1:
        return None
    token = declared.tokens[0]
    if token.type == "ident":
        word = token.lower_value
        if word in FONT_KEYWORDS_PX:
            return FONT_KEYWORDS_PX[word]
        if word == "smaller":
            return parent_px / 1.2
        if word == "larger":
            return parent_px * 1.2
        if word in ("inherit", "unset"):
            return parent_px
        return DEFAULT_FONT_PX if word in ("initial", "medium") else None
    if token.type == "percentage":
        return parent_px * token.value / 100
    if token.type == "dimension":
        unit = token.lower_unit
        if unit in ABSOLUTE_UNITS_PX:
            return token.value * ABSOLUTE_UNITS_PX[unit]
        if unit == "em":
            return parent_px * token.value
        if unit == "rem":
            return DEFAULT_FONT_PX * token.value
    if token.type == "number" and token.value == 0:
        return 0.0
    return None


def _presentational(el, name: str) -> Declared | None:
    """HTML's own colour attributes: <font color>, bgcolor on body/table/tr/td/th."""
    if name != "color" and name != "background-color":
        return None
    attr = {"color": "color" if el.tag == "font" else None,
            "background-color": "bgcolor"}.get(name)
    if attr and el.get(attr):
        tokens = tuple(t for t in tinycss2.parse_component_value_list(el.get(attr))
                       if t.type != "whitespace")
        return Declared(tokens, "html") if tokens else None
    return None


def parse_colour(declared: Declared | None):
    """An RGBA (channels 0..1), "currentColor", or None for anything we cannot read
    (var(), system colours, color-mix())."""
    if declared is None or len(declared.tokens) != 1:
        return None
    token = declared.tokens[0]
    if token.type == "ident" and token.lower_value == "currentcolor":
        return "currentColor"
    colour = color3.parse_color(token)
    if colour is None and token.type == "ident" and re.fullmatch(r"[0-9a-f]{6}", token.value, re.I):
        colour = color3.parse_color("#" + token.value)  # bgcolor="ffffff", as browsers read it
    return colour


def has_image(declared: Declared | None) -> bool:
    return declared is not None and any(
        t.type == "url" or (t.type == "function" and t.lower_name in _IMAGE_FUNCTIONS)
        for t in declared.tokens)


_UNREADABLE_CONDITION = re.compile(r"\b(layer|supports)\b", re.I)


def release_compiled_sheets() -> None:
    """Forget the compiled stylesheets once every page has been read."""
    _compiled_sheet.cache_clear()


@lru_cache(maxsize=128)
def _compiled_sheet(text: str, source: str) -> tuple[tuple, bool]:
    """A stylesheet's rules, parsed and their selectors compiled once: every page of a site
    shares its linked stylesheets (and often its <style> blocks). Returns
    ((StyleRule, declarations the checks read, compiled selectors), ...) and whether it has
    an @import."""
    sheet = tinycss2.parse_stylesheet(text, skip_whitespace=True, skip_comments=True)
    out, has_import = [], False
    for rule in PageStyles._qualified(sheet):
        if rule.type == "at-rule":
            has_import = True
            continue
        declarations = tuple(_declarations(rule.content, source))
        style_rule = StyleRule(tinycss2.serialize(rule.prelude).strip(), declarations)
        used = tuple(d for d in declarations if d[0] in READ)
        selectors = []
        if used:  # a rule that sets nothing the checks read (custom properties, layout) is not matched
            for part in _split_selectors(rule.prelude):
                if _DYNAMIC.search(tinycss2.serialize(part)):
                    continue  # a state (:hover, :visited) a stored page is not in
                try:
                    selectors.extend(cssselect2.compile_selector_list(part))
                except cssselect2.SelectorError:
                    continue
        out.append((style_rule, used, tuple(selectors)))
    return tuple(out), has_import
