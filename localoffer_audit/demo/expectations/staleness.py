"""Staleness family: which rules report each planted fault kind (filled in as rules land)."""

KIND_RULES: dict[str, set[str]] = {}
CONTROL_RULES: dict[str, set[str]] = {}
