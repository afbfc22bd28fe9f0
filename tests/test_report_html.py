"""The HTML report: hostile crawled text stays text in every file, the report passes the
project's own accessibility checks, and its views hold what they promise (the demo audit)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html

from localoffer_audit import history
from localoffer_audit.config import build_config
from localoffer_audit.models import Finding, Link, Page, Severity
from localoffer_audit.registry import discover_checks, instantiate
from localoffer_audit.reports import charts
from localoffer_audit.reports.html import HtmlReporter, Layout, safe_href
from localoffer_audit.reports.viewmodel import (BARRIERS, OTHER_BARRIER, PLAIN_PROBLEMS,
                                                barrier_for, build_report)
from localoffer_audit.runner import known_rules, run_checks
from localoffer_audit.store import Store
from support import ROOT

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
ATTR_BREAK = "' onmouseover='alert(3)' x='"
HOSTILE = PAYLOAD + ATTR_BREAK
SITE = "http://127.0.0.1:9"

# Everything the report's templates and charts may emit. A crawled value that broke out of
# its text or attribute would add a tag or an attribute that is not here.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "a", "header", "nav", "main", "footer",
    "section", "h1", "h2", "h3", "p", "ul", "ol", "li", "strong", "span", "code", "br", "table",
    "caption", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "figure", "figcaption",
    "details", "summary",
    # inline SVG charts
    "svg", "desc", "defs", "pattern", "rect", "circle", "line", "polyline", "polygon", "text",
}
ALLOWED_ATTRS = {
    "lang", "charset", "name", "content", "class", "href", "id", "aria-label",
    "aria-labelledby", "aria-current", "tabindex", "scope", "colspan",
    # inline SVG charts
    "xmlns", "role", "viewbox", "width", "height", "font-family", "font-size", "font-weight",
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "fill", "stroke", "stroke-width",
    "stroke-dasharray", "text-anchor", "transform", "points", "patternunits",
    "patterntransform",
}


def report_files(out: Path) -> list[Path]:
    files = sorted(out.glob("*.html")) + sorted(out.glob("owners/*.html")) + sorted(
        out.glob("pages/*.html"))
    assert files
    return files


# --- hostile crawled text --------------------------------------------------------------------

def _hostile_store(tmp_path: Path) -> tuple[Store, int]:
    """A crawl whose titles, link texts, alt texts, addresses, owner name, snippets, dates and
    topic evidence all carry markup, scripts and attribute-breaking quotes."""
    config = build_config({"site": {"name": HOSTILE, "start_urls": [f"{SITE}/"]},
                           "owners": [{"name": HOSTILE, "contact": "javascript:alert(4)",
                                       "url_prefixes": ["/"]}]})
    store = Store(tmp_path / "s.sqlite")
    runs = []
    for _ in range(2):  # an earlier run too, so "fixed since the last run" shows its findings
        run = store.begin_run(HOSTILE, config.start_urls, config.to_dict(), "test")
        page = (f"<html><head><title>{HOSTILE}</title></head><body><p>no heading</p>"
                f"<a href='/gone?{HOSTILE}'>{HOSTILE}</a>"
                f"<a href='javascript:alert(5)'>{HOSTILE}</a>"
                f"<img src='x.png' alt=\"{HOSTILE}\"><h2><img alt='{HOSTILE}'></h2></body></html>")
        store.add_page(run, {"url": f"{SITE}/", "status": 200, "kind": "html",
                             "content_type": "text/html", "title": HOSTILE,
                             "body": page.encode()})
        gone = f"{SITE}/gone?x=%22%3E%3Cscript%3E"
        store.add_page(run, {"url": gone, "status": 404, "kind": "html",
                             "content_type": "text/html", "title": HOSTILE})
        store.add_links(run, [Link(f"{SITE}/", gone, HOSTILE, "a", "href", internal=True),
                              Link(f"{SITE}/", "javascript:alert(5)", HOSTILE, "a", "href")])
        store.set_run_status(run, "crawled")
        run_checks(store, run, config)
        found = store.findings(run)
        crafted = [Finding(rule=rule, rule_name="x-" + rule.lower(), family=family,
                           severity=Severity.ERROR, url=url, message=HOSTILE, fix=HOSTILE,
                           target=target, selector=HOSTILE, snippet=HOSTILE, owner=HOSTILE,
                           owner_contact=HOSTILE, extra={"x": HOSTILE})
                   for rule, family, url, target in (
                       ("LNK301", "links", f"{SITE}/", "javascript:alert(6)"),
                       ("ZZZ999", HOSTILE.replace(" ", ""), f"javascript:alert(7)//{HOSTILE}",
                        f"data:text/html,{HOSTILE}"),
                       ("STL401", "staleness", f"{SITE}/{HOSTILE}?run={len(runs)}", None))]
        store.replace_findings(run, found + crafted)
        store.replace_metrics(run, [(f"{SITE}/", "last_updated", HOSTILE),
                                    (f"{SITE}/", "date_source", HOSTILE),
                                    (f"{SITE}/", "reading_age", HOSTILE)])
        store.replace_site_metrics(run, {"coverage": {"topics": [
            {"id": HOSTILE, "title": HOSTILE, "status": "missing", "legal_ref": HOSTILE,
             "confidence": HOSTILE, "evidence": [{"url": f"javascript:alert(8)//{HOSTILE}",
                                                   "score": 1, "depth": 1},
                                                  {"url": f"{SITE}/{HOSTILE}", "depth": None}]}],
            "excluded": [{"url": f"{SITE}/{HOSTILE}", "reason": HOSTILE}]}})
        store.set_run_status(run, "checked")
        runs.append(run)
    return store, runs[-1]


def test_no_crawled_markup_runs_in_any_generated_file(tmp_path):
    store, run = _hostile_store(tmp_path)
    with store:
        data = build_report(store, run, {r.code: r for r in known_rules(discover_checks())})
    assert data.changes.before is not None and data.changes.fixed  # the earlier run compared
    out = tmp_path / "out"
    written = HtmlReporter().write(data, out)
    files = report_files(out)
    assert sorted(written) == sorted(files) and written[0] == out / "report.html"
    shown = 0
    for path in files:
        text = path.read_text("utf-8")
        lowered = text.lower()
        for raw in ("<script", "<img", "<iframe", "<object", "<embed", "javascript:alert",
                    "onmouseover='", "onerror=alert(2)>"):
            assert raw not in lowered or (raw == "javascript:alert" and _only_as_text(text)), \
                (path.name, raw)
        tree = lxml_html.document_fromstring(text)
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue  # comments
            assert el.tag.lower() in ALLOWED_TAGS, (path.name, el.tag)
            for name, value in el.attrib.items():
                assert name.lower() in ALLOWED_ATTRS, (path.name, el.tag, name)
                assert not name.lower().startswith("on"), (path.name, name)
                if name.lower() == "href":
                    scheme = urlsplit(value).scheme.lower()
                    assert scheme in ("", "http", "https", "mailto"), (path.name, value)
        shown += "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert shown >= 5  # the payload is there, as text, on most views
    report = (out / "report.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report  # the site name, as text
    part = (out / "pages" / "1.html").read_text("utf-8")
    assert "&lt;img src=x onerror=alert(2)&gt;" in part  # a message, as text


def _only_as_text(text: str) -> bool:
    """javascript: addresses may appear as text (escaped, in a cell), never in an href."""
    return not re.search(r"""href\s*=\s*["']?\s*javascript:""", text, re.I)


