"""Plant faults and negative controls into the page model, one family at a time.

Each ``plant_*`` function picks pages with the builder's seeded RNG, changes them,
and records what it did in ``builder.log``. Counts scale with the requested page
count (``builder.scaled``) with a floor of one, so even a tiny site has every kind.
Pages reserved for readability fixtures are never touched by other families,
because appended sentences would change their scores.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from . import content as C
from .content import AGE_12_24, AGE_FRESH, AGE_NEUTRAL, AGE_OVER_24, EXTERNAL
from .crawl import internal_target
from .model import Page


def plant_all(b) -> None:
    plant_dates(b)
    plant_readability(b)
    plant_staleness_text(b)
    plant_accessibility(b)
    plant_links(b)
    plant_directory(b)


# -- picking ------------------------------------------------------------------------


def fillers(b, platforms=("lgd", "wp"), guides: bool = True) -> list[Page]:
    return [
        p
        for p in b.pages.values()
        if p.role == "filler" and p.platform in platforms and not p.reserved and (guides or not p.guide_nav)
    ]


def take(b, family: str, pool: list[Page], k: int) -> list[Page]:
    """k pages not yet used by this family (reuse only if the site is too small)."""
    used = b.used.setdefault(family, set())
    fresh = [p for p in pool if p.path not in used]
    if len(fresh) < k:
        fresh = pool
    chosen = b.rng.sample(fresh, min(k, len(fresh)))
    used.update(p.path for p in chosen)
    return chosen


def link_targets(b) -> list[Page]:
    """Ordinary LGD pages that planted links may point at (never the deep-topic guide)."""
    return fillers(b, ("lgd",), guides=False)


# -- staleness: dates -------------------------------------------------------------------


def plant_dates(b) -> None:
    rng = b.rng
    fresh, neutral = [], []
    for page in b.pages.values():
        if page.updated is not None:
            continue
        if page.platform == "wp" and page.role in ("core", "listing"):
            page.updated = page.jsonld_modified = b.age_in(AGE_FRESH)
            continue
        if page.role not in ("filler", "record"):
            continue
        if rng.random() >= {"lgd": 0.6, "kb5": 1.0, "wp": 1.0, "jadu": 0.5}[page.platform]:
            continue
        r = rng.random()
        band = AGE_OVER_24 if r < 0.2 else AGE_12_24 if r < 0.32 else AGE_NEUTRAL if r < 0.8 else AGE_FRESH
        d = b.age_in(band)
        if page.platform == "kb5" and d.day <= 12:
            d -= dt.timedelta(days=d.day)  # dd/mm with day >= 13 cannot be misread as mm/dd
        page.updated = d
        if page.platform == "wp":
            page.jsonld_modified = d
        if band is AGE_OVER_24:
            b.log.fault("staleness", "last-updated-over-24-months", page.path, detail=d.isoformat())
            b.used.setdefault("staleness", set()).add(page.path)
        elif band is AGE_12_24:
            b.log.fault("staleness", "last-updated-12-to-24-months", page.path, detail=d.isoformat())
            b.used.setdefault("staleness", set()).add(page.path)
        elif band is AGE_FRESH:
            fresh.append(page)
        elif page.platform == "lgd" and page.role == "filler":
            neutral.append(page)

    b.fresh_dated = fresh  # fresh-page controls are chosen after the text faults (plant_staleness_text)
    for page in take(b, "staleness", neutral, b.scaled(0.001, 1)):
        typo = page.updated.replace(year=2052, day=min(page.updated.day, 28))
        page.raw_date_text = f"Last updated: {C.long_date(typo)}"
        page.updated = typo
        b.log.fault("staleness", "future-date", page.path, detail=typo.isoformat())
    undated = [p for p in fillers(b, ("lgd",)) if p.updated is None]
    for page in take(b, "staleness", undated, b.scaled(0.0025, 1)):
        page.updated = b.age_in((200, 300))
        page.review_due = b.age_in((20, 90))
        b.log.fault("staleness", "next-review-past", page.path, detail=page.review_due.isoformat())
    wp_dated = [p for p in fillers(b, ("wp",)) if p.updated is not None]
    for page in take(b, "staleness", wp_dated, b.scaled(0.005, 1)):
        shift = dt.timedelta(days=b.rng.randint(45, 300))
        page.jsonld_modified = page.updated + shift if page.updated + shift < b.today else page.updated - shift
        b.log.fault(
            "staleness",
            "jsonld-date-mismatch",
            page.path,
            detail=f"visible {page.updated.isoformat()}, JSON-LD {page.jsonld_modified.isoformat()}",
        )


# -- readability --------------------------------------------------------------------------


def _reserve(page: Page, blocks: list[str]) -> None:
    page.blocks, page.lede, page.reserved, page.sidebar = blocks, "", True, []


def plant_readability(b) -> None:
    pool = fillers(b, ("lgd",), guides=False)
    for page in take(b, "readability", pool, b.scaled(0.012, 2)):
        _reserve(page, ['<h2 id="policy-framework">Policy framework</h2>'] + C.legalistic_text(b.rng))
        b.log.fault("readability", "hard-to-read", page.path, detail="legalistic prose, FK grade >= 14")
    for page in take(b, "readability", pool, b.scaled(0.004, 1)):
        _reserve(page, C.long_sentence_text(b.rng))
        b.log.fault("readability", "long-sentences", page.path, detail="average sentence length > 25 words")
    for page in take(b, "readability", pool, b.scaled(0.01, 2)):
        _reserve(page, C.plain_text(b.rng))
        b.log.control("readability", "plain-english", page.path, "reading age 9 or under, 100+ words")
    for page in take(b, "readability", pool, b.scaled(0.004, 2)):
        _reserve(page, [f"<p>{C.paragraph(b.rng, page.topic or 'advice', 2)}</p>"])
        b.log.control("readability", "short-page", page.path, "under 100 words", expected="skipped")
    for page in take(b, "readability", pool, b.scaled(0.002, 1)):
        rows = "".join(
            f'<tr><th scope="row">{t}</th><td>9am to 12pm</td><td>1pm to 4pm</td><td>Closed</td></tr>'
            for t in C.TOWNS[:10]
        )
        _reserve(
            page,
            [
                '<table><caption>Drop-in times by town</caption><tr><th scope="col">Town</th><th scope="col">Monday</th>'
                f'<th scope="col">Wednesday</th><th scope="col">Saturday</th></tr>{rows}</table>',
                "<h2>Bring with you</h2><ul><li>Red book</li><li>Letters from school</li><li>Medication list</li>"
                "<li>Questions you want to ask</li><li>Snacks and a drink</li></ul>",
                "<h2>Services at every drop-in</h2><ul>" + "".join(f"<li>{n}</li>" for n in C.SEND_NEEDS) + "</ul>",
            ],
        )
        b.log.control("readability", "table-list-heavy", page.path, "mostly table cells and list items")


# -- staleness: words and notices ---------------------------------------------------------


def plant_staleness_text(b) -> None:
    pool = fillers(b, ("lgd", "wp")) + [p for p in b.pages.values() if p.role == "filler" and p.platform == "kb5"]
    terms = list(C.OUTDATED_TERMS)
    for i, page in enumerate(take(b, "terms", pool, max(len(terms), b.scaled(0.03)))):
        term = terms[i % len(terms)]
        page.blocks.append(f"<p>{C.OUTDATED_TERMS[term]}</p>")
        b.log.fault("staleness", "outdated-term", page.path, detail=term)
    # Controls go on pages with no staleness fault at all, so a page-level score stays clean.
    clean = [p for p in pool if p.path not in b.used.get("staleness", set())]
    for sentence in C.HISTORICAL_MENTIONS:
        for page in take(b, "terms", clean, b.scaled(0.001, 1)):
            page.blocks.append(f"<p>{sentence}</p>")
            b.log.control("staleness", "historical-mention", page.path, sentence)
    for page in take(b, "notices", pool, b.scaled(0.0015, 1)):
        page.blocks.insert(
            0,
            '<div class="alert alert--warning"><p><strong>Coronavirus (COVID-19):</strong> this service is '
            "suspended until further notice. Sessions will restart when it is safe to do so.</p></div>",
        )
        b.log.fault("staleness", "covid-suspension-notice", page.path, detail="COVID-19 suspension")
    current = b.today.year if b.today.month >= 9 else b.today.year - 1
    for i, page in enumerate(take(b, "notices", pool, b.scaled(0.002, 1))):
        year = current - 3 - (i % 3)
        page.blocks.append(
            f"<h2>Holiday activities {year} to {year + 1}</h2>"
            "<p>Booking for the summer programme opens in May. Places are limited.</p>"
        )
        b.log.fault("staleness", "past-academic-year-heading", page.path, detail=f"{year} to {year + 1}")
    touched = b.used.get("terms", set()) | b.used.get("notices", set()) | b.used.get("staleness", set())
    fresh = [p for p in b.fresh_dated if p.path not in touched]
    for page in b.rng.sample(fresh, min(len(fresh), b.scaled(0.005, 3))):
        b.log.control("staleness", "fresh-page", page.path, page.updated.isoformat())


# -- accessibility ----------------------------------------------------------------------


def plant_accessibility(b) -> None:
    pool = fillers(b, ("lgd", "wp"))
    targets = link_targets(b)
    log = b.log

    def pick(rate, minimum=1):
        return take(b, "accessibility", pool, b.scaled(rate, minimum))

    for page in pick(0.006, 2):
        page.blocks.insert(
            1, '<p><img src="/sites/default/files/images/family-activity.svg" width="600" height="400"></p>'
        )
        log.fault(
            "accessibility", "img-missing-alt", page.path, detail="/sites/default/files/images/family-activity.svg"
        )
    for page in pick(0.003):
        page.blocks.insert(
            1, '<p><img src="/sites/default/files/images/IMG_2345.png" alt="IMG_2345.png" width="300" height="200"></p>'
        )
        log.fault("accessibility", "img-filename-alt", page.path, detail="IMG_2345.png")
    for page in pick(0.002):
        page.blocks.insert(
            1, '<p><img src="/sites/default/files/images/family-activity.svg" alt="image" width="600" height="400"></p>'
        )
        log.fault("accessibility", "img-placeholder-alt", page.path, detail="image")
    for page in pick(0.004, 2):
        page.blocks.append('<p><img src="/themes/custom/exampleshire/divider.svg" alt="" width="600" height="8"></p>')
        log.control("accessibility", "decorative-image", page.path, 'alt=""')
    for page in pick(0.002):
        page.title_mode = "missing"
        log.fault("accessibility", "missing-title", page.path)
    for page in pick(0.001):
        page.title_mode = "empty"
        log.fault("accessibility", "empty-title", page.path)
    for page in pick(0.002):
        page.show_h1 = False
        log.fault("accessibility", "missing-h1", page.path)
    for page in pick(0.003):
        page.blocks.append("<h2>Useful contacts</h2><h4>Opening hours</h4><p>Monday to Friday, 9am to 5pm.</p>")
        log.fault("accessibility", "skipped-heading-level", page.path, detail="h2 -> h4")
    for page in pick(0.002):
        page.blocks.append("<h2></h2><p>Information about this service will be added soon.</p>")
        log.fault("accessibility", "empty-heading", page.path, detail="<h2></h2>")
    for page in pick(0.003):
        target = b.rng.choice(targets)
        page.blocks.append(
            f'<p><a href="{target.path}" class="icon-link"><span class="icon icon--arrow-right" aria-hidden="true"></span></a></p>'
        )
        log.fault("accessibility", "empty-link", page.path, target.path, "icon-only link with no accessible name")
    for page in pick(0.004, 2):
        target = b.rng.choice(targets)
        page.blocks.append(f'<p>{escape(target.title)}. <a href="{target.path}">Read more</a></p>')
        log.fault("accessibility", "ambiguous-link-text", page.path, target.path, "Read more")
    for page in pick(0.002):
        page.blocks.append(
            '<form action="/send/find-support" method="get"><input type="text" name="postcode" placeholder="Postcode">'
            '<button type="submit">Find support near you</button></form>'
        )
        log.fault("accessibility", "form-field-no-label", page.path, detail="input[name=postcode]")
    for page in pick(0.002):
        rows = "".join(f"<tr><td>{t}</td><td>{b.rng.randint(9, 11)}am</td></tr>" for t in C.TOWNS[:4])
        page.blocks.append(f"<table><tr><td>Town</td><td>Opens</td></tr>{rows}</table>")
        log.fault("accessibility", "table-no-headers", page.path)
    for page in pick(0.001):
        page.blocks.append(f'<iframe src="{EXTERNAL}/pages/map-embed" width="600" height="400"></iframe>')
        log.fault("accessibility", "iframe-no-title", page.path, f"{EXTERNAL}/pages/map-embed")
    for page in pick(0.001):
        page.lang = False
        log.fault("accessibility", "missing-lang", page.path)
    for page in pick(0.001):
        page.head_extra.append('<meta http-equiv="refresh" content="300">')
        log.fault("accessibility", "meta-refresh", page.path, detail="content=300")
    for page in pick(0.001):
        page.head_extra.append(
            '<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no">'
        )
        log.fault("accessibility", "zoom-disabled", page.path, detail="user-scalable=no")
    for page in pick(0.003):
        url = f"{EXTERNAL}/pages/parent-carer-forum"
        page.blocks.append(f'<p>Join the <a href="{url}" target="_blank">Exampleshire Parent Carer Forum</a>.</p>')
        log.fault("accessibility", "new-window-unannounced", page.path, url)
    for page in pick(0.002):
        page.blocks.append(
            '<p style="color:#c8c8c8;background-color:#ffffff">Places are limited, so please book early.</p>'
        )
        log.fault("accessibility", "low-contrast-inline-style", page.path, detail="#c8c8c8 on #ffffff")


# -- links --------------------------------------------------------------------------------


def _link_para(page: Page, href: str, text: str, lead: str = "For more information, see") -> None:
    page.blocks.append(f'<p>{lead} <a href="{escape(href)}">{escape(text)}</a>.</p>')


def plant_links(b) -> None:
    pool = fillers(b, ("lgd", "wp"))
    targets = link_targets(b)
    log, rng = b.log, b.rng

    def pick(rate, minimum=1):
        return take(b, "links", pool, b.scaled(rate, minimum))

    def free_path(path: str) -> bool:
        return path not in b.pages and path not in b.redirects and path not in b.gone

    # 404s: a draft path, wrong case, a bad relative link.
    for i, page in enumerate(pick(0.008, 3)):
        t = rng.choice(targets)
        if i % 3 == 0:
            href = f"{t.path}-draft"
        elif i % 3 == 1:
            parts = t.path.split("/")
            parts[2] = parts[2].capitalize()
            href = "/".join(parts)
        else:
            href = f"../{t.path.rsplit('/', 1)[-1]}-guide"
        target = internal_target(href, page.path)  # build_answer_key re-checks that it really is a 404
        _link_para(page, href, t.title)
        log.fault("links", "broken-internal-link", page.path, target, "404")

    # 410s: deleted LGD pages and deleted kb5 records.
    for i, page in enumerate(pick(0.003, 2)):
        if i % 2 == 0:
            t = rng.choice(targets)
            gone = f"{t.path}-service-closed"
            text = f"{t.title} (closed service)"
        else:
            gone = f"{C.KB5_BASE}/service.page?id={b.token()}"
            text = "Directory entry for the Redwater toy library"
        b.gone.append(gone)
        _link_para(page, gone, text)
        log.fault("links", "gone-internal-link", page.path, gone, "410")

    # External partner routes.
    external = [
        ("/not-found", "broken-external-link", "404"),
        ("/gone", "broken-external-link", "410"),
        ("/error", "broken-external-link", "500"),
        ("/bot-wall", "bot-blocked-link", "403 cf-mitigated: challenge"),
        ("/redirect-2", "external-redirect-chain", "2 hops to /ok"),
        ("/moved-host", "permanent-redirect-other-host", "301 to the main site"),
    ]
    for route, kind, detail in external:
        for page in pick(0.0015):
            _link_para(page, EXTERNAL + route, f"{rng.choice(C.ORGS)} partner website", "Visit the")
            log.fault("links", kind, page.path, EXTERNAL + route, detail)
    for route, kind, detail in [
        ("/rate-limited", "rate-limited-link", "429 Retry-After: 1"),
        ("/slow", "slow-link", "6 s"),
    ]:
        page = take(b, "links", pool, 1)[0]  # one each: these are slow or noisy to check
        _link_para(page, EXTERNAL + route, f"{rng.choice(C.ORGS)} partner website", "Visit the")
        log.fault("links", kind, page.path, EXTERNAL + route, detail)
    for route, kind in [("/ok", "ok-external-link"), ("/head-refused", "head-refused-link")]:
        for page in pick(0.001):
            _link_para(page, EXTERNAL + route, f"{rng.choice(C.ORGS)} partner website", "Visit the")
            log.control("links", kind, page.path, EXTERNAL + route)

    # Internal redirect chains: the named transport one, then renamed filler pages.
    b.redirects["/send/old-transport"] = [301, "/send/transport-and-travel"]
    b.redirects["/send/transport-and-travel"] = [301, "/send/travel"]
    for i, page in enumerate(pick(0.004, 2)):
        if i == 0:
            start, text = "/send/old-transport", "Travel and transport"
        else:
            t = rng.choice(targets)
            start, text = f"{t.path}-old", t.title
            if free_path(start):  # the same page may be picked twice; reuse its chain
                if i % 2:  # 3 hops: -old -> -2016 (302) -> -2019 -> page
                    b.redirects[start] = [301, f"{t.path}-2016"]
                    b.redirects[f"{t.path}-2016"] = [302, f"{t.path}-2019"]
                else:
                    b.redirects[start] = [301, f"{t.path}-2019"]
                b.redirects[f"{t.path}-2019"] = [301, t.path]
        hops = 2 if b.redirects[start][1].endswith(("-2019", "/send/transport-and-travel")) else 3
        _link_para(page, start, text)
        log.fault("links", "redirect-chain", page.path, start, f"{hops} hops")
    b.redirects["/loop-a"] = [301, "/loop-b"]
    b.redirects["/loop-b"] = [301, "/loop-a"]
    for page in pick(0.001):
        _link_para(page, "/loop-a", "Short breaks eligibility checker")
        log.fault("links", "redirect-loop", page.path, "/loop-a", "/loop-a <-> /loop-b")
    b.redirects["/send/old-leaflets"] = [301, "/send/leaflets-archive"]
    for page in pick(0.001):
        _link_para(page, "/send/old-leaflets", "Leaflets and factsheets")
        log.fault("links", "redirect-to-404", page.path, "/send/old-leaflets", "301 -> /send/leaflets-archive (404)")

    # Soft 404s.
    soft = [
        (f"{C.KB5_BASE}/service.page?id=Zz9missing0", "record could not be found", "Directory entry for this service"),
        (b.special["closed-service"].path, "service no longer running", "Kingsmoor Toy Library"),
        (b.special["near-empty"].path, "near-empty template page", "Services for families"),
    ]
    for target, detail, text in soft:
        for page in pick(0.001):
            _link_para(page, target, text)
            log.fault("links", "soft-404", page.path, target, detail)

    # Fragments: some point at real ids, some at ids that do not exist.
    with_ids = [t for t in targets if any(' id="' in blk for blk in t.blocks)]
    for page in pick(0.003, 2):
        t = rng.choice(with_ids)
        _link_para(page, f"{t.path}#opening-times-2019", f"{t.title}: opening times")
        log.fault("links", "missing-fragment", page.path, f"{t.path}#opening-times-2019", "opening-times-2019")
    for page in pick(0.002):
        t = rng.choice(with_ids)
        frag = next(blk.split(' id="', 1)[1].split('"', 1)[0] for blk in t.blocks if ' id="' in blk)
        _link_para(page, f"{t.path}#{frag}", t.title)
        log.control("links", "valid-fragment", page.path, f"{t.path}#{frag}")

    # Broken contact links and dead hosts.
    for i, page in enumerate(pick(0.002)):
        href = ["mailto:sendteam@council", "mailto:sendteam.exampleshire.gov.uk"][i % 2]
        _link_para(page, href, href[7:], "Email the team at")
        log.fault("links", "malformed-mailto", page.path, href, href[7:])
    for i, page in enumerate(pick(0.002)):
        href = ["tel:0163296O410", "tel:01632"][i % 2]
        _link_para(page, href, "call the SEND team", "You can")
        log.fault("links", "malformed-tel", page.path, href, href[4:])
    for i, page in enumerate(pick(0.002)):
        href = ["http://www.exampleshireccg.nhs.uk/", "http://www.exampleshireccg.nhs.uk/children-and-young-people"][
            i % 2
        ]
        _link_para(page, href, "NHS Exampleshire children's services")
        log.fault("links", "retired-domain", page.path, href, "www.exampleshireccg.nhs.uk")
    for page in pick(0.001):
        href = "http://services.exampleshire.invalid/send-support"
        _link_para(page, href, "Exampleshire online services")
        log.fault("links", "dns-failure", page.path, href, "services.exampleshire.invalid")

    # "Click here" to a PDF with no type or size.
    for page in pick(0.003, 2):
        created = b.age_in(AGE_NEUTRAL)
        pdf = b.doc(
            f"{b.doc_folder(created)}/{page.path.strip('/').rsplit('/', 1)[-1][:50]}-information-sheet.pdf",
            f"{page.title}: information sheet",
            [C.paragraph(rng, page.topic or "advice", 3)],
            created,
        )
        page.blocks.append(
            f'<p>We have a printable information sheet. <a href="{pdf.path}">Click here</a> to download it.</p>'
        )
        log.fault("links", "document-link-text-hides-type", page.path, pdf.path, "click here")
        log.fault("accessibility", "ambiguous-link-text", page.path, pdf.path, "Click here")

    # Duplicate URL forms (recorded by the crawl as duplicate_urls, not as faults).
    records = [p for p in b.record_pages if p.platform == "kb5"]
    forms = [
        "?utm_source=newsletter&utm_medium=email",
        ";jsessionid=ABC123",
        "?PHPSESSID=5f2b9c0d8e7a",
        "?sessionid=77aa01",
    ]
    for i, page in enumerate(pick(0.004, 5)):
        if i % 5 == 4 and records:
            rec = rng.choice(records)
            _link_para(page, rec.path + "&utm_source=newsletter&utm_medium=email", rec.title)
        else:
            t = rng.choice(targets)
            _link_para(page, t.path + forms[i % 4], t.title)


# -- directory records ------------------------------------------------------------------


def plant_directory(b) -> None:
    rng, log = b.rng, b.log
    records = [p for p in b.record_pages if not p.record.duplicate_of]

    def sample(pool, rate):
        return rng.sample(pool, min(len(pool), max(1, round(rate * len(records)))))

    def missing(page: Page, field: str) -> None:
        page.record.missing.append(field)
        log.fault("directory", "missing-field", page.path, detail=field)

    for page in sample(records, 0.12):
        page.record.cost = None
        missing(page, "cost")
    for page in sample(records, 0.08):
        page.record.age = None
        missing(page, "age-range")
    for page in sample(records, 0.06):
        page.record.phone = page.record.email = page.record.contact_name = None
        missing(page, "contact")
    for page in sample(records, 0.08):
        page.record.referral = None
        missing(page, "referral-route")
    for page in sample(records, 0.2):
        page.record.accessibility = None
        missing(page, "accessibility-info")

    def invalid(page: Page, field: str, kind: str, detail: str) -> None:
        page.record.invalid.append(field)
        log.fault("directory", kind, page.path, detail=detail)

    attr = {"cost": "cost", "referral-route": "referral", "age-range": "age"}
    for field, value in [
        ("cost", "TBC"),
        ("cost", "Please call for details"),
        ("referral-route", "N/A"),
        ("age-range", "0-99"),
    ]:
        pool = [p for p in records if getattr(p.record, attr[field]) is not None and field not in p.record.invalid]
        for page in sample(pool, 0.005):
            setattr(page.record, attr[field], value)
            invalid(page, field, "placeholder-value", f"{field}: {value}")
    pool = [p for p in records if isinstance(p.record.age, tuple) and "age-range" not in p.record.invalid]
    for page in sample(pool, 0.005):
        lo, hi = page.record.age
        page.record.age = (hi, lo)
        invalid(page, "age-range", "min-age-above-max", f"{hi}-{lo}")
    pool = [p for p in records if p.record.phone is not None]
    for i, page in enumerate(sample(pool, 0.005)):
        bad = f"01632 96O {rng.randint(100, 999)}" if i % 2 == 0 else "01632 96"
        page.record.phone = bad
        invalid(page, "phone", "invalid-phone", bad)
        log.fault("links", "malformed-tel", page.path, f"tel:{bad.replace(' ', '')}", bad)
    pool = [p for p in records if p.record.email is not None]
    for i, page in enumerate(sample(pool, 0.005)):
        local = page.record.email.split("@")[0]
        domain = page.record.email.split("@")[1].split(".")[0]
        bad = f"{local}@{domain}" if i % 2 == 0 else f"{local}.{domain}.org.uk"
        page.record.email = bad
        invalid(page, "email", "invalid-email", bad)
        log.fault("links", "malformed-mailto", page.path, f"mailto:{bad}", bad)
    complete = [p for p in records if not p.record.missing and not p.record.invalid]
    for page in rng.sample(complete, min(len(complete), max(3, round(0.05 * len(records))))):
        log.control("directory", "complete-record", page.path, "all fields present and valid")
