"""What the one real-browser audit of the engine fixture folders must show beyond each page's
own count (those are cases of tests/test_a11y_fixtures.py::test_fixture_case): no fixture page
failed in the browser, the ones whose probes broke included (axe-core's results are kept), and a
page whose script hangs on a key press runs the probes out of time without failing the audit.
The audit itself is tests/a11y_engine_fixture_site.py's `a11y_engine_fixture_audit`."""

from __future__ import annotations

import pytest

from a11y_engine_fixture_site import ENGINE_GROUP, HANG_PAGE_PATH
from test_a11y_engine import _browser_missing

pytestmark = [pytest.mark.skipif(_browser_missing() is not None, reason=_browser_missing() or ""),
              pytest.mark.xdist_group(ENGINE_GROUP)]
ENGINE_FAILED = "A11Y590"


def test_every_page_was_rendered_and_checked_by_axe(a11y_engine_fixture_audit):
    """Only the A11Y590 folder's fail page (a script that never ends) may fail in the browser;
    the hanging page's other checks still ran (its image has no alt)."""
    failed = sorted(url for url, fs in a11y_engine_fixture_audit.items() for f in fs
                    if f["rule"] == ENGINE_FAILED)
    assert failed == [f"/{ENGINE_FAILED}/fail-script-never-ends.html"], failed
    assert {f["rule"] for f in a11y_engine_fixture_audit[HANG_PAGE_PATH]} >= {"A11Y578", "A11Y507"}


def test_a_probe_timeout_is_a_notice_naming_the_probes(a11y_engine_fixture_audit):
    notices = [f for f in a11y_engine_fixture_audit[HANG_PAGE_PATH] if f["rule"] == "A11Y578"]
    assert len(notices) == 1 and notices[0]["severity"] == "notice"
    errors = notices[0]["extra"]["errors"]
    assert "focus" in errors or "probes" in errors, errors
