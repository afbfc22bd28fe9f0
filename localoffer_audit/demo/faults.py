"""The fault log behind ``answer-key.json``, and the catalogue of planted kinds.

Every planted fault is one entry ``{id, family, kind, page, target, detail, expected}``;
negative controls are ``{family, kind, page, detail, expected}``. ``page`` is the
site-relative URL where a checker should report the problem (the page holding a
bad link, or the document itself); ``target`` is the link target when there is one.
``expected`` is ``reported`` for faults and ``not-reported``, ``skipped`` or
``excluded`` for controls and scope fixtures.

===================  =================================  ======================================================
family               kind                               what is planted (detail holds)
===================  =================================  ======================================================
links                broken-internal-link               <a> to a missing page, wrong case, bad ../ (404)
links                gone-internal-link                 <a> to a deleted page or kb5 record (410)
links                broken-external-link               external mock /not-found 404, /gone 410, /error 500 (status)
links                bot-blocked-link                   external /bot-wall: 403 + cf-mitigated: challenge
links                rate-limited-link                  external /rate-limited: always 429 + Retry-After
links                slow-link                          external /slow: answers after 6 s
links                external-redirect-chain            external /redirect-2: 2 hops to /ok
links                permanent-redirect-other-host      external /moved-host: 301 to the main site
links                redirect-chain                     internal 301/302 chain of 2 or 3 hops to a real page (hops)
links                redirect-loop                      /loop-a <-> /loop-b
links                redirect-to-404                    301 chain ending at a 404
links                soft-404                           link to a 200 page that says the thing is missing (which)
links                missing-fragment                   #id that does not exist on the target page
links                malformed-mailto                   mailto:name@council (no TLD) or no @
links                malformed-tel                      tel: with letters or too few digits
links                retired-domain                     http://www.exampleshireccg.nhs.uk/ (CCG abolished 2022)
links                dns-failure                        http://services.exampleshire.invalid/
links                document-link-text-hides-type      "click here" to a PDF, no type or size
staleness            last-updated-over-24-months        visible last-updated date (ISO date)
staleness            last-updated-12-to-24-months       visible last-updated date (ISO date)
staleness            next-review-past                   "Next review due" in the past (ISO date)
staleness            future-date                        last updated in 2052 (typo)
staleness            jsonld-date-mismatch               WordPress JSON-LD dateModified >30 days off the visible date
staleness            outdated-term                      the term, exactly as written on the page
staleness            feedback-older-than-12-months      "You said, we did" dated more than 12 months ago
staleness            post16-transport-statement-past-year  statement for an academic year already over
staleness            expired-event-still-upcoming       event in the past still labelled upcoming
staleness            covid-suspension-notice            "suspended due to COVID-19" notice
staleness            past-academic-year-heading         heading naming an old academic year
readability          hard-to-read                       legalistic prose, FK grade >= 14, >= 150 words
readability          long-sentences                     average sentence over 25 words
accessibility        img-missing-alt / img-filename-alt / img-placeholder-alt
accessibility        missing-title / empty-title / missing-h1 / skipped-heading-level / empty-heading
accessibility        empty-link / ambiguous-link-text / form-field-no-label / table-no-headers
accessibility        iframe-no-title / missing-lang / meta-refresh / zoom-disabled
accessibility        new-window-unannounced / low-contrast-inline-style
accessibility        pdf-only-page                      page body is only a link to a PDF
accessibility        pdf-no-text-layer / pdf-missing-title / pdf-untagged   on the document itself
accessibility        statement-missing-section          accessibility statement lacks a GDS section (name)
accessibility        statement-review-overdue           statement last reviewed > 12 months ago
accessibility        statement-old-wcag-version         compliance sentence names WCAG 2.1 only (version)
required-content     wrong-ehc-timescale                EHC page claims 26 weeks (should be 20)
directory            missing-field                      record lacks a field (cost, age-range, contact,
                                                        referral-route, accessibility-info)
directory            placeholder-value                  "field: value" e.g. "cost: TBC", "age-range: 0-99"
directory            min-age-above-max                  e.g. "18-5"
directory            invalid-phone / invalid-email      the bad value
directory            duplicate-service                  same service under another id (target = the original)
===================  =================================  ======================================================

Controls (expected not-reported unless stated): links ok-external-link,
head-refused-link (HEAD 405, GET 200), valid-fragment, document-link-labelled;
staleness historical-mention, statement-wording, fresh-page, future-event;
readability plain-english, table-list-heavy, short-page (expected skipped);
accessibility decorative-image, complete-accessibility-statement;
required-content care-leavers-page (expected excluded);
directory complete-record.
"""

from __future__ import annotations

FAMILIES = ("links", "staleness", "readability", "accessibility", "required-content", "directory")


class FaultLog:
    def __init__(self) -> None:
        self._faults: list[dict] = []
        self._controls: list[dict] = []

    def fault(
        self, family: str, kind: str, page: str, target: str | None = None, detail: str = "", expected: str = "reported"
    ) -> None:
        assert family in FAMILIES, family
        self._faults.append(
            {"family": family, "kind": kind, "page": page, "target": target, "detail": detail, "expected": expected}
        )

    def control(self, family: str, kind: str, page: str, detail: str = "", expected: str = "not-reported") -> None:
        assert family in FAMILIES, family
        self._controls.append({"family": family, "kind": kind, "page": page, "detail": detail, "expected": expected})

    def faults(self) -> list[dict]:
        """Sorted, de-duplicated, with stable ids F0001... ."""

        def sort_key(f):
            return (FAMILIES.index(f["family"]), f["kind"], f["page"], f["target"] or "", f["detail"])

        unique = {tuple(sorted((k, str(v)) for k, v in f.items())): f for f in self._faults}
        out = []
        for i, f in enumerate(sorted(unique.values(), key=sort_key), 1):
            out.append({"id": f"F{i:04d}", **f})
        return out

    def controls(self) -> list[dict]:
        unique = {tuple(sorted(c.items())): c for c in self._controls}
        return sorted(unique.values(), key=lambda c: (FAMILIES.index(c["family"]), c["kind"], c["page"], c["detail"]))

    def count(self, family: str, kind: str) -> int:
        return sum(1 for f in self._faults if f["family"] == family and f["kind"] == kind)
