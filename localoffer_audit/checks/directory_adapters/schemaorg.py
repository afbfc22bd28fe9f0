"""schema.org markup for a service: JSON-LD or microdata (platforms.md, section 4).

`GovernmentService` and `Service` (`provider`, `audience`, `availableChannel` ->
`ServiceChannel` with `servicePhone`/`serviceUrl`/`serviceLocation`, `hoursAvailable`,
`offers`), and the place-like types directories use for providers (`ChildCare`,
`LocalBusiness`). It is rare on Local Offer pages, so it is read when present and never
required: on a page another adapter recognised it only fills fields that adapter did not find;
on its own it makes a page a record only when it describes a service with contact or audience
details. A site's own `Organization` and `WebPage` nodes (Yoast adds them) are not services.
"""

from __future__ import annotations

import re
from typing import Any

from ...dates import jsonld_nodes
from .base import Adapter
from .common import Pair, Record, RECORD_FIELDS, cued_fields, squash, text_of

SERVICE_TYPES = frozenset(("Service", "GovernmentService", "ChildCare", "LocalBusiness",
                           "SportsActivityLocation", "SocialService", "MedicalClinic"))
_SELECTOR = 'script[type="application/ld+json"]'
_ITEMTYPE = re.compile(r"schema\.org/(\w+)\s*$")


def _types(node: dict) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _text(value: Any, depth: int = 0) -> str:
    """A JSON-LD value as text: strings, numbers, names of nested things, lists joined."""
    if depth > 3:
        return ""
    if isinstance(value, str):
        return squash(value)[:2000]
    if isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "; ".join(t for t in (_text(v, depth + 1) for v in value[:20]) if t)
    if isinstance(value, dict):
        for key in ("name", "text", "value", "telephone", "email", "streetAddress", "url"):
            if key in value:
                return _text(value[key], depth + 1)
    return ""


def _find(node: dict, *path: str) -> list[Any]:
    """Values at a path of keys, through nested objects and lists."""
    current = [node]
    for key in path:
        nxt = []
        for item in current:
            items = item if isinstance(item, list) else [item]
            for it in items[:20]:
                if isinstance(it, dict) and key in it:
                    nxt.append(it[key])
        current = nxt
    return current


def _ages(node: dict) -> str:
    audiences = _find(node, "audience") + _find(node, "serviceAudience")
    low = high = None
    for audience in audiences:
        for a in audience if isinstance(audience, list) else [audience]:
            if not isinstance(a, dict):
                continue
            low = low if low is not None else a.get("suggestedMinAge", a.get("requiredMinAge"))
            high = high if high is not None else a.get("suggestedMaxAge", a.get("requiredMaxAge"))
    if low is None and high is None:
        return ""
    return f"{low if low is not None else 0} to {high} years" if high is not None else f"{low}+"


def _cost(node: dict) -> str:
    if node.get("isAccessibleForFree") is True:
        return "Free"
    parts = []
    for offer in _find(node, "offers"):
        for o in offer if isinstance(offer, list) else [offer]:
            if isinstance(o, dict):
                price = o.get("price", _text(o.get("priceSpecification")))
                desc = o.get("description") or o.get("name") or ""
                text = squash(f"{o.get('priceCurrency', '')} {price if price is not None else ''} "
                              f"{desc}")
                if text:
                    parts.append(text)
            elif isinstance(o, str):
                parts.append(o)
    return "; ".join(parts)


def node_pairs(node: dict) -> list[Pair]:
    """The fields of one schema.org service node."""
    found: list[Pair] = []

    def add(label: str, field: str, value: Any) -> None:
        text = value if isinstance(value, str) else _text(value)
        if text:
            found.append(Pair(label, field, text, None, f"{_SELECTOR} /* {label} */"))

    add("description", "description", node.get("description"))
    for path in (("telephone",), ("provider", "telephone"), ("serviceOperator", "telephone"),
                 ("availableChannel", "servicePhone", "telephone"), ("contactPoint", "telephone")):
        for value in _find(node, *path):
            add(".".join(path), "phone", value)
    for path in (("email",), ("provider", "email"), ("serviceOperator", "email"),
                 ("contactPoint", "email")):
        for value in _find(node, *path):
            add(".".join(path), "email", value)
    add("url", "website", node.get("url") if isinstance(node.get("url"), str) else None)
    for path in (("address",), ("location", "address"), ("availableChannel", "serviceLocation",
                                                           "address"), ("areaServed",)):
        for value in _find(node, *path):
            add(".".join(path), "location", value)
    add("offers", "cost", _cost(node))
    add("audience", "age-range", _ages(node))
    for key in ("hoursAvailable", "openingHours", "openingHoursSpecification"):
        add(key, "opening-times", node.get(key))
    amenities = _text(node.get("amenityFeature")) + " " + _text(node.get("accessibilityFeature"))
    if "accessibility-info" in cued_fields(amenities) or node.get("accessibilityFeature"):
        add("amenityFeature", "accessibility-info", squash(amenities))
    for key in ("eligibleCustomerType", "eligibility", "serviceAudience"):
        if key != "serviceAudience" or isinstance(node.get(key), str):
            add(key, "eligibility", node.get(key))
    return found


def microdata_nodes(tree) -> list[dict]:
    """Microdata items of a service type, as flat dicts of their properties."""
    nodes = []
    for scope in tree.xpath("//*[@itemscope][@itemtype]"):
        m = _ITEMTYPE.search(scope.get("itemtype") or "")
        if not m or m[1] not in SERVICE_TYPES:
            continue
        node: dict[str, Any] = {"@type": m[1]}
        for prop in scope.xpath(".//*[@itemprop]"):
            name = prop.get("itemprop")
            value = prop.get("content") or prop.get("href") or text_of(prop)
            if name and value and name not in node:
                node[name] = value.removeprefix("tel:").removeprefix("mailto:")
        nodes.append(node)
    return nodes


class SchemaOrgAdapter(Adapter):
    platform = "schema.org"
    structured = True

    def recognise(self, page) -> bool:
        body = page.body
        return b"schema.org" in body and (b"ld+json" in body or b"itemtype" in body)

    def service_nodes(self, page) -> list[dict]:
        tree = page.tree
        if tree is None:
            return []
        nodes = [n for n in jsonld_nodes(tree) if _types(n) & SERVICE_TYPES]
        return nodes + microdata_nodes(tree)

    def extract(self, page) -> Record | None:
        nodes = self.service_nodes(page)
        for node in nodes:
            pairs = node_pairs(node)
            name = _text(node.get("name"))
            fields = {p.field for p in pairs} & RECORD_FIELDS
            if name and len(fields) >= self.min_fields:
                record = Record(page.url, self.platform, name[:300], None, pairs)
                # On its own the markup is a summary: the words of the page count too.
                root = self.root(page, page.tree)
                record.cued = cued_fields(text_of(root)) if root is not None else set()
                return record
        return None
