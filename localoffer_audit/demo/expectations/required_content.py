"""Required-content family: which rules report each planted fault kind, and which must stay
silent on each control (see ../scoring.py and localoffer_audit/checks/content.py).

Topic statuses (covered / partial / missing, and depth over 3 clicks) are in the answer key's
"topics", not its faults: tests/test_checks_content.py compares them with coverage.json."""

ALL_RULES = {"CNT101", "CNT102", "CNT103", "CNT104", "CNT105", "CNT106", "CNT107", "CNT108",
             "CNT109"}

KIND_RULES: dict[str, set[str]] = {
    "wrong-ehc-timescale": {"CNT104"},
}
CONTROL_RULES: dict[str, set[str]] = {
    # The "local offer for care leavers" is a different duty: excluded, so no rule of the family
    # may report anything on it (and it is listed under "excluded" in coverage.json).
    "care-leavers-page": ALL_RULES,
}
