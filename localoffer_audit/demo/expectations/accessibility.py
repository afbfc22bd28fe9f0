"""Accessibility family (HTML kinds covered so far): which rules report each planted fault kind,
and which must stay silent on each control (see ../scoring.py, checks/accessibility.py).
Kinds not listed yet are reported by scoring as "not covered" (PDF and statement kinds are
added by the documents/statement work)."""

KIND_RULES: dict[str, set[str]] = {
    "img-missing-alt": {"A11Y507"},
    "missing-title": {"A11Y502"},
    "empty-title": {"A11Y502"},
    "missing-h1": {"A11Y503"},
    "iframe-no-title": {"A11Y517"},
    "missing-lang": {"A11Y501"},
    "meta-refresh": {"A11Y518"},
    "zoom-disabled": {"A11Y519"},
}
CONTROL_RULES: dict[str, set[str]] = {
    "decorative-image": {"A11Y507"},
}
