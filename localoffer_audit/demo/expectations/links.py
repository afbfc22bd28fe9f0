"""Links family: which rules report each planted fault kind, and which must stay silent on each
control (see ../scoring.py and checks/links.py)."""

KIND_RULES: dict[str, set[str]] = {
    "broken-internal-link": {"LNK301"},
    "gone-internal-link": {"LNK301"},
    "redirect-to-404": {"LNK301"},
    "broken-external-link": {"LNK302"},
    "bot-blocked-link": {"LNK313"},
    "rate-limited-link": {"LNK313"},
    "slow-link": {"LNK307"},
    "external-redirect-chain": {"LNK305"},
    "permanent-redirect-other-host": {"LNK306"},
    "redirect-chain": {"LNK305"},
    "redirect-loop": {"LNK304"},
    "soft-404": {"LNK314"},
    "missing-fragment": {"LNK315"},
    "malformed-mailto": {"LNK310"},
    "malformed-tel": {"LNK311"},
    "retired-domain": {"LNK309"},
    "dns-failure": {"LNK303"},
    "document-link-text-hides-type": {"LNK316"},
}

# Healthy links: no links rule that judges a link target may fire on them.
_ANY_LINK_PROBLEM = {"LNK301", "LNK302", "LNK303", "LNK304", "LNK305", "LNK306", "LNK307",
                     "LNK308", "LNK309", "LNK312", "LNK313", "LNK314"}
CONTROL_RULES: dict[str, set[str]] = {
    "ok-external-link": _ANY_LINK_PROBLEM,
    "head-refused-link": _ANY_LINK_PROBLEM,  # HEAD answers 405, GET 200: not broken
    "valid-fragment": _ANY_LINK_PROBLEM | {"LNK315"},
    "document-link-labelled": _ANY_LINK_PROBLEM | {"LNK316"},
}
