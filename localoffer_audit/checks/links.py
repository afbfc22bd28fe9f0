"""Links (family `links`). The crawl recorded every link and every target's status;
this check only reads them, so it re-runs offline."""

from __future__ import annotations

from http import HTTPStatus
from typing import Iterable

from ..models import Finding, Rule, Severity, Site
from . import NoOptions, load_doc

BROKEN_INTERNAL = Rule(
    "LNK301", "broken-internal-link", "Link to a page on this site that does not work",
    Severity.ERROR, "links", tags=("links", "internal"),
    fix="Change the link to point to the page's current address, or remove it if the page "
        "has gone for good.",
    doc=load_doc("LNK301"))

PLAIN_REASONS = {404: "page not found", 410: "page has been removed"}


def plain_reason(status: int) -> str:
    if status in PLAIN_REASONS:
        return PLAIN_REASONS[status]
    if status >= 500:
        return "the server had an error"
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "an error"


class BrokenInternalLinks(NoOptions):
    """Internal links whose target (after redirects) answers 4xx or 5xx."""

    name = "internal-links"
    rules = (BROKEN_INTERNAL,)

    def check_site(self, site: Site) -> Iterable[Finding]:
        for link in site.links():
            if not link.internal or link.tag == "http-redirect":
                continue  # redirect hops are judged at the link that starts the chain
            result = site.status_of(link.target)
            if result is None or result.status is None or result.status < 400:
                continue
            label = f"“{link.text}”" if link.text else f"<{link.tag}>"
            via = f" after {len(result.redirects)} redirect(s)" if result.redirects else ""
            yield Finding(
                rule=BROKEN_INTERNAL.code, rule_name=BROKEN_INTERNAL.name,
                family=BROKEN_INTERNAL.family, severity=BROKEN_INTERNAL.severity,
                url=link.source, target=link.target,
                message=(f"The link {label} goes to a page that answers {result.status}"
                         f"{via} ({plain_reason(result.status)})."),
                fix=BROKEN_INTERNAL.fix,
                extra={"status": result.status, "redirects": list(result.redirects)})


CHECKS = [BrokenInternalLinks]
