"""Directory and mini-site sections in other platform skins: Open Objects kb5
(service records, advice articles, paginated results), Jadu directory records
and the WordPress family hub.

Functions take the ``SiteBuilder`` as ``b``.
"""

from __future__ import annotations

import datetime as dt
import math

from . import content as C
from . import statutory, templates
from .content import AGE_NEUTRAL, EXTERNAL
from .model import Page, Record


def new_record(b, name: str) -> Record:
    rng = b.rng
    org_slug = C.slugify(name)[:40]
    lo = rng.choice([0, 0, 2, 4, 5, 8, 11, 13, 16])
    hi = rng.choice([h for h in (4, 5, 11, 16, 18, 19, 25) if h > lo])
    cost = (
        [("Free", "Per session")]
        if rng.random() < 0.45
        else [(f"\u00a3{rng.choice([2, 3, 4, 5, 7, 10, 12])}.00", rng.choice(C.COST_TYPES))]
    )
    return Record(
        name=name,
        description=rng.choice(C.RECORD_DESCRIPTIONS),
        contact_name=C.person(rng),
        phone=C.phone(rng),
        email=f"hello@{org_slug.replace('-', '')[:20]}.org.uk",
        website=f"{EXTERNAL}/pages/providers/{org_slug}",
        address=f"{rng.randint(1, 120)} {rng.choice(C.STREETS)}, {rng.choice(C.TOWNS)}",
        postcode=C.postcode(rng),
        cost=cost,
        age=(lo, hi),
        referral=rng.choice(C.REFERRAL_ROUTES),
        accessibility=rng.sample(C.ACCESS_TERMS, rng.randint(1, 3)),
        needs=rng.sample(C.SEND_NEEDS, rng.randint(1, 3)),
    )


def service_names(b, count: int) -> list[str]:
    """Unique service names across all directories, so no two records collide by accident
    (the planted duplicate-service faults are the only repeats)."""
    names = []
    for _ in range(count):
        if not b.name_pool:
            round_no = b.name_rounds = b.name_rounds + 1  # a second round only past ~21,000 records
            combos = [f"{org} {svc}, {town}" for org in C.ORGS for svc in C.SERVICE_TYPES for town in C.TOWNS]
            b.rng.shuffle(combos)
            b.name_pool = combos if round_no == 1 else [f"{name} (site {round_no})" for name in combos]
        names.append(b.name_pool.pop())
    return names


def kb5_section(b, total: int) -> None:
    advice_n = max(2, round(0.2 * total))
    records_n = max(6, math.floor((total - advice_n - 1 - math.ceil(advice_n / 20)) * 20 / 21))
    names = service_names(b, records_n)
    record_paths = []
    for name in names:
        tok = b.token()
        path = f"{C.KB5_BASE}/service.page?id={tok}"
        page = b.add(
            Page(
                path=path,
                file=f"{C.KB5_BASE.lstrip('/')}/service/{tok}.html",
                platform="kb5",
                title=name,
                role="record",
                record=new_record(b, name),
                crumbs=[],
            )
        )
        b.record_pages.append(page)
        record_paths.append((name, path))
    # Duplicates: the same service entered twice under different ids.
    for original in b.rng.sample(b.record_pages, b.scaled(0.003, 1)):
        tok = b.token()
        path = f"{C.KB5_BASE}/service.page?id={tok}"
        rec = Record(**{**original.record.__dict__, "missing": [], "invalid": []})
        rec.duplicate_of = original.path
        page = b.add(
            Page(
                path=path,
                file=f"{C.KB5_BASE.lstrip('/')}/service/{tok}.html",
                platform="kb5",
                title=original.title,
                role="record",
                record=rec,
            )
        )
        b.record_pages.append(page)
        record_paths.append((original.title, path))
        b.log.fault("directory", "duplicate-service", path, original.path, original.title)
    # A record that is still published but says the service has closed (soft 404).
    tok = b.token()
    closed = b.add(
        Page(
            path=f"{C.KB5_BASE}/service.page?id={tok}",
            file=f"{C.KB5_BASE.lstrip('/')}/service/{tok}.html",
            platform="kb5",
            title="Kingsmoor Toy Library",
            role="special",
            blocks=["<p>This service is no longer running.</p>"],
        )
    )
    b.special["closed-service"] = closed
    advice_paths = []
    for _ in range(advice_n):
        key = b.rng.choice(C.LANDINGS)[0]
        subject = b.rng.choice(C.SUBJECTS[key])
        tok = b.token()
        path = f"{C.KB5_BASE}/advice.page?id={tok}"
        b.add(
            Page(
                path=path,
                file=f"{C.KB5_BASE.lstrip('/')}/advice/{tok}.html",
                platform="kb5",
                title=f"{subject}: advice for families",
                role="filler",
                topic=key,
                blocks=C.filler_body(b.rng, key),
            )
        )
        advice_paths.append((f"{subject}: advice for families", path))
    kb5_listing(b, "all", "All services", sorted(record_paths))
    kb5_listing(b, "advice", "Advice and information", advice_paths)
    b.add(
        Page(
            path=f"{C.KB5_BASE}/home.page",
            file=f"{C.KB5_BASE.lstrip('/')}/home.html",
            platform="kb5",
            title=C.KB5_NAME,
            role="core",
            blocks=[
                "<p>Find services, activities and support for children, young people and families in Exampleshire.</p>",
                "<h2>Featured services</h2>" + templates.link_list(sorted(record_paths)[:5]),
            ],
        )
    )


