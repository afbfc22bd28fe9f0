"""Open Objects "FSD" / Family Information Directory (kb5) service records.

Record pages live at /kb5/<la>/<channel>/service.page?id=<token> (platforms.md, section 1).
After the h1 and the description come blocks with headings: "Who to contact" (Contact Name,
Telephone, E-mail, Website), "Where to go" (address, postcode), "Time / Date Details", "Other
Details" (a cost table of amount and cost type, "Referral required", "Referral Details", "Age
Ranges"), "Local Offer" (description, age bands, SEN provision type), and a "Last Updated
dd/mm/yyyy" line. The blocks are read as labelled values (definition lists, table rows, a
captioned table, sections under headings), so label wording may vary between councils.
"""

from __future__ import annotations

import re

from .base import Adapter, query_param
from .common import Pair, text_of

_URL = re.compile(r"/kb5/[^/?#]+/[^/?#]+/service\.page(?:\?|$)", re.I)


class Kb5Adapter(Adapter):
    platform = "kb5"
    structured = True

    def recognise(self, page) -> bool:
        return bool(_URL.search(page.url))

    def record_id(self, page, root) -> str | None:
        return query_param(page.url, "id")

    def extra_pairs(self, page, root) -> list[Pair]:
        found = []
        for el in root.iter():
            classes = (el.get("class") or "").split() if isinstance(el.tag, str) else ()
            if "service_description" in classes or "description" in classes:
                text = text_of(el)
                if text:
                    found.append(Pair("Description", "description", text, el,
                                      ".service_description"))
        return found
