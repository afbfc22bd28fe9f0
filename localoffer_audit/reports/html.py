"""report.html: one self-contained file (inline CSS, no JavaScript), rendered with Jinja2.

Crawled text is hostile: autoescape is on for every template, and nothing is marked safe.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from . import write_atomic
from .viewmodel import SEVERITY_ORDER, ReportData


def short_url(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


FILTERS = {"short_url": short_url}


def make_environment() -> Environment:
    env = Environment(loader=PackageLoader("localoffer_audit.reports", "templates"),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True,
                      undefined=StrictUndefined)
    env.filters.update(FILTERS)
    env.globals.update(severity_order=SEVERITY_ORDER)
    return env


class HtmlReporter:
    name = "html"

    def write(self, data: ReportData, out_dir: Path) -> list[Path]:
        template = make_environment().get_template("report.html.j2")
        # Our own stylesheet is trusted; it is the only thing not escaped.
        css = Markup((Path(__file__).parent / "templates" / "report.css").read_text("utf-8"))
        return [write_atomic(out_dir / "report.html", template.generate(data=data, css=css))]
