"""Reporters: hostile crawled text is escaped; files are written whole."""

from __future__ import annotations

import json

from lxml import html as lxml_html

from localoffer_audit.config import load_config
from localoffer_audit.models import Link
from localoffer_audit.reports import render_all
from localoffer_audit.reports.viewmodel import build_report
from localoffer_audit.runner import run_checks
from localoffer_audit.store import Store

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def _hostile_store(tmp_path):
    config = load_config(start_url="http://127.0.0.1:9/")
    store = Store(tmp_path / "s.sqlite")
    run = store.begin_run(PAYLOAD, config.start_urls, config.to_dict(), "test")
    page = (f"<html><head><title>{PAYLOAD}</title></head><body><p>no heading</p>"
            f"<a href='/gone?{PAYLOAD}'>{PAYLOAD}</a></body></html>")
    store.add_page(run, {"url": "http://127.0.0.1:9/", "status": 200, "kind": "html",
                         "content_type": "text/html", "title": PAYLOAD, "body": page.encode()})
    gone = "http://127.0.0.1:9/gone?x=%22%3E%3Cscript%3E"
    store.add_page(run, {"url": gone, "status": 404, "kind": "html", "content_type": "text/html"})
    store.add_links(run, [Link("http://127.0.0.1:9/", gone, PAYLOAD, "a", "href", internal=True)])
    store.set_run_status(run, "crawled")
    run_checks(store, run, config)
    return store, run


def test_html_report_runs_no_crawled_markup(tmp_path):
    store, run = _hostile_store(tmp_path)
    with store:
        data = build_report(store, run)
        render_all(data, tmp_path / "out")
    text = (tmp_path / "out" / "report.html").read_text("utf-8")
    tree = lxml_html.document_fromstring(text)
    assert tree.xpath("//script") == []  # the report has no scripts of its own either
    assert not [el for el in tree.iter() if any(a.startswith("on") for a in el.attrib)]
    assert tree.xpath("//img") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # shown as text, not run
    assert len(data.findings) >= 2  # the broken link and the missing h1 are both reported


def test_jsonl_and_summary_are_valid_json(tmp_path):
    store, run = _hostile_store(tmp_path)
    with store:
        render_all(build_report(store, run), tmp_path / "out")
    findings = [json.loads(line) for line in (tmp_path / "out" / "findings.jsonl").open()]
    assert {f["rule"] for f in findings} >= {"LNK301", "A11Y503"}
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["findings"]["total"] == len(findings)
    assert summary["run"]["site"] == PAYLOAD  # kept as data; escaping is the renderer's job
