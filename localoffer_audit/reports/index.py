"""OUT/index.html and OUT/index.json: the sites of a multi-site audit, each with its headline
figures and a link to its own report. Site names come from configs and crawled pages, so
everything is escaped (Jinja2 autoescape)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from jinja2 import Environment

from .. import __version__
from . import write_atomic

TEMPLATE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="localoffer-audit {{ version }}">
<title>Local Offer audits: {{ sites | length }} sites</title>
<style>{{ css }}</style>
</head>
<body>
<main id="main">
<h1>Local Offer audits: {{ sites | length }} sites</h1>
<table>
<caption>Each site's headline figures; the site's name links to its full report.</caption>
<thead><tr><th scope="col">Site</th><th scope="col">Pages</th><th scope="col">Errors</th>
<th scope="col">Warnings</th><th scope="col">Notices</th><th scope="col">Findings</th>
<th scope="col">Audited</th></tr></thead>
<tbody>
{% for s in sites %}
<tr>
{% if s.error %}
<th scope="row">{{ s.site }} <small>({{ s.config }})</small></th>
<td colspan="6">Not audited: {{ s.error }}</td>
{% else %}
<th scope="row"><a href="{{ s.slug | urlencode }}/report.html">{{ s.site }}</a></th>
<td>{{ s.pages }}</td><td>{{ s.errors }}</td><td>{{ s.warnings }}</td><td>{{ s.notices }}</td>
<td>{{ s.findings }}</td><td>{{ s.started_at }} (run {{ s.run_id }})</td>
{% endif %}
</tr>
{% endfor %}
</tbody>
</table>
</main>
<footer><p>Made by localoffer-audit {{ version }}.</p></footer>
</body>
</html>
"""


def write_index(out: Path, sites: Sequence[dict[str, Any]]) -> Path:
    env = Environment(autoescape=True, keep_trailing_newline=True)
    css = (Path(__file__).parent / "templates" / "report.css").read_text("utf-8")
    from markupsafe import Markup

    # s.error: why the site could not be audited; s.errors: how many error findings it has
    html = env.from_string(TEMPLATE).render(sites=sites, css=Markup(css), version=__version__)
    write_atomic(out / "index.json", [json.dumps({"tool": "localoffer-audit",
                                                   "tool_version": __version__,
                                                   "sites": list(sites)}, indent=2)])
    return write_atomic(out / "index.html", [html])
