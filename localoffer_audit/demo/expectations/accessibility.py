"""Accessibility family: which rules report each planted fault kind, and which must stay silent
on each control (see ../scoring.py, checks/accessibility.py, checks/a11y_documents.py and
checks/a11y_statement.py). Kinds not listed are reported by scoring as "not covered"."""

# Every rule that reads the accessibility statement. An overdue review is STL423 (staleness
# family): one rule for that fact, so the statement checks do not report it again.
STATEMENT_RULES = {"A11Y560", "A11Y561", "A11Y562", "A11Y563", "A11Y564", "A11Y565", "STL423"}

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
    # documents (on the document itself, except pdf-only-page: the page, with the PDF as target)
    "pdf-untagged": {"A11Y550"},
    "pdf-missing-title": {"A11Y551"},
    "pdf-no-text-layer": {"A11Y554"},
    "pdf-only-page": {"A11Y555", "A11Y556"},
    # the accessibility statement
    "statement-missing-section": {"A11Y562"},
    "statement-review-overdue": {"STL423"},
    "statement-old-wcag-version": {"A11Y563"},
}
CONTROL_RULES: dict[str, set[str]] = {
    "decorative-image": {"A11Y507"},
    "complete-accessibility-statement": STATEMENT_RULES,
}
