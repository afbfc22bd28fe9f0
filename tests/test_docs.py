"""Docs are generated from code or checked against it, so they cannot drift."""

from __future__ import annotations

import re
import subprocess
import sys

from localoffer_audit.config import OWNER_KEYS, SCHEMA
from localoffer_audit.registry import discover_checks
from localoffer_audit.runner import known_rules
from support import ROOT


def test_rule_docs_are_generated_and_current():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_rule_docs.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_every_rule_has_doc_with_the_standard_headings():
    for rule in known_rules(discover_checks()):
        assert "## What it checks" in rule.doc, rule.code
        assert "## Why it matters" in rule.doc, rule.code
        assert rule.fix, rule.code


def test_every_config_key_is_documented():
    text = (ROOT / "docs" / "configuration.md").read_text("utf-8")
    for table, keys in SCHEMA.items():
        assert f"[{table}]" in text, table
        for key in keys:
            assert f"| `{key}` |" in text, f"[{table}].{key} is not in docs/configuration.md"
    for key in OWNER_KEYS:
        assert f"| `{key}` |" in text, f"[[owners]].{key}"


def test_every_check_option_is_documented():
    from localoffer_audit.defaults import CHECK_OPTIONS

    text = (ROOT / "docs" / "configuration.md").read_text("utf-8")
    for check, options in CHECK_OPTIONS.items():
        for option in options:
            assert f"| `{check}` | `{option}` |" in text, f"[checks.{check}].{option}"


def documented_fields(section: str) -> dict[str, str]:
    """Field -> type from the table under `## section` in docs/output-format.md."""
    text = (ROOT / "docs" / "output-format.md").read_text("utf-8")
    body = text.split(f"## `{section}`", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| ([\w|\\]+) \|", body, re.M)}


def test_output_format_tables_parse():
    assert "fingerprint" in documented_fields("findings.jsonl")
    assert "depth" in documented_fields("pages.jsonl")
    assert "capped" in documented_fields("summary.json")
    assert "events" in documented_fields("summary.json")


def test_every_counted_event_is_documented():
    from localoffer_audit.events import CAPPED_EVENTS, EVENTS

    text = (ROOT / "docs" / "output-format.md").read_text("utf-8")
    body = text.split("### `events`", 1)[1].split("\n## ", 1)[0]
    assert set(re.findall(r"^\| `(\w+)` \|", body, re.M)) == set(EVENTS) | set(CAPPED_EVENTS)
