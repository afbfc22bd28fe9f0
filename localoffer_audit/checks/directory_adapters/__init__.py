"""Directory record adapters: one small module per platform (platforms.md, sections 1-4).

    kb5        Open Objects FSD / Family Information Directory   /kb5/<la>/<channel>/service.page?id=
    jadu       Jadu CMS                                           /directory_record/<id>/<slug>
    lgd        LocalGov Drupal localgov_directories entries      node--type-localgov-directories-*
    wordpress  WordPress directory post types                    body.single-<post type>
    schema.org JSON-LD or microdata Service / GovernmentService  fills gaps, or stands alone
    generic    the site's own record_url_patterns
    oruk       the Open Referral UK feed ([site].oruk_url), not HTML: see oruk.py

`extract_record(page)` tries each HTML adapter's cheap `recognise` (URL, raw-body substrings)
and parses only the page of the first that recognises it; most pages of a Local Offer are
not records and cost a few substring searches.
"""

from __future__ import annotations

from typing import Sequence

from .base import Adapter
from .common import Record, RecordKey
from .generic import GenericAdapter
from .jadu import JaduAdapter
from .kb5 import Kb5Adapter
from .lgd import LocalGovDrupalAdapter
from .schemaorg import SchemaOrgAdapter
from .wordpress import WordPressAdapter

ADAPTERS: tuple[Adapter, ...] = (Kb5Adapter(), JaduAdapter(), LocalGovDrupalAdapter(),
                                 WordPressAdapter())
SCHEMA_ORG = SchemaOrgAdapter()

__all__ = ["ADAPTERS", "SCHEMA_ORG", "Adapter", "Record", "RecordKey", "extract_record",
           "last_updated", "readable"]


def readable(page) -> bool:
    return (page.kind == "html" and page.status is not None and 200 <= page.status < 300
            and bool(page.body))


def extract_record(page, extra: Sequence[Adapter] = ()) -> Record | None:
    """The directory record on `page`, or None when it is not a record page."""
    if not readable(page):
        return None
    record = None
    for adapter in (*ADAPTERS, *extra):
        if adapter.recognise(page):
            record = adapter.extract(page)
            if record is not None:
                break
    if SCHEMA_ORG.recognise(page):
        found = SCHEMA_ORG.extract(page)
        if found is not None and record is not None:
            record.merge(found)
        elif found is not None:
            record = found
    return record


def last_updated(page):
    """When the record on `page` was last updated, by the dates module's rules ("Last Updated
    03/09/2026" on kb5, a WordPress "Last updated" line, JSON-LD dateModified...). It uses the
    staleness checks' reading of the page, so the work is shared with them."""
    from ..staleness import read

    found = read(page).dates.last_updated
    return found.date if found else None


def generic_adapter(patterns: Sequence[str]) -> tuple[Adapter, ...]:
    return (GenericAdapter(list(patterns)),) if patterns else ()