def test_safe_href_keeps_only_web_and_mail_addresses():
    assert safe_href("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_href("HTTP://example.org/") == "HTTP://example.org/"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "vbscript:x",
                "file:///etc/passwd", "//evil.example/", "/relative", "", None,
                "http://a/\nb", "mailto:a@b.example"):
        assert safe_href(bad) is None, bad
    assert safe_href("mailto:a@b.example", mail=True) == "mailto:a@b.example"


def test_charts_escape_their_labels():
    svg = str(charts.stacked_bars("c", "<t>", "<d>", [(PAYLOAD, {"error": 2, "notice": 1})]))
    svg += str(charts.histogram("h", PAYLOAD, PAYLOAD, [(PAYLOAD, 3)]))
    svg += str(charts.line_chart("l", PAYLOAD, PAYLOAD, [PAYLOAD, "b"], [(PAYLOAD, [1, 2])]))
    svg += str(charts.heat_map("m", PAYLOAD, PAYLOAD, [(PAYLOAD, PAYLOAD)], [PAYLOAD], [[1]]))
    assert "<script" not in svg and "<img" not in svg and "&lt;script&gt;" in svg
    tree = lxml_html.fragment_fromstring(svg, create_parent="div")
    assert all(el.tag in ALLOWED_TAGS for el in tree.iter() if el.tag != "div")


