"""history: findings compared across runs by fingerprint, trends, time to fix, baseline files;
and the `diff` and `baseline` commands' bad inputs (one line on stderr, exit 2)."""

from __future__ import annotations

import json

import pytest

from localoffer_audit import history
from localoffer_audit.errors import AuditError
from localoffer_audit.models import Finding, Severity
from localoffer_audit.store import Store
from support import run_cli

SITE = "Testshire"


def finding(url: str, rule: str = "A11Y502", severity: str = "error", owner: str = "Web team",
            target: str | None = None, message: str = "Page has no title") -> Finding:
    return Finding(rule=rule, rule_name="page-title-missing", family="accessibility",
                   severity=Severity(severity), url=url, message=message, target=target,
                   owner=owner)


def add_run(store: Store, findings: list[Finding], started_at: str = "2026-01-01T09:00:00+00:00",
            site: str = SITE, status: str = "checked") -> int:
    run_id = store.begin_run(site, ["https://testshire.example/"], {}, "test")
    store.db.execute("UPDATE runs SET started_at = ? WHERE id = ?", (started_at, run_id))
    store.replace_findings(run_id, findings)
    store.set_run_status(run_id, status)
    return run_id


A = finding("https://testshire.example/a")
B = finding("https://testshire.example/b", owner="Health team")
LINK = finding("https://testshire.example/a", rule="LNK301", target="https://testshire.example/x")
C = finding("https://testshire.example/c", severity="warning")


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "history.sqlite") as s:
        yield s


# ---- compare -------------------------------------------------------------------------------

def test_compare_sorts_findings_into_new_fixed_and_persisting(store):
    first = add_run(store, [A, B, LINK])
    second = add_run(store, [A.with_changes(message="Reworded, same problem"), LINK, C])
    changes = history.compare(store, first, second)
    assert (changes.before, changes.after) == (first, second)
    assert [f.url for f in changes.new] == [C.url]
    assert [f.url for f in changes.fixed] == [B.url]
    assert {f.fingerprint for f in changes.persisting} == {A.fingerprint, LINK.fingerprint}
    assert changes.counts() == {"new": 1, "fixed": 1, "persisting": 2}
    assert changes.by_owner() == {"Health team": {"new": 0, "fixed": 1, "persisting": 0},
                                  "Web team": {"new": 1, "fixed": 0, "persisting": 2}}


def test_fingerprint_is_rule_url_and_target():
    assert A.fingerprint == A.with_changes(message="other words", owner="x").fingerprint
    assert A.fingerprint != LINK.fingerprint  # same page, another rule and target
    assert LINK.fingerprint != LINK.with_changes(target="https://testshire.example/y").fingerprint


def test_first_run_is_all_new_and_previous_run_skips_other_sites_and_unchecked_runs(store):
    first = add_run(store, [A, B])
    add_run(store, [C], site="Elsewhere")
    add_run(store, [], status="crawled")
    last = add_run(store, [A])
    assert history.previous_run(store, first) is None
    assert history.changes_since_previous(store, first).counts() == {
        "new": 2, "fixed": 0, "persisting": 0}
    assert history.previous_run(store, last) == first
    assert history.changes_since_previous(store, last).counts() == {
        "new": 0, "fixed": 1, "persisting": 1}


# ---- trend and time to fix ------------------------------------------------------------------

def test_trend_counts_each_checked_run_of_the_site_oldest_first(store):
    add_run(store, [A, B, C], "2026-01-01T09:00:00+00:00")
    add_run(store, [C], "2026-01-02T09:00:00+00:00", site="Elsewhere")
    last = add_run(store, [A, C], "2026-01-08T09:00:00+00:00")
    points = history.trend(store, last)
    assert [p["total"] for p in points] == [3, 2]
    assert points[0]["by_severity"] == {"error": 2, "warning": 1}
    assert points[0]["by_owner"] == {"Web team": 2, "Health team": 1}
    assert points[1]["by_owner"] == {"Web team": 2}
    assert [p["total"] for p in history.trend(store, last, limit=1)] == [2]


def test_time_to_fix_is_the_median_days_per_owner(store):
    d = finding("https://testshire.example/d")
    add_run(store, [A, B, C, d], "2026-01-01T00:00:00+00:00")
    add_run(store, [B, C, d], "2026-01-03T00:00:00+00:00")     # A fixed after 2 days
    add_run(store, [C], "2026-01-11T00:00:00+00:00")           # B and d fixed after 10 days
    last = add_run(store, [C, A], "2026-01-12T00:00:00+00:00")  # A is back: not a fix
    assert history.time_to_fix(store, last) == {
        "Web team": {"fixed": 2, "median_days": 6.0},
        "Health team": {"fixed": 1, "median_days": 10.0}}


# ---- baseline files -------------------------------------------------------------------------

def test_baseline_round_trip(store, tmp_path):
    run_id = add_run(store, [A, B, LINK])
    path = tmp_path / "ci" / "baseline.json"  # the folder is created
    assert history.write_baseline(path, store.findings(run_id), run_id, site=SITE) == 3
    assert history.read_baseline(path) == {A.fingerprint, B.fingerprint, LINK.fingerprint}
    data = json.loads(path.read_text("utf-8"))
    assert (data["format"], data["version"], data["run_id"], data["site"]) == (
        history.BASELINE_FORMAT, history.BASELINE_VERSION, run_id, SITE)
    assert {e["rule"] for e in data["accepted"]} == {"A11Y502", "LNK301"}
    assert not list(path.parent.glob(".*tmp"))
    assert history.write_baseline(path, [], run_id) == 0  # replaced, not appended
    assert history.read_baseline(path) == frozenset()


