"""Date parsing and page-date extraction (localoffer_audit/dates.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import html as lxml_html

from localoffer_audit import dates as D
from localoffer_audit.models import Page

d = dt.date


@pytest.mark.parametrize("text, expected", [
    ("Last updated: 3 March 2024", d(2024, 3, 3)),
    ("Last Updated 03/03/2024", d(2024, 3, 3)),
    ("04/05/2023", d(2023, 5, 4)),  # UK order: 4 May
    ("05/13/2023", d(2023, 5, 13)),  # US order only when UK order cannot be a date
    ("4.5.2023", d(2023, 5, 4)),
    ("04-05-23", d(2023, 5, 4)),
    ("Updated 3rd Mar 2024", d(2024, 3, 3)),
    ("Tuesday, 3 March 2024", d(2024, 3, 3)),
    ("3 Sept. 2024", d(2024, 9, 3)),
    ("the 21st of June 2025", d(2025, 6, 21)),
    ("March 3, 2024", d(2024, 3, 3)),
    ("2024-03-03", d(2024, 3, 3)),
    ("2024/03/05", d(2024, 3, 5)),
    ("3-Mar-2024", d(2024, 3, 3)),
    ("feedback published June 2025", d(2025, 6, 1)),
    ("31/02/2024", None),
    ("WCAG 2.2 and 1.1.1", None),
    ("call 01632 960 410", None),
    ("", None),
])
def test_parse_date(text, expected):
    assert D.parse_date(text) == expected


def test_written_dates_know_a_month_alone_from_a_day():
    june, day = D.written_dates("June 2025, then 3 July 2025")
    assert june.month_only and june.last_day == d(2025, 6, 30)
    assert not day.month_only and day.last_day == d(2025, 7, 3)


@pytest.mark.parametrize("value, expected", [
    ("2026-11-12T09:30:00+00:00", d(2026, 11, 12)),
    ("2026-11-12", d(2026, 11, 12)),
    ("2026-11", d(2026, 11, 1)),
    ("2026", d(2026, 1, 1)),
    ("Tue, 03 Mar 2024 10:00:00 GMT", d(2024, 3, 3)),
    ("not a date", None),
    (None, None),
    (20240303, None),
])
def test_parse_machine_date(value, expected):
    assert D.parse_machine_date(value) == expected


@pytest.mark.parametrize("text, kinds", [
    ("Page last reviewed: 3 March 2024\nNext review due: 3 March 2025", ["reviewed", "review-due"]),
    ("This statement was prepared on 12 May 2022. It was last reviewed on 20 March 2025.",
     ["prepared", "reviewed"]),
    ("This page was last updated on 3 March 2024", ["updated"]),
    ("Published 1 Jan 2020 | Updated 3 Mar 2024", ["updated"]),
    ("Updated 3rd Mar 2024", ["updated"]),
    ("It was last tested on 3 June 2025", ["tested"]),
    ("The law was updated on 1 September 2014.", []),  # a sentence, not a date line
    ("Last updated: soon", []),
])
def test_labelled_dates(text, kinds):
    assert [found.kind for found in D.labelled_dates(text)] == kinds


def test_academic_years():
    text = "2023 to 2024, 2024-25, 2024/2025, 2025–26, folder 2019-05, 2024-2026, 2010 to 2011"
    assert [y for y, _raw in D.academic_years(text)] == [2023, 2024, 2024, 2025, 2010]
    assert D.academic_year_start(d(2026, 8, 31)) == 2025
    assert D.academic_year_start(d(2026, 9, 1)) == 2026


def test_months():
    assert D.add_months(d(2024, 3, 31), -1) == d(2024, 2, 29)
    assert D.add_months(d(2026, 11, 22), -24) == d(2024, 11, 22)
    assert D.months_between(d(2023, 3, 3), d(2026, 11, 22)) == 44
    assert D.months_between(d(2025, 11, 23), d(2026, 11, 22)) == 11


def blocks(html: str):
    return D.text_blocks(lxml_html.document_fromstring(html))


def content(html: str) -> list[str]:
    return [b.text for b in blocks(html) if b.content]


def test_main_content_is_main_without_its_menus():
    html = ("<body><header><p>Council</p></header><main><h1>Title</h1><p>Words <b>here</b>.</p>"
            "<nav><a>Menu</a></nav><aside><p>Related</p></aside><ol class='breadcrumbs'><li>Home"
            "</li></ol></main><footer><p>Last updated: 1 May 2024</p></footer></body>")
    assert content(html) == ["Title", "Words here."]
    footer = [b for b in blocks(html) if b.text.startswith("Last updated")][0]
    assert not footer.content and not footer.menu


def test_main_content_without_main_element():
    assert content("<body><div role='main'><p>A</p></div><p>B</p></body>") == ["A"]
    assert content("<body><header>H</header><article><p>A</p></article><p>B</p></body>") == ["A"]
    assert content("<body><header><p>H</p></header><div><p>A</p></div><footer><p>F</p></footer>"
                   "</body>") == ["A"]


def test_text_blocks_skip_code_and_hidden_text_and_keep_tails():
    html = ("<body><main><p>a<script>var x = 1;</script>b<!-- note -->c<br>d"
            "<span hidden>secret</span><span aria-hidden='true'>icon</span>e</p>"
            "<select><option>Option</option></select><p><img alt='Logo'> text</p></main></body>")
    assert content(html) == ["abc\nde", "Logo text"]


def page(html: str, **fields) -> Page:
    fields.setdefault("fetched_at", "2026-11-22T10:00:00+00:00")
    return Page(url="http://localoffer.test/p", status=200, content_type="text/html",
                kind="html", body=html.encode(), **fields)


DATED = """<html><head>
<meta property="article:modified_time" content="2024-04-01T10:00:00+01:00">
<script type="application/ld+json">{"@graph": [{"@type": "WebPage",
  "dateModified": "2024-05-01", "lastReviewed": "2024-05-02"}]}</script></head>
