"""Links family: which rules report each planted fault kind (filled in as rules land)."""

KIND_RULES: dict[str, set[str]] = {
    "broken-internal-link": {"LNK301"},
    "gone-internal-link": {"LNK301"},
    "redirect-to-404": {"LNK301"},
}
CONTROL_RULES: dict[str, set[str]] = {}
