"""Readability family: which rules report each planted fault kind, and which must stay silent on
each control (see ../scoring.py and localoffer_audit/checks/readability.py)."""

READING_AGE_TARGET = {"RDB201"}  # above the target reading age (9): a notice
HARD_TO_READ = {"RDB202", "RDB203"}  # reading age above 12 (warning) or above 15 (error)
LONG_SENTENCES = {"RDB204"}
ALL_RULES = READING_AGE_TARGET | HARD_TO_READ | LONG_SENTENCES | {"RDB205", "RDB206"}

KIND_RULES: dict[str, set[str]] = {
    "hard-to-read": HARD_TO_READ,  # legalistic prose, Flesch-Kincaid grade 14 or more
    "long-sentences": LONG_SENTENCES,  # sentences averaging over 25 words
}
CONTROL_RULES: dict[str, set[str]] = {
    # Plain English at GOV.UK's target (reading age 9 or under; about grade 2 measured): no
    # reading-age finding at all, and no long sentences.
    "plain-english": READING_AGE_TARGET | HARD_TO_READ | LONG_SENTENCES,
    # Table cells and list items are short on their own: never one long sentence.
    "table-list-heavy": READING_AGE_TARGET | HARD_TO_READ | LONG_SENTENCES,
    # Under 100 words: skipped, so no readability finding at all.
    "short-page": ALL_RULES,
}
