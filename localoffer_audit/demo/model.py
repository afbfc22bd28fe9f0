"""In-memory model of the demo site: pages and directory records before rendering.

The generator builds these, the fault planter mutates them, and the templates
turn them into HTML. Keeping planting separate from rendering means a fault is
just a field change plus one answer-key entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Record:
    """A directory entry (kb5 service record or Jadu directory_record)."""

    name: str
    description: str
    contact_name: str | None
    phone: str | None
    email: str | None
    website: str | None
    address: str
    postcode: str
    cost: list[tuple[str, str]] | str | None  # rows, a placeholder string, or missing
    age: tuple[int, int] | str | None  # (min, max) years, a placeholder, or missing
    referral: str | None
    accessibility: list[str] | None
    needs: list[str]
    missing: list[str] = field(default_factory=list)  # answer-key field names
    invalid: list[str] = field(default_factory=list)
    duplicate_of: str | None = None


@dataclass
class Page:
    path: str  # canonical site URL (path, plus query for kb5 routes)
    file: str  # file name under site/
    platform: str  # lgd | kb5 | wp | jadu
    title: str
    role: str = "filler"  # filler pages may receive random faults; others are hand-made
    topic: str | None = None  # landing key the page belongs to
    h1: str | None = None  # None -> same as title
    lede: str = ""
    crumbs: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    sidebar: list[tuple[str, str]] = field(default_factory=list)
    bundle: str = "localgov-services-page"
    updated: dt.date | None = None  # visible "last updated" date
    review_due: dt.date | None = None
    raw_date_text: str | None = None  # overrides the rendered date line (typos, odd formats)
    jsonld_modified: dt.date | None = None
    record: Record | None = None
    title_mode: str = "normal"  # normal | missing | empty
    show_h1: bool = True
    lang: bool = True
    head_extra: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    footer_extra: list[tuple[str, str]] = field(default_factory=list)
    guide_nav: list[tuple[str, str]] | None = None
    reserved: bool = False  # readability fixtures: no other text may be appended

    @property
    def heading(self) -> str:
        return self.h1 if self.h1 is not None else self.title
