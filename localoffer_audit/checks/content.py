"""Being built (issue 4)."""

CHECKS: list[type] = []
