"""Charts for the HTML report: inline SVG drawn on the server, no JavaScript.

Every chart is an <svg role="img"> named by its own <title> and <desc> (aria-labelledby), so a
screen reader announces one image with a summary; the templates put the full numbers in a table
beside it. Every piece of text is escaped here (labels can come from crawled pages), and the
result is returned as Markup so the template does not escape it twice. Colours are never the
only cue: series also differ by pattern or line style and carry text labels, and every mark has
at least 3:1 contrast with the white background (WCAG 1.4.1, 1.4.11).
"""

from __future__ import annotations

from typing import Iterable, Sequence

from markupsafe import Markup, escape

FONT = "Arial, Helvetica, sans-serif"
TEXT = "#0b0c0c"
MUTED = "#505a5f"
GRID = "#b1b4b6"
DASH = "\u2013"

# key -> (label, stroke colour, pattern) ; pattern: solid | stripes | dots
SEVERITY_SERIES = (
    ("error", "Errors", "#b10e1e", "solid"),
    ("warning", "Warnings", "#7a4b00", "stripes"),
    ("notice", "Notices", "#1d4f91", "dots"),
)
PATTERN_BACKGROUND = {"#7a4b00": "#fbe3b4", "#1d4f91": "#d2e2f6"}
STATUS_COLOURS = {"covered": "#00703c", "partial": "#7a4b00", "missing": "#b10e1e"}
STATUS_LABELS = {"covered": "Covered", "partial": "Partial", "missing": "Missing"}
# Heat map shades, lightest to darkest, with a text colour that has 4.5:1 contrast on each.
HEAT = (("#ffffff", TEXT), ("#d2e2f6", TEXT), ("#8eb8e5", TEXT), ("#2b6cb0", "#ffffff"),
        ("#12395f", "#ffffff"))


def _e(text: object) -> str:
    return str(escape(str(text)))


def _num(n: float) -> str:
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"


def truncate(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{_e(chart_id)}-title {_e(chart_id)}-desc" '
        f'font-family="{FONT}" font-size="14">',
        f'<title id="{_e(chart_id)}-title">{_e(title)}</title>',
        f'<desc id="{_e(chart_id)}-desc">{_e(desc)}</desc>',
    ]


def _patterns(chart_id: str, series: Iterable[tuple[str, str, str, str]]) -> str:
    defs = []
    for key, _label, colour, pattern in series:
        pid = f"{chart_id}-pat-{key}"
        background = PATTERN_BACKGROUND.get(colour, "#ffffff")
        if pattern == "stripes":
            defs.append(f'<pattern id="{_e(pid)}" width="8" height="8" '
                        f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
                        f'<rect width="8" height="8" fill="{background}"/>'
                        f'<rect width="4" height="8" fill="{colour}"/></pattern>')
        elif pattern == "dots":
            defs.append(f'<pattern id="{_e(pid)}" width="7" height="7" '
                        f'patternUnits="userSpaceOnUse">'
                        f'<rect width="7" height="7" fill="{background}"/>'
                        f'<circle cx="3.5" cy="3.5" r="2" fill="{colour}"/></pattern>')
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _fill(chart_id: str, key: str, colour: str, pattern: str) -> str:
    return colour if pattern == "solid" else f"url(#{_e(chart_id)}-pat-{_e(key)})"


def _legend(chart_id: str, series: Sequence[tuple[str, str, str, str]], x: int, y: int) -> str:
    parts = []
    for key, label, colour, pattern in series:
        parts.append(f'<rect x="{x}" y="{y - 12}" width="16" height="16" '
                     f'fill="{_fill(chart_id, key, colour, pattern)}" stroke="{colour}" '
                     f'stroke-width="1.5"/>'
                     f'<text x="{x + 22}" y="{y + 1}" fill="{TEXT}">{_e(label)}</text>')
        x += 34 + 8 * len(label)
    return "".join(parts)


def stacked_bars(chart_id: str, title: str, desc: str,
                 rows: Sequence[tuple[str, dict[str, int]]],
                 series: Sequence[tuple[str, str, str, str]] = SEVERITY_SERIES,
                 label_width: int = 290, width: int = 760) -> Markup:
    """Horizontal bars, one per row, each stacked by series; the total is written at the end."""
    bar, gap, top = 22, 12, 34
    height = top + len(rows) * (bar + gap) + 10
    totals = [sum(values.get(key, 0) for key, *_ in series) for _, values in rows]
    biggest = max(totals, default=0) or 1
    plot = width - label_width - 70
    out = _open(chart_id, width, height, title, desc)
    out.append(_patterns(chart_id, series))
    out.append(_legend(chart_id, series, label_width, 18))
    for i, ((label, values), total) in enumerate(zip(rows, totals)):
        y = top + i * (bar + gap)
        out.append(f'<text x="{label_width - 8}" y="{y + bar / 2 + 5}" text-anchor="end" '
                   f'fill="{TEXT}">{_e(truncate(label, int(label_width / 7.2)))}</text>')
        x = float(label_width)
        for key, _label, colour, pattern in series:
            value = values.get(key, 0)
            if not value:
                continue
            w = max(plot * value / biggest, 2.0)
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" '
                       f'fill="{_fill(chart_id, key, colour, pattern)}" stroke="{colour}" '
                       f'stroke-width="1.5"/>')
            x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + bar / 2 + 5}" fill="{TEXT}">'
                   f'{_num(total)}</text>')
    out.append(f'<line x1="{label_width}" y1="{top - 6}" x2="{label_width}" '
               f'y2="{height - 8}" stroke="{TEXT}" stroke-width="1"/>')
    out.append("</svg>")
    return Markup("".join(out))