BAD_BASELINES = {
    "missing": (None, "baseline file not found"),
    "not-json": ("{accepted: [", "is not valid JSON"),
    "not-utf8": (b"\xff\xfe{", "is not valid JSON"),
    "a-list": ("[]", "is not a localoffer-audit baseline file"),
    "other-format": ('{"format": "sarif", "version": 1, "accepted": []}',
                     "is not a localoffer-audit baseline file"),
    "future-version": ('{"format": "localoffer-audit-baseline", "version": 2, "accepted": []}',
                       "has version 2"),
    "no-accepted": ('{"format": "localoffer-audit-baseline", "version": 1}',
                    "has no 'accepted' list"),
    "bad-entry": ('{"format": "localoffer-audit-baseline", "version": 1, '
                  '"accepted": [{"fingerprint": "abc"}, {"rule": "A11Y502"}]}',
                  "accepted entry 2 has no fingerprint"),
}


def _bad_baseline(tmp_path, kind: str):
    content, expected = BAD_BASELINES[kind]
    path = tmp_path / f"{kind}.json"
    if isinstance(content, str):
        path.write_text(content, "utf-8")
    elif content is not None:
        path.write_bytes(content)
    return path, expected


@pytest.mark.parametrize("kind", sorted(BAD_BASELINES))
def test_a_bad_baseline_is_one_error_naming_the_file(tmp_path, kind):
    path, expected = _bad_baseline(tmp_path, kind)
    with pytest.raises(AuditError) as raised:
        history.read_baseline(path)
    message = str(raised.value)
    assert expected in message and str(path) in message and "\n" not in message


def test_a_folder_is_not_a_baseline(tmp_path):
    with pytest.raises(AuditError, match="cannot read baseline file"):
        history.read_baseline(tmp_path)


# ---- the commands, on a hand-built store ------------------------------------------------------

@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cli.sqlite"
    with Store(path) as s:
        add_run(s, [A, B, LINK])
        add_run(s, [A, LINK, C])
    return path


def one_line_error(result, *fragments: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("localoffer-audit: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_diff_json_lists_changes_with_owners(db):
    result = run_cli("diff", "previous", "latest", "--db", str(db), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["before"]["id"], data["after"]["id"]) == (1, 2)
    assert data["counts"] == {"new": 1, "fixed": 1, "persisting": 2}
    assert [(f["url"], f["owner"], f["severity"]) for f in data["fixed"]] == [
        (B.url, "Health team", "error")]
    assert [f["fingerprint"] for f in data["new"]] == [C.fingerprint]
    assert {f["fingerprint"] for f in data["persisting"]} == {A.fingerprint, LINK.fingerprint}
    assert data["by_owner"]["Health team"] == {"new": 0, "fixed": 1, "persisting": 0}


def test_diff_table_names_the_owners(db):
    result = run_cli("diff", "1", "2", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "Health team" in result.stdout and "Web team" in result.stdout
    assert "1 new, 1 fixed, 2 persisting" in result.stdout
    assert C.url in result.stdout and B.url in result.stdout and A.url not in result.stdout
    assert A.url in run_cli("diff", "1", "2", "--db", str(db), "--all").stdout


def test_baseline_command_writes_the_runs_findings(db, tmp_path):
    out = tmp_path / "baseline.json"
    result = run_cli("baseline", "1", "--db", str(db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "3 findings of run 1" in result.stdout
    assert history.read_baseline(out) == {A.fingerprint, B.fingerprint, LINK.fingerprint}


@pytest.mark.parametrize("args, fragments", [
    (("diff", "1", "99"), ("run 99 does not exist", "runs: 1, 2")),
    (("diff", "first", "2"), ("RUN must be a run id", "'first'")),
    (("baseline", "7", "--out", "b.json"), ("run 7 does not exist",)),
    (("diff", "previous", "latest", "--db", "nowhere.sqlite"), ("store not found: nowhere.sqlite",)),
])
def test_diff_and_baseline_bad_runs(db, tmp_path, args, fragments):
    if "--db" not in args:
        args = (*args, "--db", str(db))
    one_line_error(run_cli(*args, cwd=tmp_path), *fragments)
    assert not (tmp_path / "b.json").exists()


def test_unchecked_runs_and_no_previous_run_are_errors(tmp_path):
    path = tmp_path / "one.sqlite"
    with Store(path) as s:
        add_run(s, [A])
    one_line_error(run_cli("diff", "previous", "latest", "--db", str(path)),
                   "no checked run of 'Testshire' before the latest run (1)")
    with Store(path) as s:
        add_run(s, [], status="crawled")
    one_line_error(run_cli("diff", "1", "2", "--db", str(path)), "run 2 has not been checked")
    one_line_error(run_cli("baseline", "latest", "--db", str(path), "--out",
                           str(tmp_path / "b.json")), "run 2 has not been checked")
    assert not (tmp_path / "b.json").exists()
    empty = tmp_path / "empty.sqlite"
    with Store(empty):
        pass
    one_line_error(run_cli("diff", "latest", "latest", "--db", str(empty)), "has no runs yet")


@pytest.mark.parametrize("kind", ["missing", "not-json", "other-format"])
def test_report_with_a_bad_baseline_writes_nothing(db, tmp_path, kind):
    path, expected = _bad_baseline(tmp_path, kind)
    out = tmp_path / "out"
    result = run_cli("report", "latest", "--db", str(db), "--out", str(out), "--baseline", str(path))
    one_line_error(result, expected, str(path))
    assert not out.exists()
