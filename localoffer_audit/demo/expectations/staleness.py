"""Staleness family: which rules report each planted fault kind, and which must stay silent on
each control (see ../scoring.py and localoffer_audit/checks/staleness.py)."""

DATE_RULES = {"STL401", "STL402", "STL403", "STL404", "STL405"}
TERM_RULES = {"STL411", "STL412"}

KIND_RULES: dict[str, set[str]] = {
    "last-updated-over-24-months": {"STL401"},
    "last-updated-12-to-24-months": {"STL402"},
    "next-review-past": {"STL403"},
    "future-date": {"STL404"},
    "jsonld-date-mismatch": {"STL405"},
    "outdated-term": TERM_RULES,
    "feedback-older-than-12-months": {"STL421"},
    "post16-transport-statement-past-year": {"STL422"},
    "past-academic-year-heading": {"STL424"},
    "expired-event-still-upcoming": {"STL425"},
    "covid-suspension-notice": {"STL426"},
}
CONTROL_RULES: dict[str, set[str]] = {
    "fresh-page": DATE_RULES,
    "future-event": {"STL404", "STL425"},
    "historical-mention": TERM_RULES,
    "statement-wording": TERM_RULES,
}
