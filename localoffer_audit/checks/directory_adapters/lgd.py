"""LocalGov Drupal directory entries (localgov_directories): venue, page and organisation nodes.

The node is `<article class="node node--type-localgov-directories-venue node--view-mode-full">`
(platforms.md, section 3); each field is `div.field.field--name-<machine-name>` with a
`field__label` and `field__item`s: Contact name `localgov-directory-name`, phone
`localgov-directory-phone`, email `localgov-directory-email`, website
`localgov-directory-website`, opening times `localgov-directory-opening-times`, map
`localgov-location`. There are no fields for cost, ages, referral or accessibility: councils
write those in the body or as facets, so words in the text count for them (not structured).
Listing pages show entries as teasers: only the full view is a record.
"""

from __future__ import annotations

import re

from .base import Adapter

_MARK = b"node--type-localgov-directories-"
_BUNDLE = re.compile(r"\bnode--type-localgov-directories-(?:venue|page|org)\b")
_NOT_FULL = re.compile(r"\bnode--view-mode-(?:teaser|card|search-result|listing|embed)\b")


class LocalGovDrupalAdapter(Adapter):
    platform = "lgd"
    structured = False
    min_fields = 1
    machine_names = {
        "localgov-directory-name": "contact-name",
        "localgov-directory-job-title": None,
        "localgov-directory-phone": "phone",
        "localgov-directory-email": "email",
        "localgov-directory-website": "website",
        "localgov-directory-opening-times": "opening-times",
        "localgov-location": "location",
        "localgov-directory-address": "location",
        "localgov-directory-notes": None,
        "localgov-directory-files": None,
        "body": "description",
        "localgov-directory-facets-select": None,
    }

    def recognise(self, page) -> bool:
        return _MARK in page.body

    def root(self, page, tree):
        nodes = [a for a in tree.iter("article")
                 if _BUNDLE.search(a.get("class") or "") and not _NOT_FULL.search(a.get("class") or "")]
        return nodes[0] if len(nodes) == 1 else None

    def record_id(self, page, root) -> str | None:
        node = root.get("data-history-node-id")
        if node:
            return node
        about = root.get("about") or ""
        m = re.search(r"/node/(\d+)", about)
        return m[1] if m else None
