"""Directory family: which rules report each planted fault kind, and which must stay silent on
each control (see ../scoring.py and localoffer_audit/checks/directory.py)."""

# The rules about a record's own fields. A complete record must trigger none of them.
RECORD_RULES = {"DIR601", "DIR602", "DIR603", "DIR604", "DIR605", "DIR606"}

KIND_RULES: dict[str, set[str]] = {
    "missing-field": {"DIR601", "DIR602"},  # contact is DIR601; the other fields DIR602
    "placeholder-value": {"DIR603"},
    "min-age-above-max": {"DIR604"},
    "invalid-phone": {"DIR605"},
    "invalid-email": {"DIR606"},
    "duplicate-service": {"DIR607"},  # reported on the copy, with the original as target
}
CONTROL_RULES: dict[str, set[str]] = {
    # "All fields present and valid" says nothing about being listed twice: DIR607 is reported
    # on every record of a duplicate pair (each names the other), original included.
    "complete-record": RECORD_RULES,
}
