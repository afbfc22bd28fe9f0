"""WordPress directory listings.

WordPress has no directory of its own: listings are a custom post type (a theme's "service",
or a directory plugin's `wpbdp_listing`, `gd_place`, `at_biz_dir`...), shown with the body
class `single-<post type>` (platforms.md, section 1: WordPress; `/wp-content/` fingerprint).
Details are usually written as headings or "Label: value" lines in the entry content, so words
in the text count too (not structured). Ordinary pages (`page-template-*`) are never records.
"""

from __future__ import annotations

import re

from .base import Adapter

POST_TYPES = ("service", "services", "directory", "directory-listing", "directory_listing",
              "listing", "listings", "provider", "providers", "wpbdp_listing", "gd_place",
              "at_biz_dir", "organisation", "organization", "local-offer", "local_offer",
              "localoffer", "activity", "activities", "club", "support-service", "lo_service")
_BODY = re.compile(rb"<body[^>]*\bclass=[\"'][^\"']*\bsingle-(" +
                   b"|".join(re.escape(t.encode()) for t in POST_TYPES) + rb")\b", re.I)
_POST_ID = re.compile(r"\bpostid-(\d+)\b")


class WordPressAdapter(Adapter):
    platform = "wordpress"
    structured = False
    min_fields = 2

    def recognise(self, page) -> bool:
        body = page.body
        return (b"/wp-content/" in body or b"wp-json" in body) and bool(_BODY.search(body))

    def root(self, page, tree):
        for article in tree.iter("article"):
            if re.search(r"\btype-\w", article.get("class") or ""):
                return article
        return super().root(page, tree)

    def record_id(self, page, root) -> str | None:
        body = page.tree.find("body")
        m = _POST_ID.search(body.get("class") or "") if body is not None else None
        return m[1] if m else None
