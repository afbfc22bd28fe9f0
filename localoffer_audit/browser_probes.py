"""Scripted browser probes run beside axe-core on each rendered page (`--a11y-engine axe`).

axe-core reads the DOM once; these probes *use* the page the way a person would and measure what
happens: Tab through it, hover what the CSS reveals on hover, press Space on role=button
controls, narrow the window to 320 CSS px, double the text size, and read animated GIFs. They run
in the same fenced browser context as axe (axe_engine.Renderer), inside the page's time budget.

Only measurements are stored, in the page's engine result under "probes" (format below); the
check stage (checks/a11y_probes.py) turns them into findings offline, with its own thresholds.
A probe that fails or runs out of time records its error and the others still run: it never
fails the page, let alone the audit.

Stored format (results["probes"], version 1; absent in results stored before probes existed):
  {"version": 1,
   "errors": {probe: "message"},                       probes that failed or ran out of time
   "hover": [{"selector", "html", "text", "revealed": [{"id", "selector", "html", "text",
              "focusables"}], "keyboard_shown": bool}],
   "focus": {"complete": bool, "presses": int, "stops": [{"selector", "html", "tag", "box",
             "changed_pixels": int | None}], "rtl": bool, "trap": {"cycle": [selector], "unreached": int,
             "unreached_examples": [selector]} | None},
   "pointer": [{"selector", "html", "text", "on_hover_only": bool}],
   "space": [{"selector", "html", "focused": bool, "clicks": int, "prevented": bool,
              "mutations": int}],
   "reflow": {"viewport_width", "page_width", "wide_text": [...], "scrolling_containers": [...]},
   "text_resize": {"factor", "clipped": [...], "lines": [...]},
   "gifs": [{"url", "frames", "loop", "duration_ms", "elements": [{"selector", "html"}]}]}
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from importlib import resources
from typing import Any

from . import defaults

log = logging.getLogger(__name__)

VERSION = 1
PROBES_SCRIPT = resources.files(__package__).joinpath("probes.js").read_text("utf-8")
# Installed before the page's own scripts: remembers elements given mouse-only listeners.
LISTENER_HOOK = """(() => {
  const seen = window.__loMouseListeners = [];
  const original = EventTarget.prototype.addEventListener;
  const types = new Set(['mouseover', 'mouseenter']);
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    if (types.has(type) && this instanceof Element && seen.length < 200) seen.push(this);
    return original.call(this, type, ...rest);
  };
})();"""
GIF_TYPES = ("image/gif",)
MAX_GIF_BYTES = 4_000_000
FOCUS_PAD = 4  # px around the focused element compared before and after focus
MIN_FRAME_MS = 100  # browsers show frames of 10 ms or less for 100 ms


class ProbeRunner:
    """Runs every probe on one open page, each bounded, and collects their measurements."""

    def __init__(self, page, deadline: float, viewport: dict[str, int]) -> None:
        self.page, self.deadline, self.viewport = page, deadline, viewport
        self.out: dict[str, Any] = {"version": VERSION, "errors": {}}

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    async def run(self, gif_bodies: dict[str, bytes]) -> dict[str, Any]:
        await self.page.evaluate(PROBES_SCRIPT)
        for name, probe in (("gifs", lambda: self.gifs(gif_bodies)),
                            ("hover", self.hover), ("focus", self.focus),
                            ("pointer", self.pointer), ("space", self.space),
                            ("reflow", self.reflow), ("text_resize", self.text_resize)):
            if self.remaining() <= 0.5:
                self.out["errors"][name] = "no time left in the page's budget"
                continue
            try:
                self.out[name] = await asyncio.wait_for(probe(), self.remaining())
            except (asyncio.TimeoutError, TimeoutError):
                self.out["errors"][name] = "ran out of the page's time budget"
            except Exception as exc:  # a hostile page may break one probe, never the others
                self.out["errors"][name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        return self.out

    # ---- hover -----------------------------------------------------------------------------
    async def hover(self) -> list[dict[str, Any]]:
        page = self.page
        subjects = await page.evaluate("n => __lo.hoverCandidates(n)",
                                       defaults.A11Y_PROBE_MAX_HOVER)
        found = []
        for subject in subjects:
            await page.evaluate("() => __lo.beforeHover()")
            point = await page.evaluate("i => __lo.hoverPoint(i)", subject["id"])
            await page.mouse.move(point["x"], point["y"])
            await page.wait_for_timeout(defaults.A11Y_PROBE_SETTLE_MS)
            revealed = await page.evaluate("i => __lo.afterHover(i)", subject["id"])
            await page.mouse.move(0, 0)
            await page.wait_for_timeout(defaults.A11Y_PROBE_SETTLE_MS)
            if revealed:
                found.append({**_strip(subject), "revealed": revealed})
        return found

    # ---- Tab through the page -------------------------------------------------------------
    async def focus(self) -> dict[str, Any]:
        from PIL import Image

        page = self.page
        size = await page.evaluate("() => __lo.resetFocus()")
        height = min(size["height"], defaults.A11Y_PROBE_FOCUS_MAX_HEIGHT)
        shot = await page.screenshot(full_page=True, animations="disabled", caret="hide",
                                     clip={"x": 0, "y": 0, "width": self.viewport["width"],
                                           "height": height})
        before = Image.open(io.BytesIO(shot)).convert("RGB")
        stops: list[dict[str, Any]] = []
        sequence: list[int] = []
        revealed_shown: set[int] = set()
        complete = False
        presses = 0
        for presses in range(1, defaults.A11Y_PROBE_MAX_TAB_STOPS + 1):
            await page.keyboard.press("Tab")
            info = await page.evaluate("() => __lo.focusInfo()")
            if info is None:  # focus left the page's content: the walk went all the way round
                if sequence or presses >= 3:  # (or there is nothing to Tab to)
                    complete = True
                    break
                continue
            revealed_shown.update(info.pop("revealed"))
            if sequence and info["id"] == sequence[0] and sequence[-1] != sequence[0] \
                    and not await self._unreached(sequence):
                complete = True  # back at the start having reached every tabbable element
                break
            sequence.append(info["id"])
            if len(sequence) > 1 and sequence.count(info["id"]) > 1:
                if sequence.count(info["id"]) > 2:
                    break  # cycling: the trap check below reads the sequence
                continue
            box = {k: round(info["box"][k]) for k in ("x", "y", "w", "h")}
            stops.append({**_strip(info), "box": box,
                          "changed_pixels": await self._changed(before, info)})
        trap = await self._trap(sequence, complete)
        await page.evaluate("() => __lo.resetFocus()")
        rtl = await page.evaluate("() => getComputedStyle(document.body).direction === 'rtl'")
        return {"complete": complete, "presses": presses, "stops": stops, "trap": trap, "rtl": rtl,
                "revealed_shown": sorted(revealed_shown)}

    async def _changed(self, before, info: dict[str, Any]) -> int | None:
        """Pixels around the focused element that look different from the unfocused page
        (a one-pixel shift does not count: see pixels_changed)."""
        from PIL import Image

        box = info["box"]
        if info["tag"] in ("iframe", "object", "embed") or not info["shown"] \
                or box["w"] < 4 or box["h"] < 4:
            return None  # its focus is shown elsewhere (e.g. on a styled label), or not at all
        left, top = max(0, int(box["x"]) - FOCUS_PAD), max(0, int(box["y"]) - FOCUS_PAD)
        right = min(before.width, int(box["x"] + box["w"]) + FOCUS_PAD + 1)
        bottom = min(before.height, int(box["y"] + box["h"]) + FOCUS_PAD + 1)
        if right - left < 2 or bottom - top < 2:
            return None  # outside the part of the page photographed before
        vx, vy = left - (box["x"] - box["vx"]), top - (box["y"] - box["vy"])
        if vx < 0 or vy < 0 or vx + right - left > self.viewport["width"] \
                or vy + bottom - top > self.viewport["height"]:
            return None  # not wholly on screen once focused
        shot = await self.page.screenshot(animations="disabled", caret="hide",
                                          clip={"x": vx, "y": vy, "width": right - left,
                                                "height": bottom - top})
        after = Image.open(io.BytesIO(shot)).convert("RGB")
        crop = before.crop((left, top, right, bottom))
        if after.size != crop.size:
            after = after.resize(crop.size)
        return await asyncio.to_thread(pixels_changed, crop, after)

    async def _unreached(self, sequence: list[int]) -> list[int]:
        visited = set(sequence)
        return [i for i in await self.page.evaluate("() => __lo.tabbables()") if i not in visited]

    async def _trap(self, sequence: list[int], complete: bool) -> dict[str, Any] | None:
        """A trap: Tab keeps returning to elements already visited, before the walk came back
        round, while tabbable elements were never reached."""
        if complete or len(sequence) < 3:
            return None
        repeated = [i for i in dict.fromkeys(sequence) if sequence.count(i) > 1]
        if not repeated:
            return None
        unreached = await self._unreached(sequence)
        if not unreached:
            return None
        cycle = await self.page.evaluate("ids => __lo.describeIds(ids)", repeated[:5])
        examples = await self.page.evaluate("ids => __lo.describeIds(ids)", unreached[:3])
        return {"cycle": [c["selector"] for c in cycle], "cycle_html": cycle[0]["html"],
                "unreached": len(unreached),
                "unreached_examples": [e["selector"] for e in examples]}

    # ---- pointer cursor, no keyboard ----------------------------------------------------------
    async def pointer(self) -> list[dict[str, Any]]:
        return await self.page.evaluate("n => __lo.pointerOnly(n)", defaults.A11Y_PROBE_MAX_BUTTONS)

    # ---- Space on role=button ---------------------------------------------------------------
    async def space(self) -> list[dict[str, Any]]:
        page = self.page
        targets = await page.evaluate("n => __lo.roleButtons(n)", defaults.A11Y_PROBE_MAX_BUTTONS)
        results = []
        for target in targets:
            if not target["focusable"]:
                continue  # not reachable by keyboard at all: another rule's finding
            focused = await page.evaluate("i => __lo.armSpace(i)", target["id"])
            if focused:
                await page.keyboard.press(" ")
                await page.wait_for_timeout(defaults.A11Y_PROBE_SETTLE_MS)
            events = await page.evaluate("() => __lo.spaceResult()")
            results.append({**_strip(target), "focused": focused, **events})
        return results

    # ---- 320 px wide -----------------------------------------------------------------------
    async def reflow(self) -> dict[str, Any]:
        page = self.page
        await page.set_viewport_size({"width": defaults.A11Y_PROBE_REFLOW_WIDTH,
                                      "height": defaults.A11Y_PROBE_REFLOW_HEIGHT})
        try:
            await page.wait_for_timeout(defaults.A11Y_PROBE_SETTLE_MS)
            return await page.evaluate("t => __lo.reflow(t)", defaults.A11Y_PROBE_TOLERANCE_PX)
        finally:
            await page.set_viewport_size(self.viewport)

    # ---- text at 200% --------------------------------------------------------------------------
    async def text_resize(self) -> dict[str, Any]:
        return await self.page.evaluate("([f, t]) => __lo.textResize(f, t)",
                                        [defaults.A11Y_PROBE_TEXT_FACTOR,
                                         defaults.A11Y_PROBE_TOLERANCE_PX])

    # ---- animated GIFs ------------------------------------------------------------------------
    async def gifs(self, bodies: dict[str, bytes]) -> list[dict[str, Any]]:
        if not bodies:
            return []
        shown = await self.page.evaluate("urls => __lo.imagesOf(urls)", list(bodies))
        out = []
        for url, elements in shown.items():
            info = await asyncio.to_thread(gif_animation, bodies[url])
            if info is not None:
                out.append({"url": url, **info,
                            "elements": [{"selector": e["selector"], "html": e["html"]}
                                         for e in elements[:5]]})
        return out


def _strip(info: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in info.items() if k not in ("id", "box", "revealed", "shown")}


def pixels_changed(before, after, tolerance: int = 24) -> int:
    """Pixels that differ between two same-size RGB images, where a pixel counts only if no
    pixel within 1 px of it in the other image has its colour (per channel, within
    `tolerance`): a focus style that merely moves the element by a pixel is no indicator."""
    from PIL import ImageChops, ImageFilter

    def unexplained(a, b) -> int:
        low, high = b.filter(ImageFilter.MinFilter(3)), b.filter(ImageFilter.MaxFilter(3))
        below = ImageChops.subtract(low, a)   # a darker than anything near it in b
        above = ImageChops.subtract(a, high)  # a lighter than anything near it in b
        channels = ImageChops.lighter(below, above).split()
        marked = [c.point(lambda v: 255 if v > tolerance else 0) for c in channels]
        worst = marked[0]
        for channel in marked[1:]:
            worst = ImageChops.lighter(worst, channel)
        return worst.histogram()[255]

    return max(unexplained(after, before), unexplained(before, after))


def gif_animation(body: bytes) -> dict[str, Any] | None:
    """Frames, loop count and the length of one play of a GIF (Pillow); None if not a GIF."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(body)) as image:
            if image.format != "GIF":
                return None
            frames = getattr(image, "n_frames", 1)
            duration = 0
            for index in range(min(frames, defaults.A11Y_PROBE_MAX_GIF_FRAMES)):
                image.seek(index)
                ms = int(image.info.get("duration") or 0)
                duration += ms if ms > 10 else MIN_FRAME_MS
            loop = image.info.get("loop")  # absent: plays once; 0: for ever; n: n more times
    except (UnidentifiedImageError, OSError, ValueError, EOFError):
        return None
    return {"frames": frames, "loop": loop, "duration_ms": duration if frames > 1 else 0}