def kb5_listing(b, qt: str, label: str, items: list[tuple[str, str]]) -> None:
    per_page = 20
    pages = max(1, math.ceil(len(items) / per_page))
    url = lambda k: f"{C.KB5_BASE}/results.page?qt={qt}&page={k}"  # noqa: E731
    for k in range(1, pages + 1):
        chunk = items[(k - 1) * per_page : k * per_page]
        pager = [("First", url(1))] if k > 1 else []
        pager += [("Previous", url(k - 1))] if k > 1 else []
        pager += [(str(j), url(j)) for j in range(max(1, k - 2), min(pages, k + 2) + 1) if j != k]
        pager += [("Next", url(k + 1)), ("Last", url(pages))] if k < pages else []
        b.add(
            Page(
                path=url(k),
                file=f"{C.KB5_BASE.lstrip('/')}/results/{qt}-{k}.html",
                platform="kb5",
                title=f"{label} (page {k} of {pages})",
                role="listing",
                blocks=[
                    f"<p>Showing {len(chunk)} of {len(items)} results.</p>",
                    templates.link_list(chunk, "results"),
                    '<nav class="pagination" aria-label="Results pages">' + templates.link_list(pager) + "</nav>",
                ],
            )
        )


def jadu_section(b, count: int) -> None:
    names = service_names(b, count)
    per_page = 40
    items = []
    for i, name in enumerate(names):
        rid = 1200 + i * 7
        path = f"/directory_record/{rid}/{C.slugify(name, '_')}"
        page = b.add(Page(path=path, file="", platform="jadu", title=name, role="record", record=new_record(b, name)))
        b.record_pages.append(page)
        items.append((name, path))
    n_pages = max(1, math.ceil(len(items) / per_page))
    for k in range(1, n_pages + 1):
        path = "/directory/7/send_services" + (f"/page/{k}" if k > 1 else "")
        nxt = [("Next page", f"/directory/7/send_services/page/{k + 1}")] if k < n_pages else []
        b.add(
            Page(
                path=path,
                file="",
                platform="jadu",
                title="SEND services" + (f" (page {k})" if k > 1 else ""),
                role="listing",
                blocks=[
                    "<p>Services for children and young people with SEND held in the council directory.</p>",
                    templates.link_list(items[(k - 1) * per_page : k * per_page]),
                    templates.link_list(nxt) if nxt else "",
                ],
            )
        )


