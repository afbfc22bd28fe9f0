"""Per-family expectations for scoring audits against the demo answer key (see ../scoring.py)."""
