"""The links checks (LNK301...): one fixture site per rule, helpers, options, and the demo score.

Fixtures live in tests/fixtures/pages/links/<CODE>/ (see the README there): a tiny crawled site
as JSON, plus expected.json listing exactly the links that rule must report. Every other link
in the site is a pass case: it must not be reported by that rule.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from localoffer_audit.checks import links
from localoffer_audit.config import build_config
from localoffer_audit.errors import ConfigError
from localoffer_audit.models import Link, LinkStatus, Severity
from localoffer_audit.registry import discover_checks
from localoffer_audit.runner import run_checks
from localoffer_audit.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "pages" / "links"
CODES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


# --- building a store from a fixture ----------------------------------------------------------


def _kind(content_type: str) -> str:
    if content_type.startswith("text/html"):
        return "html"
    return "document" if content_type.startswith(("application/", "text/csv")) else "other"


def _body(folder: Path, spec: dict) -> bytes:
    if "file" in spec:
        return (folder / "pages" / spec["file"]).read_bytes()
    if "body" in spec:
        return spec["body"].encode()
    title = spec.get("title", "Page")
    return f"<html><head><title>{title}</title></head><body><main><h1>{title}</h1>" \
           f"<p>What {title} offers families, who can use it, and how to get in touch with " \
           "the team.</p></main></body></html>".encode()


def _page_record(folder: Path, base: str, spec: dict, kind: str | None = None) -> dict:
    content_type = spec.get("content_type", "text/html")
    record = {"url": urljoin(base, spec["url"]), "status": spec.get("status", 200),
              "content_type": content_type, "kind": kind or spec.get("kind") or _kind(content_type),
              "title": spec.get("title"), "headers": {"content-type": content_type,
                                                      **spec.get("headers", {})},
              "error": spec.get("error"), "elapsed": spec.get("elapsed", 0.05)}
    if spec.get("redirect_to"):
        record["redirect_to"] = urljoin(base, spec["redirect_to"])
        record["headers"]["location"] = record["redirect_to"]
    elif record["status"] is not None:
        record["body"] = _body(folder, spec)
    return record


def _link(base: str, spec: dict) -> Link:
    target, _, fragment = spec["target"].partition("#")
    if target.startswith(("mailto:", "tel:", "MAILTO:")):
        target, fragment = spec["target"], ""
    else:
        target = urljoin(base, target)
    return Link(urljoin(base, spec["source"]), target, spec.get("text", ""),
                spec.get("tag", "a"), "href", unquote(fragment) or None,
                internal=urlsplit(target).netloc == urlsplit(base).netloc)


def build_site(folder: Path, tmp_path: Path):
    """A store holding the fixture's crawl, with the links checks run over it."""
    spec = json.loads((folder / "site.json").read_text("utf-8"))
    base = spec["site"].rstrip("/") + "/"
    config = build_config({"site": {"start_urls": [base]}, "checks": spec.get("checks", {})})
    store = Store(tmp_path / "links.sqlite")
    run = store.begin_run("fixture", config.start_urls, config.to_dict(), "test")
    for page in spec.get("pages", []):
        record = _page_record(folder, base, page)
        store.add_page(run, record)
        if record.get("redirect_to"):  # the crawl records each redirect hop as a link
            store.add_links(run, [Link(record["url"], record["redirect_to"], "", "http-redirect",
                                       "location", internal=urlsplit(record["redirect_to"]).netloc
                                       == urlsplit(base).netloc)])
    if "probe" in spec:
        store.add_page(run, _page_record(folder, base, spec["probe"], kind="probe"))
    store.add_links(run, [_link(base, link) for link in spec.get("links", [])])
    for status in spec.get("link_status", []):
        url = urljoin(base, status["url"])
        store.add_link_status(run, LinkStatus(
            url, status.get("status"), urljoin(base, status.get("final_url") or url),
            status.get("error"), tuple(status.get("redirects", [])), status.get("elapsed", 0.2),
            status.get("method", "HEAD"), status.get("headers", {})))
    store.set_run_status(run, "crawled")
    store.flush()
    run_checks(store, run, config)
    return store, run, base


