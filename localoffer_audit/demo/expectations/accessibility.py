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
    "img-filename-alt": {"A11Y508"},
    "img-placeholder-alt": {"A11Y508"},
    "skipped-heading-level": {"A11Y505"},
    "empty-heading": {"A11Y506"},
    "empty-link": {"A11Y510"},
    "ambiguous-link-text": {"A11Y512"},
    "form-field-no-label": {"A11Y515"},
    "table-no-headers": {"A11Y516"},
    "new-window-unannounced": {"A11Y521"},
    "low-contrast-inline-style": {"A11Y520"},
}
CONTROL_RULES: dict[str, set[str]] = {
    "decorative-image": {"A11Y507"},
}
