"""Expectations for scoring against the demo answer key (filled in as rules land)."""

KIND_RULES: dict[str, set[str]] = {}
CONTROL_RULES: dict[str, set[str]] = {}