def test_owner_pages_are_named_like_the_owner_csv_files(demo):
    out = demo["out"]
    pages = {p.stem for p in (out / "owners").glob("*.html")}
    sheets = {p.stem for p in (out / "owners").glob("*.csv")} - {"index"}
    assert pages == sheets == {"local-offer-team", "family-information-service-directory",
                               "family-hub-partner-site", "health-partners-icb"}


def test_owner_file_names_are_plain_and_unique(tmp_path):
    store, run = _hostile_store(tmp_path)
    with store:
        data = build_report(store, run)
    data.owners += [type(data.owners[0])(name, "", 1, [], {}) for name in
                    ("Index", "../../etc", "\u65e5\u672c", "\u00c9quipe d'accueil", "A&B", "A-B")]
    paths = Layout(data).owner_paths
    assert len(set(paths.values())) == len(paths)
    assert all(re.fullmatch(r"owners/[a-z0-9-]+\.html", p) for p in paths.values())
    assert paths["Index"] == "owners/index-owner.html" and paths["../../etc"] == "owners/etc.html"
    assert paths["\u00c9quipe d'accueil"] == "owners/equipe-d-accueil.html"
    assert {paths["A&B"], paths["A-B"]} == {"owners/a-b.html", "owners/a-b-2.html"}


# --- the report checks itself ----------------------------------------------------------------

def _accessibility_checks():
    checks = [c for c in discover_checks() if c.kind == "page"
              and any(r.family == "accessibility" for r in c.rules)]
    codes = {r.code for c in checks for r in c.rules if r.family == "accessibility"}
    assert {"A11Y502", "A11Y503"} <= codes
    return instantiate(checks, codes, {}), codes


def test_the_report_passes_the_projects_own_accessibility_checks(demo):
    active, codes = _accessibility_checks()
    found = []
    for path in report_files(demo["out"]):
        page = Page(url=path.as_uri(), status=200, content_type="text/html", kind="html",
                    body=path.read_bytes())
        for _check, obj in active:
            found += [(path.name, f.rule, f.message) for f in obj.check_page(page)
                      if f.rule in codes]
    assert found == []


