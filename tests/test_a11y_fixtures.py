"""Fixture pages for every page rule of the accessibility family, axe-core style.

tests/fixtures/pages/accessibility/<CODE>/ holds pass-*.html (no finding of CODE) and fail-*.html
(exactly `count` findings of CODE) pages, listed in expected.json (see the README there). Every
installed page check whose rules are in family "accessibility" runs on each page, so a rule is
tested as it is installed, whichever module it lives in. Site-level rules and PDF rules have their
own harness (tests/test_a11y_site_fixtures.py); the real-browser engine is a site check, and its
folders (expected.json "engine": "axe") are rendered by tests/test_a11y_engine_fixtures.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from localoffer_audit.models import Page
from localoffer_audit.registry import discover_checks

FIXTURES = Path(__file__).parent / "fixtures" / "pages" / "accessibility"
DEFAULT_URL = "http://localoffer.test/p"
FAMILY = "accessibility"


def _page_checks():
    return [c for c in discover_checks()
            if c.kind == "page" and any(r.family == FAMILY for r in c.rules)]


PAGE_CHECKS = _page_checks()
PAGE_RULES = {r.code for c in PAGE_CHECKS for r in c.rules if r.family == FAMILY}


def _expected(folder: Path) -> dict:
    return json.loads((folder / "expected.json").read_text("utf-8"))


def _html_cases() -> list[tuple[str, str]]:
    """Page-rule cases: folders marked "engine" (rules of the real-browser engine) are rendered
    by tests/test_a11y_engine_fixtures.py instead."""
    return [(folder.name, name) for folder in sorted(FIXTURES.iterdir()) if folder.is_dir()
            and not _expected(folder).get("engine")
            for name in sorted(_expected(folder)["files"]) if name.endswith(".html")]


@pytest.fixture(scope="module")
def checks():
    return [c.cls.from_config({}) for c in PAGE_CHECKS]


def findings_of(checks, code: str, html: bytes, url: str):
    page = Page(url=url, status=200, content_type="text/html", kind="html", body=html,
                fetched_at="2026-11-22T10:00:00+00:00")
    return [f for check in checks for f in check.check_page(page) if f.rule == code]


@pytest.mark.parametrize("code, name", _html_cases())
def test_fixture_page(checks, code, name):
    folder = FIXTURES / code
    expected = _expected(folder)
    want = expected["files"][name]
    found = findings_of(checks, code, (folder / name).read_bytes(), expected.get("url", DEFAULT_URL))
    assert len(found) == want["count"], [f.message for f in found]
    messages = " | ".join(f.message for f in found)
    for text in want.get("message_has", []):
        assert text in messages, (text, messages)


def test_every_accessibility_page_rule_has_a_fixture_folder():
    assert PAGE_RULES, "no accessibility page checks installed"
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert PAGE_RULES <= folders, sorted(PAGE_RULES - folders)


@pytest.mark.parametrize("folder", sorted(p for p in FIXTURES.iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_fixture_folder_lists_every_file_with_a_pass_and_a_fail(folder):
    listed = {name.rstrip("/") for name in _expected(folder)["files"]}
    present = {p.name for p in folder.iterdir() if p.name != "expected.json"}
    assert listed == present, (sorted(present - listed), sorted(listed - present))
    kinds = {name.removeprefix("site-").split("-", 1)[0] for name in listed}
    assert {"pass", "fail"} <= kinds, folder.name
    for name, want in _expected(folder)["files"].items():
        name = name.rstrip("/")
        assert name.startswith(("pass-", "fail-", "site-pass-", "site-fail-")), name
        is_pass = name.removeprefix("site-").startswith("pass-")
        assert (want["count"] == 0) == is_pass, (name, want)
