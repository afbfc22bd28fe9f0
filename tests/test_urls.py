"""Table-driven tests for localoffer_audit.urls."""

from __future__ import annotations

import pytest

from localoffer_audit.urls import (
    DEFAULT_STRIP_PARAMS,
    canonicalize,
    host_of,
    is_crawlable_scheme,
    matches_host,
    netloc_of,
    split_fragment,
)

CANONICAL_CASES = [
    # scheme/host case, default port, fragment
    ("HTTP://WWW.Example.GOV.uk:80/Local-Offer#top", "http://www.example.gov.uk/Local-Offer"),
    ("https://example.gov.uk:443", "https://example.gov.uk/"),
    ("https://example.gov.uk:8443/a", "https://example.gov.uk:8443/a"),
    ("http://example.gov.uk:443/", "http://example.gov.uk:443/"),
    # tracking and session parameters, case-insensitive globs, order kept
    ("https://e.gov.uk/s?utm_source=x&b=2&UTM_Medium=y&a=1", "https://e.gov.uk/s?b=2&a=1"),
    ("https://e.gov.uk/s?fbclid=1&gclid=2&msclkid=3&mc_cid=4&mc_eid=5&_ga=6", "https://e.gov.uk/s"),
    ("https://e.gov.uk/s?PHPSESSID=abc&id=7&ASPSESSIONIDQQ=z&cfid=1&cftoken=2", "https://e.gov.uk/s?id=7"),
    ("https://e.gov.uk/s?z=1&a=2&m=3", "https://e.gov.uk/s?z=1&a=2&m=3"),
    ("https://e.gov.uk/s?utm%5Fsource=x&q=1", "https://e.gov.uk/s?q=1"),
    ("https://e.gov.uk/s?a=1&&b=&c", "https://e.gov.uk/s?a=1&b=&c"),
    ("https://e.gov.uk/s?a=1&a=2", "https://e.gov.uk/s?a=1&a=2"),
    # ;jsessionid= path parameters; other path parameters kept
    ("https://e.gov.uk/page;jsessionid=ABC123?x=1", "https://e.gov.uk/page?x=1"),
    ("https://e.gov.uk/page;JSESSIONID=ABC123", "https://e.gov.uk/page"),
    ("https://e.gov.uk/doc;type=a/x", "https://e.gov.uk/doc;type=a/x"),
    # percent-encoding normalised
    ("https://e.gov.uk/a b/%7euser/%2f", "https://e.gov.uk/a%20b/~user/%2F"),
    ("https://e.gov.uk/caf\u00e9?q=\u20ac", "https://e.gov.uk/caf%C3%A9?q=%E2%82%AC"),
    ("http://b\u00fccher.example/", "http://xn--bcher-kva.example/"),
    # IPv6 and loopback hosts
    ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ("http://127.0.0.1:80/", "http://127.0.0.1/"),
]


@pytest.mark.parametrize(("url", "expected"), CANONICAL_CASES)
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


@pytest.mark.parametrize("url", [url for url, _ in CANONICAL_CASES])
def test_canonicalize_is_idempotent(url: str) -> None:
    once = canonicalize(url)
    assert canonicalize(once) == once


def test_canonicalize_custom_strip_params() -> None:
    url = "https://e.gov.uk/s?utm_source=x&sort=asc&page=2"
    assert canonicalize(url, strip_params=("sort",)) == "https://e.gov.uk/s?utm_source=x&page=2"
    assert canonicalize(url, strip_params=(*DEFAULT_STRIP_PARAMS, "sort")) == "https://e.gov.uk/s?page=2"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://e.gov.uk/a#Section%201", ("https://e.gov.uk/a", "Section 1")),
        ("https://e.gov.uk/a", ("https://e.gov.uk/a", None)),
        ("https://e.gov.uk/a#", ("https://e.gov.uk/a", None)),
        ("#top", ("", "top")),
    ],
)
def test_split_fragment(url: str, expected: tuple[str, str | None]) -> None:
    assert split_fragment(url) == expected


@pytest.mark.parametrize(
    ("url", "crawlable"),
    [
        ("http://e.gov.uk/", True),
        ("HTTPS://e.gov.uk/", True),
        ("file:///etc/passwd", False),
        ("javascript:void(0)", False),
        ("data:text/html,hi", False),
        ("mailto:send@e.gov.uk", False),
        ("tel:+441234567890", False),
        ("ftp://e.gov.uk/x", False),
        ("/relative/path", False),
    ],
)
def test_is_crawlable_scheme(url: str, crawlable: bool) -> None:
    assert is_crawlable_scheme(url) is crawlable


@pytest.mark.parametrize(
    ("url", "host", "netloc"),
    [
        ("https://WWW.E.gov.uk:443/x", "www.e.gov.uk", "www.e.gov.uk"),
        ("http://e.gov.uk:8080/", "e.gov.uk", "e.gov.uk:8080"),
        ("http://e.gov.uk./", "e.gov.uk", "e.gov.uk"),
        ("http://user:pw@e.gov.uk:80/", "e.gov.uk", "e.gov.uk"),
        ("http://[::1]:8000/", "::1", "[::1]:8000"),
        ("mailto:x@e.gov.uk", "", ""),
    ],
)
def test_host_and_netloc(url: str, host: str, netloc: str) -> None:
    assert host_of(url) == host
    assert netloc_of(url) == netloc


@pytest.mark.parametrize(
    ("url", "allowed", "matches"),
    [
        ("https://www.e.gov.uk/x", ["www.e.gov.uk"], True),
        ("https://WWW.E.GOV.UK/x", ["www.e.gov.uk"], True),
        ("https://other.e.gov.uk/x", ["www.e.gov.uk"], False),
        ("https://fsd.e.gov.uk/x", ["*.e.gov.uk"], True),
        ("https://a.b.e.gov.uk/x", ["*.e.gov.uk"], True),
        ("https://e.gov.uk/x", ["*.e.gov.uk"], True),
        ("https://note.gov.uk/x", ["*.e.gov.uk"], False),
        ("https://e.gov.uk.evil.com/x", ["*.e.gov.uk"], False),
        ("http://127.0.0.1:8000/", ["127.0.0.1:8000"], True),
        ("http://127.0.0.1:8001/", ["127.0.0.1:8000"], False),
        ("http://127.0.0.1:8001/", ["127.0.0.1"], True),
        ("https://e.gov.uk/", ["e.gov.uk:443"], True),
        ("http://e.gov.uk/", ["e.gov.uk:443"], False),
        ("http://x.e.gov.uk:9000/", ["*.e.gov.uk:9000"], True),
        ("http://[::1]:8000/", ["[::1]:8000"], True),
        ("http://[::1]:8000/", ["::1"], True),
        ("mailto:a@e.gov.uk", ["e.gov.uk"], False),
        ("https://e.gov.uk/", [], False),
    ],
)
def test_matches_host(url: str, allowed: list[str], matches: bool) -> None:
    assert matches_host(url, allowed) is matches