def test_every_link_between_views_and_every_id_reference_resolves(demo):
    out = demo["out"]
    ids: dict[Path, set[str]] = {}
    trees = {}
    for path in (p.resolve() for p in report_files(out)):
        tree = lxml_html.document_fromstring(path.read_text("utf-8"))
        trees[path] = tree
        all_ids = [el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")]
        assert len(all_ids) == len(set(all_ids)), (path, "duplicate ids")
        ids[path] = set(all_ids)
    for path, tree in trees.items():
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            for ref in (el.get("aria-labelledby") or "").split():
                assert ref in ids[path], (path.name, ref)
        for href in tree.xpath("//a/@href"):
            parts = urlsplit(href)
            if parts.scheme:
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target in ids, (path.name, href)
            if parts.fragment:
                assert parts.fragment in ids[target], (path.name, href)


# --- what the views hold ---------------------------------------------------------------------

def test_required_content_matrix_lists_every_statutory_topic(demo):
    tree = lxml_html.parse(str(demo["out"] / "required-content.html")).getroot()
    rows = tree.xpath('//table[@id="matrix"]/tbody/tr')
    coverage = json.loads((demo["out"] / "coverage.json").read_text("utf-8"))
    assert len(rows) == len(coverage["topics"]) == 23
    for row, topic in zip(rows, coverage["topics"]):
        assert row.xpath("string(th)").strip() == topic["title"]
        assert topic["status"] in row.xpath("string(td[1])").lower()
        links = row.xpath("td[2]//a/@href")
        assert links == [e["url"] for e in topic["evidence"]]
        for evidence, item in zip(topic["evidence"], row.xpath("td[2]//li")):
            depth = evidence["depth"]
            text = item.text_content()
            assert ("site map" in text if depth is None else "home page" in text if depth == 0
                    else f"{depth} click" in text), text
    chart = tree.xpath('//svg[@id]|//svg')[0]
    assert chart.get("role") == "img"


def test_overview_links_every_view_and_every_owner(demo):
    out = demo["out"]
    tree = lxml_html.parse(str(out / "report.html")).getroot()
    hrefs = set(tree.xpath("//a/@href"))
    assert {"required-content.html", "accessibility.html", "pages/index.html"} <= hrefs
    owners = demo["summary"]["findings"]["by_owner"]
    owner_links = {h for h in hrefs if h.startswith("owners/")}
    assert len(owner_links) == len(owners) == 4
    for href in owner_links:
        page = lxml_html.parse(str(out / href)).getroot()
        name = page.xpath("string(//h1)").strip()
        assert name in owners
        text = page.text_content()
        for heading in ("What to fix first", "How old your pages are", "with the most serious",
                        "Your stale pages", "Fixed since the last run", "All your pages"):
            assert heading in text, (href, heading)
        actions = page.xpath('//ol[@class="actions"]/li')
        assert actions, href
        levels = [a.get("class") for a in actions]
        rank = {"error": 3, "warning": 2, "notice": 1}
        assert levels == sorted(levels, key=lambda s: -rank[s]), href  # most serious first
    cards = tree.xpath('//ul[@class="cards"]/li')
    labels = " ".join(c.text_content() for c in cards)
    for needed in ("pages audited", "problems found", "required topics covered", "stale",
                   "median page age", "accessibility errors per page", "since the last run"):
        assert needed in labels, needed


def test_every_finding_is_on_its_pages_view(demo):
    out = demo["out"]
    shown: dict[str, int] = {}
    texts: dict[str, str] = {}
    for path in sorted((out / "pages").glob("*.html")):
        if path.name == "index.html":
            continue
        assert path.stat().st_size < 1_000_000, path  # small enough to open fast
        tree = lxml_html.parse(str(path)).getroot()
        for section in tree.xpath('//section[@class="page"]'):
            url = section.xpath('string(.//dl//a[1]/@href)') or section.xpath(
                "string(.//dl/dd[2])")
            shown[url] = len(section.xpath(".//tbody/tr"))
            texts[url] = section.text_content()
    by_url: dict[str, list[dict]] = {}
    for f in demo["findings"]:
        by_url.setdefault(f["url"], []).append(f)
    assert {u: len(fs) for u, fs in by_url.items()} == shown
    for url, findings in by_url.items():
        for f in findings:
            assert f["message"] in texts[url] and f["fix"] in texts[url], (url, f["rule"])
            if f["snippet"]:
                assert f["snippet"] in texts[url]


def test_accessibility_view_speaks_of_barriers_not_rules(demo):
    tree = lxml_html.parse(str(demo["out"] / "accessibility.html")).getroot()
    headings = [h.text_content().strip() for h in tree.xpath("//h2")]
    for barrier in BARRIERS:
        assert barrier.title in headings
    text = tree.text_content()
    for jargon in ("A11Y502", "LNK301", "WCAG", "selector", "HTTP", "h1)"):
        assert jargon not in text, jargon
    assert "Links that go nowhere" in headings and "Hard to read" in headings
    sections = {s.get("aria-labelledby"): s for s in tree.xpath("//section")}
    links = sections["links"].text_content()
    assert "A link to another page of the Local Offer leads to an error page" in links


def test_who_each_problem_affects_is_shown_to_families_and_owners(demo):
    rules = {r.code: r for r in known_rules(discover_checks())}
    found = {f["rule"] for f in demo["findings"]}
    with_sentence = sorted(c for c in found if rules[c].who_affected)
    assert len(with_sentence) >= 10
    a11y_text = " ".join(lxml_html.parse(str(demo["out"] / "accessibility.html")).getroot()
                         .text_content().split())
    owner_text = " ".join(" ".join(lxml_html.parse(str(p)).getroot().text_content().split())
                          for p in (demo["out"] / "owners").glob("*.html"))
    for code in with_sentence:
        sentence = " ".join(rules[code].who_affected.split())
        assert sentence in a11y_text, code
        assert "Who this affects: " + sentence in owner_text, code


def test_every_built_in_rule_has_a_barrier_and_plain_words():
    codes = {r.code for r in known_rules(discover_checks())}
    listed = [code for b in BARRIERS for code in b.rules]
    assert len(listed) == len(set(listed)), "a rule is in two barriers"
    assert codes <= set(listed), codes - set(listed)
    assert codes <= set(PLAIN_PROBLEMS), codes - set(PLAIN_PROBLEMS)
    assert barrier_for("XYZ001", "links").id == "links"
    assert barrier_for("XYZ001", "something-new") is OTHER_BARRIER


# --- history and scale -------------------------------------------------------------------------

def _bench():
    spec = importlib.util.spec_from_file_location("report_scale", ROOT / "bench" /
                                                  "report_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_history_views_and_leftover_parts(tmp_path):
    bench = _bench()
    db = tmp_path / "big.sqlite"
    run = bench.synthesise(db, pages=1200, findings=4000)
    with Store(db) as store:
        data = build_report(store, run)
        reference = history.changes_since_previous(store, run)
    for kind in ("new", "fixed", "persisting"):  # the fast comparison is the same comparison
        assert getattr(data.changes, kind) == getattr(reference, kind), kind
    assert data.changes.fixed and data.changes.new
    out = tmp_path / "out"
    HtmlReporter().write(data, out)
    report = lxml_html.parse(str(out / "report.html")).getroot()
    assert report.xpath('//svg[@aria-labelledby="trend-chart-title trend-chart-desc"]')
    parts = sorted((out / "pages").glob("*.html"))
    assert len(parts) > 9  # 1,200 pages of 8 owners: two parts each
    owner = next((out / "owners").glob("*.html")).read_text("utf-8")
    assert "are gone. Well done." in owner or "is gone. Well done." in owner
    new_tags = sum(p.read_text("utf-8").count('class="tag tag-new"') for p in parts)
    assert new_tags == len(data.changes.new)
    # A smaller report in the same folder leaves no part of the bigger one behind.
    small = tmp_path / "small.sqlite"
    run = bench.synthesise(small, pages=40, findings=100)
    with Store(small) as store:
        HtmlReporter().write(build_report(store, run), out)
    left = {p.name for p in (out / "pages").glob("*.html")}
    assert len(left) < len(parts)
    index = (out / "pages" / "index.html").read_text("utf-8")
    assert all(f'pages/{name}"' in index for name in left - {"index.html"})


@pytest.mark.parametrize("value, text", [(0, "0 days"), (1, "1 day"), (20, "2 weeks"),
                                         (90, "2 months"), (400, "13 months"),
                                         (800, "2 years and 2 months"), (None, "no date shown")])
def test_ages_read_as_words(value, text):
    from localoffer_audit.reports.html import age

    assert age(value) == text
