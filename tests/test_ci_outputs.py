"""Machine-readable CI outputs: SARIF 2.1.0 (validated against the official schema), JUnit XML,
the Markdown summary and the per-owner CSVs, on a small store full of hostile text and on the
demo audit."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from localoffer_audit.config import load_config
from localoffer_audit.models import Finding, Severity
from localoffer_audit.registry import discover_checks
from localoffer_audit.reports import render_all
from localoffer_audit.reports.junit import JUnitReporter, xml_text
from localoffer_audit.reports.markdown import md
from localoffer_audit.reports.owner_csv import FINDING_COLUMNS, cell, owner_slug
from localoffer_audit.reports.sarif import github_path, help_uri, uri_reference
from localoffer_audit.reports.viewmodel import build_report
from localoffer_audit.runner import known_rules
from localoffer_audit.store import Store
from support import ROOT

SCHEMA_FILE = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
CI_FORMATS = ("sarif", "junit", "markdown", "owner-csv")

SITE = '<script>alert(1)</script> | Exampleshire "Local Offer" ]]> \u2014 caf\u00e9'
BASE = "https://www.example.gov.uk/send"
HOSTILE_URL = "https://www.example.gov.uk/send/caf\u00e9?q=\"<x>\"&r=]]>|'"
DOC = "https://www.example.gov.uk/send/strategy.pdf"
EVIL = ("<script>alert('x')</script> ]]> \"quotes\" 'single' | pipe\nsecond line \x07\x1b "
        "caf\u00e9 \u2713")


def finding(rule, name, family, severity, url, message, **more) -> Finding:
    return Finding(rule=rule, rule_name=name, family=family, severity=Severity(severity), url=url,
                   message=message, **more)


ACCEPTED = finding("LNK301", "broken-internal-link", "links", "error", BASE,
                   "The link goes to a page that answers 404.", target=BASE + "/gone",
                   fix="Change the link.", owner="SEND team", owner_contact="send@example.gov.uk")
WARNING = finding("STL401", "page-not-updated", "staleness", "warning", BASE,
                  "+ starts with a plus\nand has a second line", snippet="-1+2", fix="\tTab fix",
                  owner="@owner", owner_contact="=cmd|' /C calc'!A0")
FIXED = finding("LNK302", "broken-external-link", "links", "error", BASE, "Gone now.",
                target="https://partner.example.org/old", owner="SEND team")
NEW_ERROR = finding("LNK301", "broken-internal-link", "links", "error", HOSTILE_URL, EVIL,
                    target='=HYPERLINK("http://evil.example/","click")', snippet=EVIL,
                    fix="-fix it", owner='\u00c9quipe SEND | "Health" <b>', owner_contact="")
NOTICE = finding("RDB201", "reading-ease", "readability", "notice", HOSTILE_URL, "@SUM(A1:A9)",
                 selector="main > p:nth-child(2)", owner='\u00c9quipe SEND | "Health" <b>')
THIRD_PARTY = finding("ZZZ901", "custom-check", "custom", "error", DOC, "Custom ]]> problem",
                      owner="CON")
CLASH_A = finding("A11Y503", "missing-h1", "accessibility", "warning", DOC, "No h1.",
                  owner="Team A")
CLASH_B = finding("A11Y502", "missing-title", "accessibility", "warning", BASE, "No title.",
                  owner="team-a")
BEFORE = [ACCEPTED, WARNING, FIXED]
AFTER = [ACCEPTED, WARNING, NEW_ERROR, NOTICE, THIRD_PARTY, CLASH_A, CLASH_B]


def _rules():
    return {r.code: r for r in known_rules(discover_checks())}


def _add_run(store: Store, config, findings) -> int:
    run = store.begin_run(SITE, config.start_urls, config.to_dict(), "test")
    for url, kind, title in ((BASE, "html", "SEND home"), (HOSTILE_URL, "html", EVIL),
                             (DOC, "document", None)):
        store.add_page(run, {"url": url, "status": 200, "kind": kind, "title": title,
                             "content_type": "text/html" if kind == "html" else "application/pdf"})
    store.flush()
    store.replace_findings(run, findings)
    store.set_run_status(run, "checked")
    return run


@pytest.fixture
def rendered(tmp_path):
    """Two checked runs of one site (the second has new, fixed and persisting findings), one
    finding accepted in a baseline; the CI outputs of the second."""
    config = load_config(start_url=BASE)
    out = tmp_path / "out"
    with Store(tmp_path / "s.sqlite") as store:
        first = _add_run(store, config, BEFORE)
        second = _add_run(store, config, AFTER)
        data = build_report(store, second, _rules(), baseline=frozenset({ACCEPTED.fingerprint}))
        written = render_all(data, out, CI_FORMATS)
    return {"out": out, "data": data, "written": written, "first": first, "second": second}


# --- SARIF -----------------------------------------------------------------------------------

_URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def is_uri_reference(value) -> bool:
    """RFC 3986 URI-reference, strictly enough for code-scanning tools: allowed characters
    only, well-formed %-escapes, one '#', brackets only in the host, and a relative reference
    whose first segment has no ':'."""
    if not isinstance(value, str):
        return True
    if not _URI_CHARS.match(value) or re.search(r"%(?![0-9A-Fa-f]{2})", value):
        return False
    if value.count("#") > 1:
        return False
    parts = urlsplit(value)
    if re.search(r"[\[\]]", value.replace(parts.netloc, "", 1)):
        return False
    if not parts.scheme:
        return ":" not in re.split(r"[/?#]", value, maxsplit=1)[0]
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*$", parts.scheme))


def format_checker():
    """The formats the SARIF schema uses, checked without optional packages."""
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checks("uri-reference")(is_uri_reference)
    checker.checks("uri")(lambda v: not isinstance(v, str)
                          or (is_uri_reference(v) and bool(urlsplit(v).scheme)))
    checker.checks("date-time")(lambda v: not isinstance(v, str) or bool(_DATE_TIME.match(v)))
    return checker


@pytest.fixture(scope="module")
def sarif_validator():
    # jsonschema is a test dependency (pyproject [test]); only the schema checks need it.
    jsonschema = pytest.importorskip("jsonschema", reason="pip install jsonschema (a test "
                                     "dependency) to validate SARIF against its schema")
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "sarif-schema-2.1.0.json" in schema["$id"]
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=format_checker())


def assert_valid_sarif(validator, log) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                                 for e in errors[:20])


def test_the_format_checker_catches_bad_uris(sarif_validator):
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "https://x.org/a b"}}}]}]}]}
    assert list(sarif_validator.iter_errors(log))


@pytest.mark.parametrize("value", [
    "https://www.example.gov.uk/send/caf\u00e9?q=\"<x>\"&r=]]>|'",
    "http://127.0.0.1:9/gone?x=%22%3E%3Cscript%3E", "mailto:a b@example.org", "tel:0123 456 789",
    "javascript:alert(1)", "/a:b/c", "100%zz", "http://[::1]:80/a[b]", "http://[bad/",
    "https://x.org/a#b#c", "https://x.org/a\nb", "", "https://user:p@ss@x.org/", "\ud800x",
    "1abc:x y", "a b:c\td",
])
def test_any_address_becomes_a_valid_uri(value):
    assert is_uri_reference(uri_reference(value))
    path = github_path(value)
    assert is_uri_reference(path) and not urlsplit(path).scheme and not path.startswith("/")


def test_sarif_validates_and_carries_every_finding(rendered, sarif_validator):
    data, out = rendered["data"], rendered["out"]
    log = json.loads((out / "findings.sarif").read_text("utf-8"))
    assert_valid_sarif(sarif_validator, log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "localoffer-audit"
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) >= set(_rules()) | {"ZZZ901"}  # every installed rule, and stand-ins
    link = rules["LNK301"]
    assert link["name"] == "broken-internal-link"
    assert link["shortDescription"]["text"] and link["fullDescription"]["text"]
    assert "## What it checks" in link["fullDescription"]["markdown"]
    assert link["help"]["text"] and link["help"]["markdown"]
    assert link["helpUri"] == help_uri("LNK301") and link["helpUri"].endswith("/rules/LNK301.md")
    assert link["properties"]["family"] == "links" and "links" in link["properties"]["tags"]
    assert link["defaultConfiguration"]["level"] == "error"
    assert rules["INT001"]["helpUri"].endswith("/rules/INT001.md")
    third = rules["ZZZ901"]  # not installed, and not ours: no help page to point at
    assert "helpUri" not in third and "explain ZZZ901" in third["help"]["text"]
    assert third["properties"]["family"] == "custom"

    results = run["results"]
    assert len(results) == len(data.findings) == len(AFTER)
    by_fp = {r["partialFingerprints"]["localofferAudit/v1"]: r for r in results}
    assert set(by_fp) == {f.fingerprint for f in AFTER}
    ids = [r["id"] for r in driver["rules"]]
    for f in AFTER:
        r = by_fp[f.fingerprint]
        assert r["ruleId"] == f.rule and ids[r["ruleIndex"]] == f.rule
        assert r["level"] == {"error": "error", "warning": "warning", "notice": "note"}[
            f.severity.value]
        assert r["message"]["text"].startswith(f.message.strip())
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
            uri_reference(f.url)
        assert r["properties"]["url"] == f.url and r["properties"]["owner"] == f.owner
        if f.target:
            assert f"Link target: {f.target}" in r["message"]["text"]
            assert r["properties"]["target"] == f.target
    # Plain addresses are kept as they are; odd ones are percent-encoded, not lost.
    assert by_fp[ACCEPTED.fingerprint]["locations"][0]["physicalLocation"][
        "artifactLocation"]["uri"] == BASE
    assert "caf%C3%A9" in by_fp[NEW_ERROR.fingerprint]["locations"][0]["physicalLocation"][
        "artifactLocation"]["uri"]
    # Accepted in the baseline: suppressed, still there. Compared with the previous run.
    assert by_fp[ACCEPTED.fingerprint]["suppressions"][0]["status"] == "accepted"
    assert by_fp[ACCEPTED.fingerprint]["properties"]["accepted"] is True
    assert "suppressions" not in by_fp[NEW_ERROR.fingerprint]
    assert by_fp[ACCEPTED.fingerprint]["baselineState"] == "unchanged"
    assert by_fp[NEW_ERROR.fingerprint]["baselineState"] == "new"
    assert run["properties"]["comparedWithRun"] == rendered["first"]


def test_github_sarif_has_no_web_schemes(rendered, sarif_validator):
    log = json.loads((rendered["out"] / "findings.github.sarif").read_text("utf-8"))
    assert_valid_sarif(sarif_validator, log)
    results = log["runs"][0]["results"]
    assert len(results) == len(AFTER)
    for r in results:
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not urlsplit(uri).scheme and uri.startswith("www.example.gov.uk/send")
        assert "relatedLocations" not in r  # a related https: location is rejected too
        fp = r["partialFingerprints"]
        assert fp["primaryLocationLineHash"] == fp["localofferAudit/v1"]
        assert f"Page: {r['properties']['url']}" in r["message"]["text"]


# --- JUnit -----------------------------------------------------------------------------------

ALLOWED = {  # element -> (attributes, children): the common JUnit XML schema (Ant / Jenkins)
    "testsuites": ({"name", "tests", "failures", "errors", "time", "disabled", "skipped"},
                   {"testsuite"}),
    "testsuite": ({"name", "tests", "failures", "errors", "skipped", "time", "timestamp",
                   "hostname", "id", "package", "disabled"},
                  {"properties", "testcase", "system-out", "system-err"}),
    "properties": (set(), {"property"}),
    "property": ({"name", "value"}, set()),
    "testcase": ({"name", "classname", "time", "assertions", "status"},
                 {"skipped", "error", "failure", "system-out", "system-err"}),
    "failure": ({"message", "type"}, set()),
    "system-out": (set(), set()),
}


def check_junit_shape(root: ET.Element) -> dict[str, dict[str, ET.Element]]:
    """Schema-ish check; returns suite name -> case name -> testcase."""
    for el in root.iter():
        attributes, children = ALLOWED[el.tag]
        assert set(el.attrib) <= attributes, (el.tag, el.attrib)
        assert {c.tag for c in el} <= children, (el.tag, [c.tag for c in el])
    assert root.tag == "testsuites"
    suites: dict[str, dict[str, ET.Element]] = {}
    total = failed = 0
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("errors")) == 0
        for case in cases:
            assert case.get("classname") == suite.get("name")
            assert len(case.findall("failure")) <= 1
        names = [c.get("name") for c in cases]
        assert len(names) == len(set(names))
        suites[suite.get("name")] = dict(zip(names, cases))
        total += len(cases)
        failed += int(suite.get("failures"))
    assert int(root.get("tests")) == total and int(root.get("failures")) == failed
    return suites


def test_junit_parses_and_fails_only_unaccepted_errors(rendered):
    text = (rendered["out"] / "junit.xml").read_text("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    suites = check_junit_shape(ET.fromstring(text.encode("utf-8")))
    assert {"links", "staleness", "readability", "accessibility", "custom"} <= set(suites)
    for cases in suites.values():
        assert {BASE, HOSTILE_URL, DOC} <= set(cases)  # a case per page, passing or not
    failing = {(s, u) for s, cases in suites.items() for u, c in cases.items()
               if c.find("failure") is not None}
    assert failing == {("links", HOSTILE_URL), ("custom", DOC)}
    # The accepted error does not fail its case, but is shown.
    accepted_case = suites["links"][BASE]
    assert "[accepted in the baseline]" in accepted_case.find("system-out").text
    assert ACCEPTED.fingerprint in accepted_case.find("system-out").text
    # Warnings and notices are listed, not failed.
    assert "+ starts with a plus\nand has a second line" in suites["staleness"][BASE].find(
        "system-out").text
    # Hostile text survives as text: only characters XML cannot hold are replaced.
    failure = suites["links"][HOSTILE_URL].find("failure")
    assert xml_text(EVIL) in failure.text and "\ufffd" in failure.text
    assert failure.get("type") == "LNK301"
    assert "<script>" in failure.get("message")  # an attribute value, parsed back as text
    assert "<script>" not in text and "]]>" not in text.replace("]]&gt;", "")


def test_junit_can_fail_on_warnings_too(rendered, tmp_path):
    data = rendered["data"]
    JUnitReporter(fail_on="warning").write(data, tmp_path)
    suites = check_junit_shape(ET.parse(tmp_path / "junit.xml").getroot())
    failing = {(s, u) for s, cases in suites.items() for u, c in cases.items()
               if c.find("failure") is not None}
    assert failing == {("links", HOSTILE_URL), ("custom", DOC), ("staleness", BASE),
                       ("accessibility", DOC), ("accessibility", BASE)}


# --- CSV -------------------------------------------------------------------------------------

def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


FORMULA = ("=", "+", "-", "@", "\t", "\r")


def test_csv_round_trips_and_neutralises_formulas(rendered):
    out, data = rendered["out"], rendered["data"]
    rows = read_csv(out / "findings.csv")
    assert len(rows) == len(AFTER)
    assert list(rows[0]) == list(FINDING_COLUMNS)
    for row in rows:
        for value in row.values():
            assert not value.startswith(FORMULA), value
    by_fp = {r["fingerprint"]: r for r in rows}
    hostile = by_fp[NEW_ERROR.fingerprint]
    assert hostile["target"] == "'" + NEW_ERROR.target
    assert hostile["fix"] == "'-fix it"
    assert hostile["message"] == EVIL.replace("\x07", "").replace("\x1b", "")  # newline kept
    assert hostile["page_url"] == HOSTILE_URL and hostile["page_title"] == cell(EVIL)
    assert hostile["owner"] == NEW_ERROR.owner and hostile["new"] == "yes"
    assert hostile["help_url"] == help_uri("LNK301")
    warning = by_fp[WARNING.fingerprint]
    assert (warning["message"], warning["snippet"], warning["fix"], warning["owner"],
            warning["owner_contact"]) == ("'+ starts with a plus\nand has a second line",
                                          "'-1+2", "'\tTab fix", "'@owner", "'=cmd|' /C calc'!A0")
    assert warning["new"] == "no" and warning["accepted"] == "no"
    assert by_fp[ACCEPTED.fingerprint]["accepted"] == "yes"
    assert by_fp[NOTICE.fingerprint]["message"] == "'@SUM(A1:A9)"
    assert by_fp[THIRD_PARTY.fingerprint]["help_url"] == ""


def test_one_csv_per_owner_with_an_index(rendered):
    out, data = rendered["out"], rendered["data"]
    index = read_csv(out / "owners" / "index.csv")
    assert {r["owner"] for r in index} == {o.name if not o.name.startswith(FORMULA)
                                          else "'" + o.name for o in data.owners}
    files = [r["file"] for r in index]
    assert len(files) == len(set(files))
    for name in files:
        assert re.fullmatch(r"owners/[a-z0-9-]+\.csv", name) and name != "owners/index.csv"
    by_owner = {r["owner"]: r for r in index}
    assert by_owner["CON"]["file"] == "owners/con-owner.csv"  # not a Windows device name
    assert {by_owner["Team A"]["file"], by_owner["team-a"]["file"]} == {
        "owners/team-a.csv", "owners/team-a-2.csv"}
    total = 0
    for owner in data.owners:
        entry = by_owner[cell(owner.name)]
        rows = read_csv(out / entry["file"])
        assert {r["fingerprint"] for r in rows} == {f.fingerprint for f in owner.findings}
        assert int(entry["findings"]) == len(rows)
        assert int(entry["errors"]) == owner.by_severity.get("error", 0)
        total += len(rows)
    assert total == len(AFTER)
    assert by_owner["SEND team"]["contact"] == "send@example.gov.uk"
    assert by_owner["SEND team"]["accepted"] == "1"


def test_stale_owner_files_are_removed(rendered):
    out, data = rendered["out"], rendered["data"]
    stale = out / "owners" / "a-team-that-left.csv"
    stale.write_text("old", "utf-8")
    (out / "owners" / "notes.txt").write_text("mine", "utf-8")
    render_all(data, out, ("owner-csv",))
    assert not stale.exists() and (out / "owners" / "notes.txt").exists()


def test_owner_slugs():
    assert owner_slug("\u00c9quipe SEND | \"Health\" <b>") == "equipe-send-health-b"
    assert owner_slug("\u2603") == "owner" and owner_slug("../../etc/passwd") == "etc-passwd"


# --- Markdown --------------------------------------------------------------------------------

_PIPE = re.compile(r"(?<!\\)\|")


def tables(text: str) -> list[list[str]]:
    blocks, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    return blocks + ([current] if current else [])


def test_markdown_summary_is_short_and_inert(rendered):
    out, data = rendered["out"], rendered["data"]
    text = (out / "summary.md").read_text("utf-8")
    assert len(text.splitlines()) < 90 and len(text) < 10_000
    assert "<" not in text and "\x07" not in text  # no HTML at all, crawled or ours
    assert md(SITE) in text.splitlines()[0]
    for block in tables(text):
        widths = {len(_PIPE.findall(line)) for line in block}
        assert len(widths) == 1, block  # no cell was split by a crawled '|'
    assert "### Since run %d" % rendered["first"] in text
    assert "| Fixed | 1 | 0 | 0 | 1 |" in text
    assert "| New | 2 | 2 | 1 | 5 |" in text
    assert "**Not accepted in the baseline:**" in text and "1 finding accepted" in text
    assert "| Severity | Findings | New | Accepted |" in text
    assert "### Top 9 rules" not in text and "[LNK301](" + help_uri("LNK301") + ")" in text
    assert "[report.html](report.html)" in text
    assert "| ZZZ901 | custom-check | error | 1 | 1 |" in text  # no doc page: no link
    rule_rows = tables(text.split("### Top", 1)[1])[0][2:]
    severities = [_PIPE.split(line)[3].strip() for line in rule_rows]
    assert severities == sorted(severities, key=["error", "warning", "notice"].index)
    owners = tables(text.split("### By owner", 1)[1])[0]
    assert any(md(NEW_ERROR.owner, 80) in line for line in owners)
    new_list = text.split("### New since run", 1)[1]
    assert md(EVIL, 160) in new_list


def test_markdown_escaping():
    assert md("a | b") == "a \\| b"
    assert md("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
    assert md("[x](javascript:alert(1))") == "\\[x\\]\\(javascript:alert\\(1\\)\\)"
    assert md("line\nbreak\r\n\u2028x") == "line break x"
    assert md("*bold* _it_ `code` ~s~ $x$ ![i]") == \
        "\\*bold\\* \\_it\\_ \\`code\\` \\~s\\~ \\$x\\$ \\!\\[i\\]"


def test_markdown_without_an_earlier_run(tmp_path):
    config = load_config(start_url=BASE)
    with Store(tmp_path / "s.sqlite") as store:
        run = _add_run(store, config, BEFORE)
        render_all(build_report(store, run, _rules()), tmp_path, ("markdown",))
    text = (tmp_path / "summary.md").read_text("utf-8")
    assert "No earlier checked run" in text and "Accepted" not in text


# --- The demo audit --------------------------------------------------------------------------

@pytest.mark.slow
def test_demo_audit_ci_outputs(demo, sarif_validator):
    out, findings = demo["out"], demo["findings"]
    for name in ("findings.sarif", "findings.github.sarif"):
        log = json.loads((out / name).read_text("utf-8"))
        assert_valid_sarif(sarif_validator, log)
        results = log["runs"][0]["results"]
        assert len(results) == len(findings)
        assert {r["partialFingerprints"]["localofferAudit/v1"] for r in results} == {
            f["fingerprint"] for f in findings}

    suites = check_junit_shape(ET.parse(out / "junit.xml").getroot())
    errors = {(f["family"], f["url"]) for f in findings if f["severity"] == "error"}
    failing = {(s, u) for s, cases in suites.items() for u, c in cases.items()
               if c.find("failure") is not None}
    assert failing == errors  # no baseline: every page with an error fails its family's case
    pages = {p["url"] for p in demo["pages"] if p["kind"] in ("html", "document")}
    assert all(pages <= set(cases) for cases in suites.values())

    rows = read_csv(out / "findings.csv")
    assert len(rows) == len(findings)
    assert {r["fingerprint"] for r in rows} == {f["fingerprint"] for f in findings}
    index = read_csv(out / "owners" / "index.csv")
    per_owner = defaultdict(set)
    for f in findings:
        per_owner[f["owner"]].add(f["fingerprint"])
    assert sum(int(r["findings"]) for r in index) == len(findings)
    for entry in index:
        owned = {r["fingerprint"] for r in read_csv(out / entry["file"])}
        assert owned == per_owner.get(entry["owner"], set())

    text = (out / "summary.md").read_text("utf-8")
    assert len(text.splitlines()) < 90 and "<" not in text
    assert f"**{len(findings)} findings**" in text


# --- docs/ci.md ------------------------------------------------------------------------------

def test_ci_docs_commands_and_files_are_real(rendered):
    """The workflows in docs/ci.md use options the command has and files the report has."""
    import shlex

    from localoffer_audit.cli import build_parser

    text = (ROOT / "docs" / "ci.md").read_text("utf-8")
    blocks = re.findall(r"```(?:yaml|sh)\n(.*?)```", text, re.S)
    commands = []
    for block in blocks:
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.strip().removeprefix("- ").removeprefix("run: ")
            if line.startswith("localoffer-audit "):
                commands.append(line.split(" #")[0])
    for inline in re.findall(r"(?<!`)`(localoffer-audit [^`]+)`", text):
        commands.append(" ".join(inline.split()))
    assert len(commands) >= 6
    parser = build_parser()
    for command in commands:
        argv = [a for a in shlex.split(command.replace('"$DB"', "audit.sqlite"))[1:]
                if a != "$@"]
        parser.parse_args(argv)  # exits (SystemExit) on an unknown option
    written = {p.relative_to(rendered["out"]).as_posix() for p in rendered["written"]}
    for name in re.findall(r"report/([\w./-]+\.(?:md|sarif|xml|csv))", text):
        assert name in written, name
    assert {"summary.md", "findings.sarif", "findings.github.sarif", "junit.xml",
            "findings.csv", "owners/index.csv"} <= written


# --- streamed writing (bounded memory on big sites) -------------------------------------------

def test_sarif_and_junit_are_written_as_the_whole_documents_would_serialise(rendered):
    """SARIF and JUnit are written one result / one suite at a time: the files must be exactly
    what serialising the whole document at once gives."""
    from localoffer_audit.reports.sarif import sarif_log

    data, out = rendered["data"], rendered["out"]
    for name, github in (("findings.sarif", False), ("findings.github.sarif", True)):
        whole = json.dumps(sarif_log(data, github=github), ensure_ascii=False,
                           separators=(",", ":")) + "\n"
        assert (out / name).read_text("utf-8") == whole
    root = JUnitReporter().tree(data)
    ET.indent(root, space=" ")
    whole = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             + ET.tostring(root, encoding="unicode", xml_declaration=False) + "\n")
    assert (out / "junit.xml").read_text("utf-8") == whole
    assert len(root) >= 2  # more than one suite, so the joins between suites are compared


def test_junit_with_no_suite_is_one_empty_element(rendered, tmp_path):
    data = rendered["data"]
    reporter = JUnitReporter()
    reporter.families = lambda data: []
    reporter.write(data, tmp_path)
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert root.tag == "testsuites" and len(root) == 0 and root.get("tests") == "0"


def test_junit_suites_without_test_cases_serialise_as_a_whole_tree(tmp_path):
    """No page and no finding: every suite holds its properties only."""
    config = load_config(start_url=BASE)
    with Store(tmp_path / "s.sqlite") as store:
        data = build_report(store, _add_run(store, config, []), _rules())
    data = dataclasses.replace(data, pages=[])
    reporter = JUnitReporter()
    reporter.write(data, tmp_path)
    root = reporter.tree(data)
    ET.indent(root, space=" ")
    assert len(root) and all(len(suite) == 1 for suite in root)
    assert (tmp_path / "junit.xml").read_text("utf-8") == (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")
