"""The adapter interface: recognise a platform's record pages cheaply, then read the record."""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from ...dates import main_root
from .common import RECORD_FIELDS, Record, cued_fields, labelled_pairs, links_in, squash, text_of


class Adapter:
    """One platform's directory records. Subclasses set `platform` and override what differs.

    `recognise(page)` must be cheap (the URL, a substring of the raw body): it runs on every
    page. `extract(page)` parses; it returns None when the page is not a record after all (a
    "record not found" page at a record address, a listing)."""

    platform: ClassVar[str] = ""
    # True: the platform has a field for each detail, so a detail missing from the fields is
    # missing. False: details live in body text, so words in the text count too.
    structured: ClassVar[bool] = True
    min_fields: ClassVar[int] = 2  # labelled fields a page needs to count as a record
    machine_names: ClassVar[dict[str, str | None] | None] = None  # Drupal field names

    def recognise(self, page) -> bool:
        raise NotImplementedError

    def root(self, page, tree) -> Any:
        return main_root(tree)

    def record_id(self, page, root) -> str | None:
        return None

    def name(self, page, root) -> str:
        for scope in (root, page.tree):
            h1 = next(iter(scope.iter("h1")), None) if scope is not None else None
            if h1 is not None and text_of(h1):
                return text_of(h1)[:300]
        title = page.title or ""
        return squash(re.split(r"\s+[|–—-]\s+", title)[0])[:300]

    def extra_pairs(self, page, root) -> list:
        """Platform-specific fields the generic reading misses."""
        return []

    def extract(self, page) -> Record | None:
        tree = page.tree
        if tree is None:
            return None
        root = self.root(page, tree)
        if root is None:
            return None
        pairs = labelled_pairs(root, machine_names=self.machine_names) + self.extra_pairs(page, root)
        fields = {p.field for p in pairs if p.text.strip()} & RECORD_FIELDS
        if len(fields) < self.min_fields:
            return None
        record = Record(page.url, self.platform, self.name(page, root), self.record_id(page, root),
                        pairs)
        record.contact_links = links_in(root, "tel") + links_in(root, "mailto")
        if not self.structured:
            record.cued = cued_fields("\n".join(p.text for p in pairs)
                                      + "\n" + "\n".join(_free_text(root)))
        return record


def _free_text(root) -> list[str]:
    return [text_of(el) for el in root.iter("p", "li", "td", "dd", "span")
            if isinstance(el.tag, str)][:400]


def query_param(url: str, name: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get(name)
    return values[0] if values else None
