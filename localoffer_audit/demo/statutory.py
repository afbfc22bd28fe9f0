"""Hand-made pages the answer key depends on: required-topic pages, statutory
publications (accessibility statements, short breaks and post-16 transport
statements, "You said, we did") and special fixtures (wrong EHC timescale,
care leavers' offer, windows-1252 page, PDF-only pages, near-empty template).

Functions take the ``SiteBuilder`` as ``b`` and add pages, documents and key entries.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from . import content as C
from . import topics
from .content import AGE_FRESH, AGE_NEUTRAL
from .model import Page


def accessibility_statement(b) -> None:
    prepared, reviewed = b.ago(1500), b.age_in(AGE_FRESH)
    page = b.lgd(
        "/accessibility-statement",
        "Accessibility statement for the Exampleshire Local Offer",
        "core",
        blocks=[
            "<p>This accessibility statement applies to the Exampleshire SEND Local Offer website.</p>",
            "<h2>How accessible this website is</h2><p>Most of the website works well with assistive technology. Some older PDF documents are not fully accessible to screen reader software.</p>",
            "<h2>Feedback and contact information</h2><p>If you need information on this website in a different format, such as accessible PDF, large print, easy read or audio, contact us by email at "
            f'<a href="mailto:{C.SEND_EMAIL}">{C.SEND_EMAIL}</a> or call {C.SEND_PHONE}. We will reply within 10 working days.</p>',
            "<h2>Reporting accessibility problems with this website</h2><p>We are always looking to improve the accessibility of this website. If you find any problems not listed on this page, please contact us using the details above.</p>",
            "<h2>Enforcement procedure</h2><p>The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS).</p>",
            "<h2>Technical information about this website's accessibility</h2><p>Exampleshire County Council is committed to making its website accessible, in accordance with the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018.</p>",
            "<h3>Compliance status</h3><p>This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due to the non-compliances listed below.</p>",
            "<h2>Non-accessible content</h2><h3>Non-compliance with the accessibility regulations</h3><p>Some PDF documents are scanned images without a text layer. This fails WCAG 2.2 success criterion 1.1.1 (non-text content).</p>"
            "<h3>Disproportionate burden</h3><p>We have not made any disproportionate burden claims.</p><h3>Content that's not within the scope of the accessibility regulations</h3><p>Some PDFs published before 23 September 2018 are not essential to providing our services.</p>",
            "<h2>What we're doing to improve accessibility</h2><p>We are replacing PDF documents with HTML pages.</p>",
            f"<h2>Preparation of this accessibility statement</h2><p>This statement was prepared on {C.long_date(prepared)}. It was last reviewed on {C.long_date(reviewed)}.</p>"
            f"<p>This website was last tested on {C.long_date(reviewed)} against the WCAG 2.2 AA standard.</p>",
        ],
        updated=reviewed,
    )
    b.statements.append(
        {
            "page": page.path,
            "complete": True,
            "missing_sections": [],
            "last_reviewed": reviewed.isoformat(),
            "wcag_version": "2.2",
        }
    )
    b.log.control("accessibility", "complete-accessibility-statement", page.path)
    b.log.control("staleness", "statement-wording", page.path, "accessibility statement")


def topic_page(b, topic_id: str, landing: str, slug: str, title: str, lede: str, paras: list[str], **kw) -> Page:
    landing_path = C.LANDING_PATH[landing]
    blocks = []
    for i, para in enumerate(paras):
        if i == 1:
            blocks.append(f'<h2 id="{C.slugify(C.SECTION_HEADINGS[i])}">{C.SECTION_HEADINGS[i]}</h2>')
        blocks.append(f"<p>{escape(para)}</p>")
    page = b.lgd(
        f"{landing_path}/{slug}",
        title,
        "topic",
        topic=landing,
        lede=lede,
        blocks=blocks,
        updated=kw.pop("updated", b.age_in(AGE_FRESH)),
        **kw,
    )
    b.landing_links[landing].append((title, page.path))
    if topic_id:
        b.topic_pages.setdefault(topic_id, []).append(page.path)
    return page


def topic_pages(b) -> None:
    for topic_id, (landing, slug, title, lede, paras) in topics.COVERED.items():
        topic_page(b, topic_id, landing, slug, title, lede, paras)
        b.topic_status[topic_id] = "covered"
    # A second, feedback page for reg 56: "You said, we did", deliberately stale.
    published = b.ago(b.rng.randint(440, 560))
    feedback = topic_page(
        b,
        "local-offer-feedback",
        "have-your-say",
        "you-said-we-did",
        "You said, we did",
        "What families told us about the Local Offer and what we changed.",
        [
            "Every year we ask children, young people and families what they think of the Local Offer.",
            "You said the website was hard to search. We did: we added a directory search by age and need.",
            "You said you wanted to know about waiting times for therapy. We did: we now publish waiting times every month.",
            "You said information about short breaks was hard to find. We did: we made a new short breaks page.",
        ],
        updated=published,
    )
    feedback.blocks.insert(
        0, f"<h2>You said, we did: feedback published {C.MONTHS[published.month - 1]} {published.year}</h2>"
    )
    b.log.fault("staleness", "feedback-older-than-12-months", feedback.path, detail=published.isoformat())
    b.log.fault("staleness", "last-updated-12-to-24-months", feedback.path, detail=published.isoformat())
    b.special["feedback"] = feedback
    # The deep topic: only reachable through a guide (see _money_guide).
    b.topic_status[topics.DEEP_TOPIC] = "covered"
    # Partial topics.
    b.topic_status["training-provision"] = "partial"
    b.topic_pages["training-provision"] = list(b.topic_pages["preparing-for-adulthood"])
    for missing in topics.MISSING_TOPICS:
        b.topic_status[missing] = "missing"
        b.topic_pages[missing] = []


def special_pages(b) -> None:
    # Short breaks services statement: the statement only exists as a PDF (partial topic).
    created = b.ago(300)
    pdf = b.doc(
        f"{b.doc_folder(created)}/short-breaks-services-statement.pdf",
        "Exampleshire short breaks services statement",
        [
            "This statement describes the range of short breaks services available in Exampleshire, the eligibility criteria for each service and how the services are designed to meet the needs of carers.",
            "Short breaks give disabled children and young people enjoyable experiences away from their primary carers, and give parents and carers a break from caring.",
        ],
        created,
    )
    page = b.lgd(
        "/send/short-breaks-and-leisure/short-breaks-services-statement",
        "Short breaks services statement",
        "special",
        topic="leisure",
        blocks=[f'<p><a href="{pdf.path}">Download the short breaks services statement (PDF)</a></p>'],
        updated=b.age_in(AGE_FRESH),
    )
    b.landing_links["leisure"].append((page.title, page.path))
    b.topic_status["short-breaks-statement"] = "partial"
    b.topic_pages["short-breaks-statement"] = [page.path]
    b.log.fault("accessibility", "pdf-only-page", page.path, pdf.path, "short breaks services statement")
    b.log.control("staleness", "statement-wording", page.path, "short breaks services statement")

    # Post-16 transport policy statement for an academic year that is already over.
    current_start = b.today.year if b.today >= dt.date(b.today.year, 5, 31) else b.today.year - 1
    old = current_start - 2
    label = f"{old} to {old + 1}"
    created = dt.date(old, 5, 20)
    pdf = b.doc(
        f"{b.doc_folder(created)}/post-16-transport-policy-statement-{old}-{str(old + 1)[2:]}.pdf",
        f"Post-16 transport policy statement {label}",
        [
            f"This statement sets out the transport arrangements for young people of sixth form age in the {label} academic year.",
            "Young people aged 16 to 18, and learners aged 19 to 25 with an EHC plan, may be eligible for travel assistance.",
        ],
        created,
    )
    page = topic_page(
        b,
        "travel-transport",
        "travel",
        "post-16-transport-policy-statement",
        "Post-16 transport policy statement",
        "Travel support for students aged 16 to 25.",
        [
            f"The post-16 transport policy statement for {label} explains what travel assistance is available for students in sixth forms and colleges.",
            "Students with an EHC plan aged 19 to 25 can also apply for travel assistance.",
        ],
    )
    page.blocks.append(
        f'<p><a href="{pdf.path}">Post-16 transport policy statement {label} (PDF, {{size:{pdf.path}}})</a></p>'
    )
    b.log.fault(
        "staleness",
        "post16-transport-statement-past-year",
        page.path,
        pdf.path,
        f"{label} (current year starts {current_start})",
    )

    # EHC page with the wrong timescale.
    page = topic_page(
        b,
        "",
        "ehc",
        "ehc-plans-guide-for-parents",
        "EHC plans: a guide for parents",
        "A short guide to education, health and care plans.",
        [
            "An education, health and care plan sets out your child's needs and the support they will get.",
            "From the date you ask for an assessment, the council has up to 26 weeks to issue the final plan.",
            "You will be invited to give your views at each stage.",
        ],
    )
    b.log.fault("required-content", "wrong-ehc-timescale", page.path, detail="26 weeks")

    # A "local offer for care leavers" page: different law, must be excluded from SEND scoring.
    page = topic_page(
        b,
        "",
        "social-care",
        "local-offer-for-care-leavers",
        "Local offer for care leavers",
        "What Exampleshire offers young people leaving care.",
        [
            "Our local offer for care leavers sets out the support available to young people who have been in our care, as required by the Children and Social Work Act 2017.",
            "Care leavers aged 18 to 25 are exempt from council tax in Exampleshire and can get a setting up home grant.",
            "Every care leaver has a personal adviser until they are 25 if they want one.",
        ],
    )
    b.log.control("required-content", "care-leavers-page", page.path, expected="excluded")

    # Windows-1252 encoded page.
    page = topic_page(
        b,
        "",
        "travel",
        "transport-charges",
        "Charges for post-16 travel assistance",
        "What students pay towards travel to college.",
        [
            "Students aged 16 to 18 pay a contribution of \u00a3420 a year, or \u00a3210 if their family gets a qualifying benefit.",
            "Parents told us the old \u201cfamily rate\u201d was confusing \u2013 so we\u2019ve replaced it with one simple charge.",
            "Pay in three instalments of \u00a3140 by direct debit or at a caf\u00e9 pay point.",
        ],
    )
    page.encoding = "cp1252"
    b.charsets[page.file] = "windows-1252"
    b.special["cp1252"] = page

    # Near-empty template page (soft 404 target).
    b.special["near-empty"] = b.lgd(
        "/send/education/services-for-families", "Services for families", "special", topic="education", blocks=[]
    )

    # Page-only-a-PDF pages.
    for slug, title, landing in [
        ("send-strategy", "SEND strategy", "education"),
        ("send-annual-report", "SEND annual report", "have-your-say"),
    ]:
        created = b.age_in(AGE_NEUTRAL)
        pdf = b.doc(
            f"{b.doc_folder(created)}/{slug}.pdf",
            f"Exampleshire {title}",
            [
                f"This document is the Exampleshire {title}.",
                "It describes how education, health and social care work together for children and young people with SEND.",
            ],
            created,
            metadata_title=(slug != "send-strategy"),
        )
        landing_path = C.LANDING_PATH[landing]
        page = b.lgd(
            f"{landing_path}/{slug}",
            title,
            "special",
            topic=landing,
            blocks=[f'<p><a href="{pdf.path}">Download the {title} (PDF)</a></p>'],
            updated=b.age_in(AGE_FRESH),
        )
        b.landing_links[landing].append((title, page.path))
        b.log.fault("accessibility", "pdf-only-page", page.path, pdf.path, title)

    # Other documents linked from hand-made pages.
    ehc = b.pages["/send/ehc-needs-assessments-and-plans/request-an-ehc-needs-assessment"]
    created = b.age_in(AGE_NEUTRAL)
    form = b.doc(
        f"{b.doc_folder(created)}/ehc-needs-assessment-request-form.docx",
        "EHC needs assessment request form",
        [
            "Use this form to ask for an education, health and care needs assessment.",
            "Child's name:",
            "Date of birth:",
            "Why do you think an assessment is needed?",
        ],
        created,
    )
    created = b.age_in(AGE_NEUTRAL)
    guide = b.doc(
        f"{b.doc_folder(created)}/ehc-needs-assessment-guide.pdf",
        "EHC needs assessment: a guide for families",
        [
            "This guide explains each step of an education, health and care needs assessment.",
            "We must decide whether to assess within 6 weeks and issue any final plan within 20 weeks of the request.",
        ],
        created,
    )
    ehc.blocks.append(
        f'<ul><li><a href="{form.path}">EHC needs assessment request form (Word document, {{size:{form.path}}})</a></li>'
        f'<li><a href="{guide.path}">EHC needs assessment: a guide for families (PDF, {{size:{guide.path}}})</a></li></ul>'
    )
    created = b.ago(480)
    scan = b.doc(
        f"{b.doc_folder(created)}/local-offer-leaflet-scanned.pdf", "Local Offer leaflet", [], created, scanned=True
    )
    b.special["home"].blocks.append(f'<p><a href="{scan.path}">Local Offer leaflet (PDF, {{size:{scan.path}}})</a></p>')


def wordpress_statement(b, crumbs) -> None:
    reviewed = b.ago(b.rng.randint(600, 640))  # about 20 months
    page = b.add(
        Page(
            path="/family-hub/accessibility-statement/",
            file="",
            platform="wp",
            role="core",
            crumbs=crumbs,
            title="Accessibility statement for the Exampleshire Family Hub website",
            updated=reviewed,
            blocks=[
                "<p>This statement applies to the Exampleshire Family Hub website.</p>",
                "<h2>How accessible this website is</h2><p>Some parts of this website are not fully accessible. For example, some PDFs are scanned images.</p>",
                '<h2>Reporting accessibility problems with this website</h2><p>Email <a href="mailto:familyhub@exampleshire.gov.uk">familyhub@exampleshire.gov.uk</a>.</p>',
                "<h2>Compliance status</h2><p>This website is partially compliant with the Web Content Accessibility Guidelines version 2.1 AA standard.</p>",
                "<h2>Non-accessible content</h2><p>Some scanned PDF forms have no text layer.</p>",
                f"<h2>Preparation of this accessibility statement</h2><p>This statement was prepared on {C.long_date(b.ago(1400))}. It was last reviewed on {C.long_date(reviewed)}.</p>",
            ],
        )
    )
    b.statements.append(
        {
            "page": page.path,
            "complete": False,
            "missing_sections": ["Enforcement procedure"],
            "last_reviewed": reviewed.isoformat(),
            "wcag_version": "2.1",
        }
    )
    b.log.fault("accessibility", "statement-missing-section", page.path, detail="Enforcement procedure")
    b.log.fault("accessibility", "statement-review-overdue", page.path, detail=reviewed.isoformat())
    b.log.fault("accessibility", "statement-old-wcag-version", page.path, detail="2.1")
    b.log.fault("staleness", "last-updated-12-to-24-months", page.path, detail=reviewed.isoformat())
    page.jsonld_modified = reviewed
