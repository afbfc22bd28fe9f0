"""Jadu CMS directory records: /directory_record/<id>/<slug_with_underscores>
(platforms.md, section 1: Edinburgh, South Lanarkshire, Oxford, Birmingham, Manchester).

A record is a list of label/value pairs, as a definition list or a table of rows (th, td),
inside the main content; labels are whatever the council's directory defines ("Cost",
"Charges", "Age range", "How to access"...), so they go through the shared label table.
"""

from __future__ import annotations

import re

from .base import Adapter

_URL = re.compile(r"/directory[_-]record/(\d+)(?:/|$)", re.I)


class JaduAdapter(Adapter):
    platform = "jadu"
    structured = True

    def recognise(self, page) -> bool:
        return bool(_URL.search(page.url))

    def record_id(self, page, root) -> str | None:
        m = _URL.search(page.url)
        return m[1] if m else None
