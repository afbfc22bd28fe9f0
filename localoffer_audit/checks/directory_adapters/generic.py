"""Record pages named by the site's own URL patterns ([checks.directory-records]
record_url_patterns), for directory platforms without an adapter of their own. The page is
read like a loosely structured one: labelled values, and words in the text."""

from __future__ import annotations

import re

from .base import Adapter


class GenericAdapter(Adapter):
    platform = "generic"
    structured = False
    min_fields = 2

    def __init__(self, patterns: list[str]) -> None:
        self.patterns = [re.compile(p) for p in patterns]

    def recognise(self, page) -> bool:
        return any(p.search(page.url) for p in self.patterns)
