"""Checks are plugins: built-ins and third-party packages register through the same entry points."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import EntryPoint

import pytest

from localoffer_audit.config import load_config
from localoffer_audit.errors import PluginError
from localoffer_audit.models import Rule, Severity
from localoffer_audit.registry import CHECK_GROUP, discover_checks, enabled_rule_codes
from localoffer_audit.store import Store
from support import ROOT, run_cli

FIXTURE_PACKAGE = ROOT / "tests" / "fixtures" / "thirdparty_check"


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory):
    """The fixture package really installed (pip), into a directory of its own."""
    target = tmp_path_factory.mktemp("site-packages")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--disable-pip-version-check", "--target", str(target),
                    str(FIXTURE_PACKAGE)], check=True, capture_output=True, timeout=300)
    assert list(target.glob("localoffer_audit_sample_check-*.dist-info"))
    return target


def test_builtin_checks_come_through_entry_points():
    checks = {c.name: c for c in discover_checks()}
    assert checks["page-structure"].plugin == "localoffer-audit[page-structure]"
    assert checks["internal-links"].plugin == "localoffer-audit[links]"
    codes = {r.code for c in checks.values() for r in c.rules}
    assert {"A11Y502", "A11Y503", "LNK301"} <= codes


def test_third_party_check_is_listed(plugin_path):
    result = run_cli("rules", "--format", "json", env={"PYTHONPATH": str(plugin_path)})
    assert result.returncode == 0, result.stderr
    rules = {r["code"]: r for r in json.loads(result.stdout)}
    assert rules["XMP101"]["plugin"] == "localoffer-audit-sample-check[fax]"
    assert rules["XMP101"]["family"] == "contact"
    assert "LNK301" in rules
    without = json.loads(run_cli("rules", "--format", "json").stdout)
    assert "XMP101" not in {r["code"] for r in without}


def test_third_party_check_runs_and_reports(plugin_path, tmp_path):
    config = load_config(start_url="http://127.0.0.1:9/")
    db = tmp_path / "store.sqlite"
    with Store(db) as store:
        run_id = store.begin_run("t", config.start_urls, config.to_dict(), "test")
        page = "<html><head><title>{}</title></head><body><h1>{}</h1><p>{}</p></body></html>"
        store.add_page(run_id, {"url": "http://127.0.0.1:9/contact", "status": 200, "kind": "html",
                                "content_type": "text/html",
                                "body": page.format("Contact", "Contact", "Fax: 01234 567890").encode()})
        store.add_page(run_id, {"url": "http://127.0.0.1:9/", "status": 200, "kind": "html",
                                "content_type": "text/html",
                                "body": page.format("Home", "Home", "Email us").encode()})
        store.set_run_status(run_id, "crawled")
    env = {"PYTHONPATH": str(plugin_path)}
    result = run_cli("check", "latest", "--db", str(db), env=env)
    assert result.returncode == 0, result.stderr
    assert "fax-contact" in result.stdout
    out = tmp_path / "out"
    result = run_cli("report", str(run_id), "--db", str(db), "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    findings = [json.loads(line) for line in (out / "findings.jsonl").read_text().splitlines()]
    fax = [f for f in findings if f["rule"] == "XMP101"]
    assert [f["url"] for f in fax] == ["http://127.0.0.1:9/contact"]
    assert fax[0]["family"] == "contact" and fax[0]["severity"] == "notice"


# --- registry validation: a broken plugin is named ---------------------------------------------

class _Base:
    name = "x"

    @classmethod
    def from_config(cls, options):
        return cls()

    def check_page(self, page):
        return []


class BadCode(_Base):
    name = "bad-code"
    rules = (Rule("links1", "bad-code", "s", Severity.ERROR, "links"),)


class DuplicateCode(_Base):
    name = "duplicate-code"
    rules = (Rule("LNK301", "another-name", "s", Severity.ERROR, "links"),)


class NoKind:
    name = "no-kind"
    rules = ()

    @classmethod
    def from_config(cls, options):
        return cls()


BAD_CODE = [BadCode]
DUPLICATE = [DuplicateCode]
NO_KIND = [NoKind]


@pytest.mark.parametrize("target, message", [
    ("test_plugins:BAD_CODE", "rule code 'links1' must look like LNK301"),
    ("test_plugins:NO_KIND", "must define exactly one of check_page or check_site"),
    ("no_such_module:CHECKS", "cannot load no_such_module:CHECKS"),
])
def test_broken_plugin_is_named(target, message):
    with pytest.raises(PluginError) as info:
        discover_checks([EntryPoint("broken", target, CHECK_GROUP)])
    assert "[broken]" in str(info.value) and message in str(info.value)


def test_duplicate_rule_code_is_refused():
    eps = [EntryPoint("links", "localoffer_audit.checks.links:CHECKS", CHECK_GROUP),
           EntryPoint("zz-dup", "test_plugins:DUPLICATE", CHECK_GROUP)]
    with pytest.raises(PluginError, match="rule 'LNK301' is already defined"):
        discover_checks(eps)


def test_select_and_ignore_by_code_prefix_and_name():
    rules = [Rule("LNK301", "broken-internal-link", "s", Severity.ERROR, "links"),
             Rule("LNK302", "slow-link", "s", Severity.WARNING, "links"),
             Rule("A11Y502", "page-title-missing", "s", Severity.ERROR, "accessibility")]
    assert enabled_rule_codes(rules, [], []) == {"LNK301", "LNK302", "A11Y502"}
    assert enabled_rule_codes(rules, ["LNK"], []) == {"LNK301", "LNK302"}
    assert enabled_rule_codes(rules, ["LNK"], ["slow-link"]) == {"LNK301"}
    assert enabled_rule_codes(rules, ["page-title-missing"], []) == {"A11Y502"}