def wordpress_section(b, count: int) -> None:
    crumbs = [("Local Offer", "http://__SITE__/"), (C.WP_NAME, "/family-hub/")]
    hub = b.add(
        Page(
            path="/family-hub/",
            file="",
            platform="wp",
            title=C.WP_NAME,
            role="core",
            crumbs=crumbs[:1],
            blocks=[
                "<p>Family hubs bring together help for families with children aged 0 to 19, or up to 25 for young people with SEND.</p>",
                templates.link_list(
                    [
                        ("Activities", "/family-hub/activities/"),
                        ("Parenting support", "/family-hub/parenting-support/"),
                        ("Contact the Family Hub", "/family-hub/contact/"),
                    ]
                ),
            ],
        )
    )
    b.special["wp-home"] = hub
    b.add(
        Page(
            path="/family-hub/contact/",
            file="",
            platform="wp",
            title="Contact the Family Hub",
            role="core",
            crumbs=crumbs,
            blocks=[
                "<p>Call 01632 960 500 or visit your nearest family hub. Hubs are open Monday to Friday, 9am to 4pm.</p>"
            ],
        )
    )
    statutory.wordpress_statement(b, crumbs)
    created = b.age_in(AGE_NEUTRAL)
    programme = b.doc(
        f"{b.doc_folder(created, True)}/holiday-activities-programme.pdf",
        "Holiday activities programme",
        [
            "Holiday activities for children and young people with SEND across Exampleshire.",
            "Sessions include inclusive sport, arts and crafts and sensory play.",
        ],
        created,
    )
    created = b.age_in(AGE_NEUTRAL)
    scan = b.doc(
        f"{b.doc_folder(created, True)}/family-hub-referral-form-scan.pdf",
        "Family hub referral form",
        [],
        created,
        scanned=True,
        metadata_title=False,
    )
    created = b.age_in(AGE_NEUTRAL)
    form = b.doc(
        f"{b.doc_folder(created, True)}/family-hub-referral-form.docx",
        "Family hub referral form",
        ["Use this form to refer a family to the family hub.", "Family name:", "Address:", "What help is needed?"],
        created,
    )
    old = dt.date(2016, 4, 11)
    legacy = b.doc(
        f"{b.doc_folder(old, True)}/parent-guide-2016.pdf",
        "A parent's guide to SEN support (2016)",
        [
            "If your child has a statement of special educational needs, it will be reviewed every year.",
            "Talk to your child's school about the support they can give.",
        ],
        old,
    )
    b.log.fault("staleness", "outdated-term", legacy.path, detail="statement of special educational needs")
    sections = [("activities", "Activities", "leisure"), ("parenting-support", "Parenting support", "advice")]
    children_n = max(4, count - 6)
    per_section = {s[0]: [] for s in sections}
    for i in range(children_n):
        slug_root, label, key = sections[i % 2]
        subject = b.rng.choice(C.SUBJECTS[key])
        title = f"{subject} at the {b.rng.choice(C.TOWNS)} family hub"
        path = b.unique_path(f"/family-hub/{slug_root}/{C.slugify(title)}", "/")
        b.add(
            Page(
                path=path,
                file="",
                platform="wp",
                title=title,
                role="filler",
                topic=key,
                crumbs=crumbs + [(label, f"/family-hub/{slug_root}/")],
                blocks=C.filler_body(b.rng, key),
            )
        )
        per_section[slug_root].append((title, path))
    first = b.pages[per_section["activities"][0][1]]
    first.blocks.append(
        f'<p><a href="{programme.path}">Holiday activities programme (PDF, {{size:{programme.path}}})</a></p>'
        f'<p><a href="{form.path}">Family hub referral form (Word document, {{size:{form.path}}})</a></p>'
        f'<p><a href="{scan.path}">Scanned referral form (PDF, {{size:{scan.path}}})</a></p>'
        f'<p><a href="{legacy.path}">A parent\'s guide to SEN support, 2016 (PDF, {{size:{legacy.path}}})</a></p>'
    )
    for slug_root, label, _key in sections:
        items = per_section[slug_root]
        n_pages = max(1, math.ceil(len(items) / 20))
        for k in range(1, n_pages + 1):
            path = f"/family-hub/{slug_root}/" + (f"page/{k}/" if k > 1 else "")
            nxt = [("Older posts", f"/family-hub/{slug_root}/page/{k + 1}/")] if k < n_pages else []
            b.add(
                Page(
                    path=path,
                    file="",
                    platform="wp",
                    title=label + (f" \u2013 page {k}" if k > 1 else ""),
                    role="listing",
                    crumbs=crumbs,
                    blocks=[
                        templates.link_list(items[(k - 1) * 20 : k * 20]) + (templates.link_list(nxt) if nxt else "")
                    ],
                )
            )