def histogram(chart_id: str, title: str, desc: str, bins: Sequence[tuple[str, int]],
              axis_label: str = "Pages", highlight: Iterable[int] = (),
              width: int = 760, height: int = 300) -> Markup:
    """Vertical bars with their counts on top. Bars in `highlight` (indexes) are drawn dark
    and hatched (for example, stale pages); the others light, both outlined."""
    highlight = set(highlight)
    left, right, top, bottom = 56, 12, 24, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    biggest = max((n for _, n in bins), default=0) or 1
    step = plot_w / max(len(bins), 1)
    bar = step * 0.7
    out = _open(chart_id, width, height, title, desc)
    out.append(f'<defs><pattern id="{_e(chart_id)}-hatch" width="8" height="8" '
               f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
               f'<rect width="8" height="8" fill="#f4c7cb"/><rect width="4" height="8" '
               f'fill="#b10e1e"/></pattern></defs>')
    for tick in _ticks(biggest):
        y = top + plot_h - plot_h * tick / biggest
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                   f'stroke="{GRID}" stroke-width="1" stroke-dasharray="3 3"/>'
                   f'<text x="{left - 6}" y="{y + 5:.1f}" text-anchor="end" fill="{MUTED}" '
                   f'font-size="12">{_num(tick)}</text>')
    for i, (label, n) in enumerate(bins):
        x = left + i * step + (step - bar) / 2
        h = plot_h * n / biggest
        y = top + plot_h - h
        fill, stroke = ((f"url(#{_e(chart_id)}-hatch)", "#b10e1e") if i in highlight
                        else ("#1d4f91", "#1d4f91"))
        if n:
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                       f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>')
        out.append(f'<text x="{x + bar / 2:.1f}" y="{y - 6:.1f}" text-anchor="middle" '
                   f'fill="{TEXT}" font-weight="bold">{_num(n)}</text>')
        words = _wrap(label, 14)
        for j, line in enumerate(words):
            out.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 20 + j * 16}" '
                       f'text-anchor="middle" fill="{TEXT}" font-size="13">{_e(line)}</text>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
               f'y2="{top + plot_h}" stroke="{TEXT}" stroke-width="1"/>')
    out.append(f'<text x="14" y="{top + plot_h / 2:.1f}" fill="{MUTED}" font-size="12" '
               f'text-anchor="middle" transform="rotate(-90 14 {top + plot_h / 2:.1f})">'
               f'{_e(axis_label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


# Line styles: colour, dash pattern, marker shape, so lines differ without colour.
LINE_STYLES = (("#b10e1e", "", "circle"), ("#7a4b00", "8 4", "square"),
               ("#1d4f91", "2 3", "triangle"), ("#0b0c0c", "12 3 3 3", "diamond"))


def line_chart(chart_id: str, title: str, desc: str, x_labels: Sequence[str],
               series: Sequence[tuple[str, Sequence[int]]],
               width: int = 760, height: int = 300) -> Markup:
    """A line per series over the runs (oldest first), each labelled at its last point."""
    left, right, top, bottom = 56, 150, 20, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    biggest = max((v for _, values in series for v in values), default=0) or 1
    n = len(x_labels)
    step = plot_w / max(n - 1, 1)
    out = _open(chart_id, width, height, title, desc)
    for tick in _ticks(biggest):
        y = top + plot_h - plot_h * tick / biggest
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                   f'stroke="{GRID}" stroke-width="1" stroke-dasharray="3 3"/>'
                   f'<text x="{left - 6}" y="{y + 5:.1f}" text-anchor="end" fill="{MUTED}" '
                   f'font-size="12">{_num(tick)}</text>')
    every = max(1, (n + 7) // 8)  # at most about eight labels on the x axis
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == n - 1:
            out.append(f'<text x="{left + i * step:.1f}" y="{top + plot_h + 22}" '
                       f'text-anchor="middle" fill="{TEXT}" font-size="12">{_e(label)}</text>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
               f'y2="{top + plot_h}" stroke="{TEXT}" stroke-width="1"/>')
    label_ys: list[float] = []
    for k, (label, values) in enumerate(series):
        colour, dash, marker = LINE_STYLES[k % len(LINE_STYLES)]
        points = [(left + i * step, top + plot_h - plot_h * v / biggest)
                  for i, v in enumerate(values)]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                       f'stroke-width="2.5"' + (f' stroke-dasharray="{dash}"' if dash else "")
                       + "/>")
        for x, y in points:
            out.append(_marker(marker, x, y, colour))
        if points:
            x, y = points[-1]
            while any(abs(y - other) < 16 for other in label_ys):  # keep labels apart
                y += 16
            label_ys.append(y)
            out.append(f'<text x="{x + 10:.1f}" y="{y + 5:.1f}" fill="{TEXT}">'
                       f'{_e(truncate(label, 18))}: {_num(values[-1])}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def heat_map(chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, str]],
             columns: Sequence[str], values: Sequence[Sequence[int]],
             label_width: int = 340, width: int = 800, column_title: str = "") -> Markup:
    """Rows are (label, status); a status cell, then one shaded cell per column with its count.
    Shades step with the count and every cell shows its number, so colour is never needed.
    Row labels take up to two lines; the full text belongs in the table beside the chart."""
    status_w, top, row_h = 86, 58 if column_title else 44, 36
    cells_x = label_width + status_w + 8
    cell_w = (width - cells_x - 4) / max(len(columns), 1)
    height = top + len(rows) * row_h + 8
    biggest = max((v for row in values for v in row), default=0) or 1
    chars = int((label_width - 8) / 7.6)  # about 7.5 px a character at 13 px in the report font
    out = _open(chart_id, width, height, title, desc)
    if column_title:
        out.append(f'<text x="{cells_x + (width - cells_x) / 2:.1f}" y="14" text-anchor="middle" '
                   f'fill="{TEXT}" font-size="13" font-weight="bold">{_e(column_title)}</text>')
    out.append(f'<text x="{label_width + status_w / 2:.1f}" y="{top - 10}" text-anchor="middle" '
               f'fill="{TEXT}" font-size="12" font-weight="bold">Status</text>')
    for j, col in enumerate(columns):
        x = cells_x + j * cell_w + cell_w / 2
        lines = _wrap(col, max(int(cell_w / 7), 4))[:2]
        for k, line in enumerate(lines):
            y = top - 10 - (len(lines) - 1 - k) * 14
            out.append(f'<text x="{x:.1f}" y="{y}" text-anchor="middle" fill="{TEXT}" '
                       f'font-size="12" font-weight="bold">{_e(line)}</text>')
    for i, ((label, status), row) in enumerate(zip(rows, values)):
        y = top + i * row_h
        lines = _wrap(label, chars)
        if len(lines) > 2:
            lines = [lines[0], truncate(" ".join(lines[1:]), chars)]
        for k, line in enumerate(lines):
            ty = y + row_h / 2 + 5 + (k - (len(lines) - 1) / 2) * 15
            out.append(f'<text x="{label_width - 8}" y="{ty:.1f}" text-anchor="end" '
                       f'fill="{TEXT}" font-size="13">{_e(line)}</text>')
        colour = STATUS_COLOURS.get(status, MUTED)
        out.append(f'<rect x="{label_width}" y="{y + 2}" width="{status_w}" height="{row_h - 4}" '
                   f'fill="{colour}"/><text x="{label_width + status_w / 2:.1f}" '
                   f'y="{y + row_h / 2 + 5}" text-anchor="middle" fill="#ffffff" font-size="13" '
                   f'font-weight="bold">{_e(STATUS_LABELS.get(status, status))}</text>')
        for j, value in enumerate(row):
            level = 0 if not value else min(len(HEAT) - 1, 1 + int(
                (len(HEAT) - 2) * value / biggest + 0.5))
            fill, ink = HEAT[level]
            x = cells_x + j * cell_w
            out.append(f'<rect x="{x + 1:.1f}" y="{y + 2}" width="{cell_w - 2:.1f}" '
                       f'height="{row_h - 4}" fill="{fill}" stroke="{GRID}" stroke-width="1"/>'
                       f'<text x="{x + cell_w / 2:.1f}" y="{y + row_h / 2 + 5}" '
                       f'text-anchor="middle" fill="{ink}" font-size="13">'
                       f'{_num(value) if value else DASH}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" fill="{colour}"/>'
    if shape == "triangle":
        return (f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y + 4.5:.1f} '
                f'{x - 6:.1f},{y + 4.5:.1f}" fill="{colour}"/>')
    if shape == "diamond":
        return (f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} '
                f'{x - 6:.1f},{y:.1f}" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'


def _ticks(biggest: float) -> list[float]:
    """Three to five round gridline values up to `biggest`."""
    if biggest <= 0:
        return []
    raw = biggest / 5
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    steps = (1, 2, 5, 10) if magnitude == 1 else (1, 2, 2.5, 5, 10)  # whole counts
    step = next(m * magnitude for m in steps if m * magnitude >= raw)
    return [step * k for k in range(1, int(biggest // step) + 1)]


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]