def _relative(url: str, base: str) -> str:
    return url[len(base) - 1:] if url.startswith(base) else url


@pytest.mark.parametrize("code", CODES)
def test_rule_flags_exactly_the_expected_links(code, tmp_path):
    folder = FIXTURES / code
    expected = json.loads((folder / "expected.json").read_text("utf-8"))["flagged"]
    store, run, base = build_site(folder, tmp_path)
    with store:
        findings = [f for f in store.findings(run) if f.rule == code]
    found = {(_relative(f.url, base), _relative(f.target, base)): f for f in findings}
    wanted = {(e["url"], e["target"]): e for e in expected}
    assert sorted(found) == sorted(wanted), "\n".join(f.message for f in findings)
    for where, finding in found.items():
        assert finding.family == "links" and finding.message and finding.fix
        if "message_has" in wanted[where]:
            assert wanted[where]["message_has"] in finding.message, finding.message


def test_fixtures_cover_every_links_rule():
    codes = {r.code for c in discover_checks() for r in c.rules if r.family == "links"}
    assert codes == set(CODES)


def test_cannot_verify_is_a_notice_and_never_broken(tmp_path):
    store, run, base = build_site(FIXTURES / "LNK313", tmp_path)
    with store:  # other families also run on the fixture site; only links findings matter here
        findings = [f for f in store.findings(run) if f.family == "links"]
    by_target = {}
    for f in findings:
        by_target.setdefault(_relative(f.target, base), set()).add((f.rule, f.severity))
    assert by_target["https://charity.example.org/bot-wall"] == {("LNK313", Severity.NOTICE)}
    assert by_target["https://charity.example.org/rate-limited"] == {("LNK313", Severity.NOTICE)}
    assert by_target["/forum"] == {("LNK313", Severity.NOTICE)}  # not LNK301 either
    assert ("LNK302", Severity.ERROR) in by_target["https://charity.example.org/forbidden"]
    assert "https://charity.example.org/ok" not in by_target


def test_links_that_were_not_fetched_are_never_reported(tmp_path):
    store, run, base = build_site(FIXTURES / "LNK301", tmp_path)
    with store:
        targets = {_relative(f.target, base) for f in store.findings(run) if f.family == "links"}
    assert "/staff-only/" not in targets and "/calendar?month=2031-01" not in targets


def test_fix_gives_the_document_type_and_size(tmp_path):
    store, run, base = build_site(FIXTURES / "LNK316", tmp_path)
    with store:
        fixes = {_relative(f.target, base): f.fix for f in store.findings(run)
                 if f.rule == "LNK316"}
    assert "(PDF, 150 KB)" in fixes["/files/info-sheet.pdf"]
    assert "(PDF, 3.0 MB)" in fixes["https://partner.example.org/guide.pdf"]


# --- helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("number, problem", [
    ("01632960410", None), ("+44 (0)1632 960410", None), ("0044 1632 960410", None),
    ("999", None), ("116 123", None), ("18001 01632 960410", None), ("+1 202 555 0143", None),
    ("0163296O410", "letter O"), ("0l632960410", "letter I or l"), ("01632", "5 digits"),
    ("1632960410", "start with 0 or +44"), ("0800 CALL NOW", "letters in it"),
    ("Ol63296O41O", "letters O and I or l"),
    ("01632#960410", "not digits"), ("", "no number"),
])
def test_phone_problem(number, problem):
    result = links.phone_problem(number)
    assert (result is None) if problem is None else (problem in result), result


