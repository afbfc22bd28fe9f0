"""The page model of the demo site, built in a fixed order from one seeded RNG.

``SiteBuilder.build_pages`` creates the core LocalGov Drupal pages (home, topic
landings, contact, staff area ...), the hand-made statutory pages (statutory.py),
events, LGD filler under sub-landings and guides, then the kb5 / Jadu / WordPress
sections (sections.py) and sitemap-only orphans. ``finish_navigation`` writes the
landing and listing link lists once planting (planting.py) is done.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from html import escape

from . import content as C
from . import sections, statutory, templates, topics
from .content import AGE_FRESH, AGE_NEUTRAL
from .documents import DocSpec
from .faults import FaultLog
from .model import Page
from .routes import facet_url, file_for_path

TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


class SiteBuilder:
    def __init__(self, pages: int, seed: int, today: dt.date):
        self.n = pages
        self.seed = seed
        self.today = today
        self.rng = random.Random(seed)
        self.pages: dict[str, Page] = {}
        self.log = FaultLog()
        self.redirects: dict[str, list] = {}
        self.gone: list[str] = []
        self.charsets: dict[str, str] = {}
        self.docs: list[DocSpec] = []
        self.topic_pages: dict[str, list[str]] = {}
        self.topic_status: dict[str, str] = {}
        self.landing_links: dict[str, list[tuple[str, str]]] = {k: [] for k, *_ in C.LANDINGS}
        self.landing_subs: dict[str, list[Page]] = {k: [] for k, *_ in C.LANDINGS}
        self.sub_children: dict[str, list[tuple[str, str]]] = {}
        self.sitemap_only: list[str] = []
        self.staff_pages: list[str] = []
        self.events: list[tuple[dt.date, Page, bool]] = []
        self.record_pages: list[Page] = []
        self.statements: list[dict] = []
        self.special: dict[str, Page] = {}
        self.used: dict[str, set[str]] = {}  # family -> pages already carrying one of its faults
        self.name_pool: list[str] = []  # unused directory service names (sections.service_names)
        self.name_rounds = 0
        self.fresh_dated: list[Page] = []  # filler pages dated within 3 months (planting.plant_dates)

    # -- small helpers -------------------------------------------------------------

    def scaled(self, rate: float, minimum: int = 1) -> int:
        return max(minimum, round(rate * self.n))

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def age_in(self, band: tuple[int, int]) -> dt.date:
        return self.ago(self.rng.randint(*band))

    def token(self) -> str:
        while True:
            # base64url like real kb5 ids, but never starting with "-" (awkward as a file name)
            tok = self.rng.choice(TOKEN_CHARS[:62]) + "".join(self.rng.choice(TOKEN_CHARS) for _ in range(10))
            if (
                f"{C.KB5_BASE}/service.page?id={tok}" not in self.pages
                and f"{C.KB5_BASE}/advice.page?id={tok}" not in self.pages
            ):
                return tok

    def unique_path(self, base: str, suffix: str = "") -> str:
        """Pathauto-style de-duplication: /x, /x-0, /x-1 ... (suffix "/" for WordPress permalinks)."""

        def taken(path: str) -> bool:
            return path + suffix in self.pages or path in self.redirects

        if not taken(base):
            return base + suffix
        i = 0
        while taken(f"{base}-{i}"):
            i += 1
        return f"{base}-{i}{suffix}"

    def add(self, page: Page) -> Page:
        assert page.path not in self.pages, page.path
        if not page.file:
            page.file = file_for_path(page.path)
        self.pages[page.path] = page
        return page

    def lgd(self, path: str, title: str, role: str, topic: str | None = None, crumbs=None, **kw) -> Page:
        if crumbs is None:
            crumbs = [("Home", "/")]
            if topic in C.LANDING_PATH and path != C.LANDING_PATH[topic]:
                crumbs.append((C.LANDING_TITLE[topic], C.LANDING_PATH[topic]))
        return self.add(
            Page(path=path, file="", platform="lgd", title=title, role=role, topic=topic, crumbs=crumbs, **kw)
        )

    def doc(self, path: str, heading: str, paragraphs: list[str], created: dt.date, **kw) -> DocSpec:
        spec = DocSpec(path=path, heading=heading, paragraphs=paragraphs, created=created, **kw)
        self.docs.append(spec)
        # Document faults are reported on the document itself.
        if spec.is_pdf and spec.scanned:  # a scan is an image: no text and no tags
            self.log.fault("accessibility", "pdf-no-text-layer", path)
            self.log.fault("accessibility", "pdf-untagged", path)
        if spec.is_pdf and not spec.metadata_title:
            self.log.fault("accessibility", "pdf-missing-title", path)
        return spec

    def doc_folder(self, created: dt.date, wordpress: bool = False) -> str:
        if wordpress:
            return f"/wp-content/uploads/{created.year}/{created.month:02d}"
        return f"/sites/default/files/{created.year}-{created.month:02d}"

    # -- stage 1: pages ------------------------------------------------------------

    def build_pages(self) -> None:
        self._core_pages()
        statutory.topic_pages(self)
        statutory.special_pages(self)
        core_lgd = sum(1 for p in self.pages.values() if p.platform == "lgd")
        events = max(6, round(0.02 * self.n))
        self._events(events)
        self._lgd_filler(max(20, round(0.53 * self.n) - core_lgd - events))
        sections.kb5_section(self, max(12, round(0.30 * self.n)))
        sections.wordpress_section(self, max(8, round(0.10 * self.n)))
        sections.jadu_section(self, max(4, round(0.03 * self.n)))
        self._sitemap_orphans(self.scaled(0.004, 3))

    def _core_pages(self) -> None:
        home = self.lgd(
            "/",
            "Exampleshire SEND Local Offer",
            "core",
            crumbs=[],
            bundle="localgov-services-landing",
            lede="Information and services for children and young people aged 0 to 25 with special educational needs and disabilities (SEND), and their families.",
        )
        home.footer_extra = [("Staff area", "/staff-only/")]
        self.special["home"] = home
        for key, title, path, _short in C.LANDINGS:
            page = self.lgd(
                path,
                title,
                "core",
                topic=key,
                bundle="localgov-services-landing",
                lede=C.LANDING_INTROS[key],
                updated=self.age_in(AGE_FRESH),
            )
            self.special[f"landing:{key}"] = page

        self.lgd(
            "/contact",
            "Contact the SEND team",
            "core",
            bundle="localgov-services-page",
            blocks=[
                f'<p>Call the SEND Local Offer team on <a href="tel:{C.SEND_PHONE.replace(" ", "")}">{C.SEND_PHONE}</a>, Monday to Friday, 9am to 5pm.</p>',
                f'<p>Email <a href="mailto:{C.SEND_EMAIL}">{C.SEND_EMAIL}</a>. We aim to reply within 5 working days.</p>',
                "<p>Write to: SEND Team, County Hall, Market Place, Ashbury EX1 1AA.</p>",
                "<p>If you need this information in another format, such as large print, easy read, audio or British Sign Language, tell us and we will arrange it. You can also ask for a paper copy of any page.</p>",
                '<p>Council staff can find internal contacts in the <a href="/staff-only/team-contacts">staff area</a>.</p>',
            ],
            updated=self.age_in(AGE_FRESH),
        )
        self.lgd(
            "/privacy",
            "Privacy notice",
            "core",
            blocks=[
                "<p>This notice explains how Exampleshire County Council uses personal information collected through the Local Offer website, including feedback forms and enquiries.</p>",
                "<p>We keep feedback for two years and then delete it. We never sell your information.</p>",
            ],
        )
        self.lgd(
            "/cookies",
            "Cookies",
            "core",
            blocks=[
                "<p>We use essential cookies to make this website work, and analytics cookies only if you agree to them.</p>"
            ],
        )
        statutory.accessibility_statement(self)
        self.lgd(
            "/directory",
            "Find a service",
            "core",
            bundle="localgov-directory",
            blocks=[
                "<p>Search for services, clubs, groups and support for children and young people with SEND.</p>",
                "<ul>"
                f'<li><a href="{C.KB5_BASE}/home.page">Family Information Directory</a></li>'
                f'<li><a href="{escape(C.KB5_BASE + "/results.page?qt=all&page=1")}">Browse all services A to Z</a></li>'
                '<li><a href="/directory/7/send_services">SEND services held by the council</a></li>'
                f'<li><a href="{escape(facet_url({"age": "0-4"}))}">Search services for children aged 0 to 4</a></li></ul>',
            ],
            updated=self.age_in(AGE_FRESH),
        )
        staff = [
            ("/staff-only/", "Staff area"),
            ("/staff-only/caseload-dashboard", "EHC caseload dashboard"),
            ("/staff-only/panel-minutes", "SEND panel minutes"),
            ("/staff-only/team-contacts", "SEND team internal contacts"),
        ]
        for path, title in staff:
            self.lgd(
                path,
                title,
                "staff",
                blocks=[
                    "<p>This area is for Exampleshire County Council staff only.</p>",
                    "<ul>" + "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in staff if p != path) + "</ul>",
                ],
            )
            self.staff_pages.append(path)

    def _events(self, count: int) -> None:
        expired = self.scaled(0.002, 1)
        for i in range(count):
            name = self.rng.choice(C.EVENT_NAMES)
            town = self.rng.choice(C.TOWNS)
            if i % 2 == 0:
                when, upcoming = self.today + dt.timedelta(days=self.rng.randint(5, 120)), True
            else:
                when, upcoming = self.ago(self.rng.randint(20, 200)), i // 2 < expired
            path = self.unique_path(f"/events/{C.slugify(name)}-{C.slugify(town)}-{when.isoformat()}")
            status = "Upcoming event" if upcoming else "This event has finished"
            page = self.lgd(
                path,
                f"{name}, {town}",
                "event",
                topic=None,
                bundle="localgov-event",
                crumbs=[("Home", "/"), ("Events", "/events")],
                blocks=[
                    f'<p class="event-status"><strong>{status}</strong></p>',
                    f'<p class="event-date"><time datetime="{when.isoformat()}">{C.long_date(when)}</time>, 10am to 1pm</p>',
                    f"<p>Venue: {town} Community Centre, {self.rng.choice(C.STREETS)}.</p>",
                    f"<p>{C.paragraph(self.rng, 'advice', 3)}</p>",
                ],
            )
            self.events.append((when, page, upcoming))
            if upcoming and when < self.today:
                self.log.fault("staleness", "expired-event-still-upcoming", path, detail=when.isoformat())
            elif i < 4:
                self.log.control("staleness", "future-event", path, when.isoformat())

    def _lgd_filler(self, count: int) -> None:
        """Services pages under one sub-landing per subject (20 pages each), plus a few guides."""
        n_landings = len(C.LANDINGS)
        extra_guides = self.n // 400
        for index, (key, title, landing_path, _short) in enumerate(C.LANDINGS):
            n_pages = count // n_landings + (1 if index < count % n_landings else 0)
            if key == "money":
                n_pages = max(n_pages, 5)  # room for the personal budgets guide
            subjects = C.SUBJECTS[key]
            subs = []
            for s in range(max(1, math.ceil(n_pages / 20))):
                subject = subjects[s % len(subjects)]
                sub_title = subject if s < len(subjects) else f"{subject}: more services ({s // len(subjects) + 1})"
                sub = self.lgd(
                    self.unique_path(f"{landing_path}/{C.slugify(sub_title)}"),
                    sub_title,
                    "listing",
                    topic=key,
                    bundle="localgov-services-sublanding",
                    lede=f"{subject}: services and information across Exampleshire.",
                )
                subs.append((sub, subject))
                self.sub_children[sub.path] = []
            self.landing_subs[key] = [sub for sub, _subject in subs]
            remaining = n_pages
            if key == "money":
                remaining -= self._money_guide(subs[0][0])
            for g in range(extra_guides // n_landings + (1 if index < extra_guides % n_landings else 0)):
                if remaining >= 4:
                    remaining -= self._guide(subs[g % len(subs)][0], key)
            for i in range(max(0, remaining)):
                sub, subject = subs[i % len(subs)]
                for _attempt in range(6):  # prefer a fresh title; pathauto suffixes cover the rest
                    page_title = self.rng.choice(C.TITLE_PATTERNS).format(s=subject, town=self.rng.choice(C.TOWNS))
                    if f"{landing_path}/{C.slugify(page_title)}" not in self.pages:
                        break
                path = self.unique_path(f"{landing_path}/{C.slugify(page_title)}")
                page = self.lgd(
                    path,
                    page_title,
                    "filler",
                    topic=key,
                    lede=C.paragraph(self.rng, key, 1),
                    blocks=C.filler_body(self.rng, key),
                    crumbs=[("Home", "/"), (title, landing_path), (sub.title, sub.path)],
                )
                self._add_heading_ids(page)
                self.sub_children[sub.path].append((page_title, path))

    def _add_heading_ids(self, page: Page) -> None:
        page.blocks = [f'<h2 id="{C.slugify(b[4:-5])}">{b[4:]}' if b.startswith("<h2>") else b for b in page.blocks]

    def _guide(self, sub: Page, key: str) -> int:
        subject = self.rng.choice(C.SUBJECTS[key])
        title = f"{subject}: a step-by-step guide"
        base = self.unique_path(f"{sub.path.rsplit('/', 1)[0]}/{C.slugify(title)}")
        parts = [("Overview", base)] + [
            (name, f"{base}/{C.slugify(name)}") for name in ("Before you start", "What happens", "After a decision")
        ]
        return self._guide_pages(sub, key, title, parts, {})

    def _money_guide(self, sub: Page) -> int:
        title = "Paying for support: a guide for families"
        base = f"/send/money-and-funding/{C.slugify(title)}"
        parts = [
            ("Overview", base),
            ("Personal budgets", f"{base}/personal-budgets"),
            ("Help with everyday costs", f"{base}/help-with-everyday-costs"),
            ("Saving for the future", f"{base}/saving-for-the-future"),
        ]
        pb = [f"<p>{escape(t)}</p>" for t in topics.PERSONAL_BUDGETS_TEXT]
        count = self._guide_pages(sub, "money", title, parts, {f"{base}/personal-budgets": pb})
        self.topic_pages[topics.DEEP_TOPIC] = [f"{base}/personal-budgets"]
        return count

    def _guide_pages(self, sub: Page, key: str, title: str, parts, bodies) -> int:
        for i, (name, path) in enumerate(parts):
            page = self.lgd(
                path,
                title if i == 0 else f"{title}: {name}",
                "filler",
                topic=key,
                bundle="localgov-guides-overview" if i == 0 else "localgov-guides-page",
                blocks=bodies.get(path) or C.filler_body(self.rng, key),
                crumbs=[("Home", "/"), (sub.crumbs[-1][0], sub.crumbs[-1][1]), (sub.title, sub.path)],
            )
            page.guide_nav = [(n, p) for n, p in parts]
            self._add_heading_ids(page)
            if path in bodies:
                page.role = "topic"
                page.updated = self.age_in(AGE_FRESH)
        self.sub_children[sub.path].append((title, parts[0][1]))
        return len(parts)

    # -- orphans and documents -----------------------------------------------------

    def _sitemap_orphans(self, count: int) -> None:
        for i in range(count):
            key, _title, landing_path, _short = C.LANDINGS[i % len(C.LANDINGS)]
            subject = self.rng.choice(C.SUBJECTS[key])
            title = f"{subject}: archived information"
            path = self.unique_path(f"{landing_path}/archive/{C.slugify(subject)}")
            self.lgd(
                path, title, "orphan", topic=key, blocks=C.filler_body(self.rng, key), updated=self.age_in(AGE_NEUTRAL)
            )
            self.sitemap_only.append(path)

    def add_leaflets(self) -> None:
        """Leaflets linked with type and size from filler pages (controls). Runs after planting
        so that no readability fixture replaces the link."""
        fillers = [p for p in self.pages.values() if p.role == "filler" and p.platform == "lgd" and not p.reserved]
        hosts = self.rng.sample(fillers, min(len(fillers), max(2, self.n // 150)))
        for host in hosts:
            created = self.age_in(AGE_NEUTRAL)
            title = f"{host.title} leaflet"
            pdf = self.doc(
                f"{self.doc_folder(created)}/{host.path.rsplit('/', 1)[-1][:60]}-leaflet.pdf",
                title,
                [C.paragraph(self.rng, host.topic or "advice", 3), C.paragraph(self.rng, host.topic or "advice", 3)],
                created,
            )
            host.blocks.append(
                f'<p><a href="{pdf.path}">Download the {escape(title)} (PDF, {{size:{pdf.path}}})</a></p>'
            )
            self.log.control("links", "document-link-labelled", host.path, pdf.path)

    # -- stage 3: render -----------------------------------------------------------

    def finish_navigation(self) -> None:
        """Landing, sub-landing, home and A-Z link lists (after planting added pages)."""
        for key, _title, path, _short in C.LANDINGS:
            page = self.pages[path]
            blocks = [f"<p>{C.LANDING_INTROS[key]}</p>"]
            if self.landing_links[key]:
                blocks.append(
                    "<h2>Key information</h2>" + templates.link_list(self.landing_links[key], "landing-links")
                )
            if self.landing_subs[key]:
                blocks.append(
                    "<h2>More in this section</h2>"
                    + templates.link_list([(s.title, s.path) for s in self.landing_subs[key]], "sublanding-links")
                )
            page.blocks = blocks + page.blocks
            for sub in self.landing_subs[key]:
                children = self.sub_children[sub.path]
                sub.blocks = [templates.link_list(children, "sublanding-children")] + sub.blocks
                for i, (_t, child_path) in enumerate(children):
                    child = self.pages[child_path]
                    if child.reserved or child.guide_nav:
                        continue
                    child.sidebar = [children[j] for j in (i - 1, i + 1, i + 2) if 0 <= j < len(children) and j != i][
                        :3
                    ]
        home = self.pages["/"]
        home.blocks = [
            "<p>The Local Offer tells you about support and services for children and young people with SEND in Exampleshire.</p>",
            "<h2>Browse by topic</h2>" + templates.link_list([(t, p) for _k, t, p, _s in C.LANDINGS], "home-topics"),
            '<h2>Find a service</h2><p>Use the <a href="/directory">service directory</a> to find clubs, groups and services near you.</p>',
            '<h2>Events</h2><p>See <a href="/events">events for families</a>.</p>',
            '<h2>Tell us what you think</h2><p><a href="/send/have-your-say/tell-us-what-you-think">Give feedback on the Local Offer</a>.</p>',
        ] + home.blocks
        az = sorted(
            [(t, p) for _k, t, p, _s in C.LANDINGS] + [link for links in self.landing_links.values() for link in links]
        )
        self.lgd("/a-to-z", "A to Z of the Local Offer", "core", blocks=[templates.link_list(az, "a-to-z")])
        self._events_listing()

    def _events_listing(self) -> None:
        ordered = sorted(self.events, key=lambda e: (e[0], e[1].path))
        upcoming = [(e[1].title, e[1].path) for e in ordered if e[2]]
        past = [(e[1].title, e[1].path) for e in reversed(ordered) if not e[2]]
        month = f"{self.today.year:04d}-{self.today.month:02d}"
        self.calendar_entry = f"/events/calendar?month={month}"
        self.lgd(
            "/events",
            "Events for families",
            "core",
            bundle="localgov-directory",
            blocks=[
                "<p>Workshops, drop-ins and family activities for children and young people with SEND.</p>",
                f'<p><a href="{self.calendar_entry}">View events by month</a></p>',
                "<h2>Upcoming events</h2>" + templates.link_list(upcoming),
                "<h2>Past events</h2>" + templates.link_list(past),
            ],
        )

    def routes_meta(self) -> dict:
        calendar_events = sorted([f"{d.year:04d}-{d.month:02d}", p.path, p.title] for d, p, _u in self.events)
        facet_records = [[p.path, p.title] for p in self.record_pages if p.platform == "kb5"][:40]
        return {
            "today": self.today.isoformat(),
            "redirects": self.redirects,
            "gone": sorted(self.gone),
            "charsets": self.charsets,
            "calendar_events": calendar_events,
            "facet_records": facet_records,
        }