<body><main><p>Words</p><p>Changed <time class="updated" datetime="2024-06-01">June</time></p>
<p>Last updated: 1 July 2024</p></main></body></html>"""


def test_page_dates_by_trust():
    found = D.page_dates(page(DATED, sitemap_lastmod="2024-08-01",
                              headers={"last-modified": "Sun, 01 Sep 2024 10:00:00 GMT"}))
    assert [(f.source, f.date) for f in found.by_trust()] == [
        ("visible-text", d(2024, 7, 1)), ("json-ld", d(2024, 5, 2)), ("meta", d(2024, 4, 1)),
        ("sitemap", d(2024, 8, 1)), ("http-last-modified", d(2024, 9, 1))]
    assert found.time_element.date == d(2024, 6, 1)
    assert found.today == d(2026, 11, 22)
    no_visible = D.page_dates(page(DATED.replace("Last updated: 1 July 2024", "")))
    assert no_visible.last_updated.source == "time-element"


def test_fetch_date_is_today_for_date_rules():
    assert D.fetch_date(page("<p>x</p>", fetched_at="2021-01-15T09:00:00")) == d(2021, 1, 15)
    assert D.fetch_date(page("<p>x</p>", fetched_at=None)) == dt.date.today()
    assert D.fetch_date(page("<p>x</p>", fetched_at="garbage")) == dt.date.today()


def test_documents_get_sitemap_and_header_dates_only():
    doc = Page(url="http://localoffer.test/a.pdf", status=200, content_type="application/pdf",
               kind="document", body=b"%PDF-1.4", sitemap_lastmod="2020-01-01",
               headers={"last-modified": "Sun, 01 Sep 2024 10:00:00 GMT"})
    found = D.page_dates(doc)
    assert found.last_updated.source == "sitemap" and found.visible == []