@pytest.mark.parametrize("address, problem", [
    ("send@exampleshire.gov.uk", None), ("a.b+c@nhs.net", None), ("x@xn--bcher-kva.example", None),
    ("sendteam@council", "not a full domain"), ("sendteam.exampleshire.gov.uk", "no @"),
    ("a@b@c.org", "more than one @"), (".a@b.org", "before the @"), ("a@-b.org", "not a valid"),
    ("a@b.c0m", "not a valid"),
])
def test_email_problem(address, problem):
    result = links.email_problem(address)
    assert (result is None) if problem is None else (problem in result), result


def test_similarity_is_high_for_the_same_template_only():
    text = "page not found sorry we cannot find the page you asked for it may have moved"
    assert links.similarity(text, text) == 1.0
    assert links.similarity(text, "short breaks give families a rest from caring") < 0.1


def test_website_of_ignores_www_and_default_ports():
    assert links.website_of("http://www.example.org/a") == \
        links.website_of("https://example.org:443/")
    assert links.website_of("http://127.0.0.1:8001/") != links.website_of("http://127.0.0.1:8002/")


# --- options ----------------------------------------------------------------------------------


@pytest.mark.parametrize("check, options, message", [
    (links.LinkStatusCheck, {"slow_secs": 3}, "unknown option 'slow_secs'"),
    (links.LinkStatusCheck, {"slow_seconds": "fast"}, "slow_seconds must be a number"),
    (links.LinkStatusCheck, {"slow_seconds": 0}, "more than 0"),
    (links.LinkStatusCheck, {"redirect_chain_hops": 1}, "redirect_chain_hops"),
    (links.LinkAddressCheck, {"extra_retired_domains": "a.org"}, "list of strings"),
    (links.SoftNotFound, {"similarity": 2.0}, "between 0 and 1"),
    (links.MissingFragments, {"anything": 1}, "takes no options"),
])
def test_bad_options_are_refused(check, options, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check.from_config(options)


def test_options_change_the_thresholds():
    check = links.LinkStatusCheck.from_config({"slow_seconds": 10, "redirect_chain_hops": 3})
    assert (check.slow_seconds, check.redirect_chain_hops) == (10.0, 3)


def test_unknown_option_names_the_check_in_the_config_error(tmp_path):
    config = build_config({"site": {"start_urls": ["https://www.exampleshire.gov.uk/"]},
                           "checks": {"link-status": {"slow": 1}}})
    store = Store(tmp_path / "s.sqlite")
    run = store.begin_run("x", config.start_urls, config.to_dict(), "test")
    with store, pytest.raises(ConfigError, match=r"\[checks.link-status\] unknown option"):
        run_checks(store, run, config)


# --- the demo site -----------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_links_recall_and_false_positives(demo):
    from localoffer_audit.demo.scoring import score

    result = score(demo["key"], demo["findings"])["links"]
    report = json.dumps({"missed": result.missed, "not_covered": result.not_covered,
                         "control_false_positives": result.control_false_positives,
                         "unmatched_errors": result.unmatched_errors}, indent=2)
    print(report)
    assert result.planted > 0 and result.found == result.planted, report
    assert result.not_covered == {}, report
    assert result.controls >= 4 and result.control_false_positives == [], report
    assert result.unmatched_errors == [], report


def test_soft_404_judged_in_the_runners_pass_equals_reading_every_page(tmp_path):
    """The runner hands each page to SoftNotFound.measure_page (one parse per page); run on
    its own, check_site reads the pages itself. Both give the same LNK314 findings."""
    from localoffer_audit.models import Site

    store, run, base = build_site(FIXTURES / "LNK314", tmp_path)
    with store:
        by_runner = sorted((f.url, f.target, f.message) for f in store.findings(run)
                           if f.rule == "LNK314")
        site = Site(run, (base,), lambda: store.iter_pages(run), store.status_resolver(run),
                    lambda: store.iter_links(run),
                    not_found_pages=list(store.iter_pages(run, ("probe",))))
        check = links.SoftNotFound.from_config({})
        alone = sorted((f.url, f.target, f.message) for f in check.check_site(site))
    assert by_runner and alone == by_runner
