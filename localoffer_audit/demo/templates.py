"""Platform skins: LocalGov Drupal, Open Objects kb5, WordPress and Jadu.

Plain f-strings on purpose: the generator renders up to 20,000 pages and a
template engine per page would dominate the run time. Markup follows
shared/reference/platforms.md (sections 1 and 3): the class names are the ones
real parsers key on.
"""

from __future__ import annotations

from html import escape

from . import content as C
from .model import Page, Record

LGD_NAV = [(title, path) for _key, title, path, _short in C.LANDINGS] + [
    ("Find a service", "/directory"),
    ("Events", "/events"),
    ("Contact us", "/contact"),
]
LGD_FOOTER = [
    ("Accessibility statement", "/accessibility-statement"),
    ("Privacy notice", "/privacy"),
    ("Cookies", "/cookies"),
    ("Contact us", "/contact"),
    ("Have your say", "/send/have-your-say"),
    ("Family Hub", "/family-hub/"),
    ("A to Z", "/a-to-z"),
]
KB5_NAV = [
    ("Directory home", f"{C.KB5_BASE}/home.page"),
    ("All services", f"{C.KB5_BASE}/results.page?qt=all&page=1"),
    ("Advice", f"{C.KB5_BASE}/results.page?qt=advice&page=1"),
    ("Local Offer home", "/"),
]
KB5_FOOTER = [
    ("Accessibility statement", "/accessibility-statement"),
    ("Privacy notice", "/privacy"),
    ("Contact us", "/contact"),
]
WP_NAV = [
    ("Family Hub home", "/family-hub/"),
    ("Activities", "/family-hub/activities/"),
    ("Parenting support", "/family-hub/parenting-support/"),
    ("Local Offer", "/"),
]
WP_FOOTER = [
    ("Accessibility statement", "/family-hub/accessibility-statement/"),
    ("Privacy notice", "/privacy"),
    ("Contact the Family Hub", "/family-hub/contact/"),
]


def link_list(links, cls: str = "") -> str:
    items = "".join(f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for text, href in links)
    return f'<ul class="{cls}">{items}</ul>' if cls else f"<ul>{items}</ul>"


def _title_tag(page: Page, suffix: str) -> str:
    if page.title_mode == "missing":
        return ""
    if page.title_mode == "empty":
        return "<title></title>"
    return f"<title>{escape(page.title)} | {suffix}</title>"


def _html_open(page: Page, lang: str) -> str:
    return f'<!DOCTYPE html>\n<html lang="{lang}">\n' if page.lang else "<!DOCTYPE html>\n<html>\n"


def _head(page: Page, suffix: str, css: str, extra: str = "") -> str:
    charset = "windows-1252" if page.encoding == "cp1252" else "utf-8"
    viewport = "width=device-width, initial-scale=1"
    head_extra = "\n".join(page.head_extra)
    return (
        f'<head>\n<meta charset="{charset}">\n'
        + ("" if "user-scalable=no" in head_extra else f'<meta name="viewport" content="{viewport}">\n')
        + f'{_title_tag(page, suffix)}\n{extra}<link rel="stylesheet" href="{css}">\n{head_extra}\n</head>\n'
    )


def _date_line(page: Page, style: str) -> str:
    if page.raw_date_text:
        text = escape(page.raw_date_text)
    elif page.updated is None:
        text = ""
    elif style == "kb5":
        text = f"Last Updated {C.uk_numeric_date(page.updated)}"
    elif style == "wp":
        text = f"Last updated {C.long_date(page.updated)}"
    else:
        text = f"Last updated: {C.long_date(page.updated)}"
    out = ""
    if text:
        cls = {"kb5": "last_updated", "wp": "page-last-edited"}.get(style, "lgd-page-last-updated")
        out = f'<p class="{cls}">{text}</p>\n'
    if page.review_due is not None:
        out += f'<p class="page-review">Next review due: {C.long_date(page.review_due)}</p>\n'
    return out


def _h1(page: Page, cls: str) -> str:
    if not page.show_h1:
        return ""
    attr = f' class="{cls}"' if cls else ""
    return f"<h1{attr}>{escape(page.heading)}</h1>\n"


# --- LocalGov Drupal ------------------------------------------------------------


def lgd_page(page: Page) -> str:
    crumbs = "".join(
        f'<li class="breadcrumbs__item"><a class="breadcrumbs__link" href="{escape(href)}">{escape(t)}</a></li>'
        for t, href in page.crumbs
    )
    crumbs += f'<li class="breadcrumbs__item">{escape(page.heading)}</li>'
    sidebar = ""
    if page.sidebar:
        sidebar = (
            '<aside class="sidebar lgd-row__one-third"><h2>Related pages</h2>'
            + link_list(page.sidebar, "sidebar__links")
            + "</aside>\n"
        )
    guide = ""
    if page.guide_nav:
        items = "".join(
            f'<li class="lgd-guide-nav__list-item{"--active" if href == page.path else ""}"><a href="{escape(href)}">{escape(t)}</a></li>'
            for t, href in page.guide_nav
        )
        guide = (
            f'<nav class="lgd-guide-nav" aria-labelledby="lgd-guides__title"><h2 id="lgd-guides__title">Contents</h2>'
            f'<ol class="lgd-guide-nav__list">{items}</ol></nav>\n'
        )
    lede = f'<p class="lgd-page-title-block__subheader">{escape(page.lede)}</p>' if page.lede else ""
    footer = LGD_FOOTER + page.footer_extra
    return (
        _html_open(page, "en")
        + _head(
            page,
            C.SITE_NAME,
            "/themes/custom/exampleshire/css/styles.css",
            '<meta name="Generator" content="Drupal 10 (https://www.drupal.org)">\n',
        )
        + f'<body class="path-node page-node-type-{page.bundle}">\n'
        '<a href="#main-content" class="skip-link visually-hidden focusable">Skip to main content</a>\n'
        '<header class="lgd-header" role="banner"><div class="lgd-container">'
        '<a href="/" class="lgd-header__logo" rel="home"><img src="/themes/custom/exampleshire/logo.svg" '
        f'alt="{C.COUNCIL} Local Offer home"></a>\n'
        '<form class="lgd-header__search" action="/search" method="get" role="search">'
        '<label for="edit-search">Search the Local Offer</label><input type="search" id="edit-search" name="q">'
        '<button type="submit">Search</button></form>\n'
        '<nav class="lgd-header__nav" aria-label="Main">' + link_list(LGD_NAV, "lgd-header__nav-list") + "</nav>"
        "</div></header>\n"
        '<nav class="breadcrumbs" aria-labelledby="system-breadcrumbs"><h2 id="system-breadcrumbs" class="visually-hidden">'
        f'Breadcrumbs</h2><ol class="breadcrumbs__list">{crumbs}</ol></nav>\n'
        '<main class="main" id="main-content"><div class="lgd-container"><div class="lgd-row"><div class="lgd-row__two-thirds">\n'
        f'<div class="lgd-page-title-block">{_h1(page, "lgd-page-title-block__title")}{lede}</div>\n'
        + guide
        + f'<article class="{page.bundle} node node--type-{page.bundle} node--view-mode-full"><div class="node__content">\n'
        '<div class="field field--name-body field--type-text-with-summary field--label-hidden field__item">\n'
        + "\n".join(page.blocks)
        + "\n</div></div>\n"
        + _date_line(page, "lgd")
        + "</article></div>\n"
        + sidebar
        + "</div></div></main>\n"
        '<footer class="lgd-footer"><div class="lgd-container"><h2 class="visually-hidden">Site links</h2>'
        + link_list(footer, "lgd-footer__links")
        + f"<p>&copy; {C.COUNCIL}</p></div></footer>\n</body>\n</html>\n"
    )


# --- Open Objects kb5 -----------------------------------------------------------


def kb5_record_blocks(rec: Record) -> list[str]:
    """The 'Who to contact / Where to go / Other Details / Local Offer' blocks."""
    blocks = [f'<div class="service_description"><p>{escape(rec.description)}</p></div>']
    if rec.phone is not None or rec.email is not None:
        rows = []
        if rec.contact_name:
            rows.append(f"<dt>Contact Name</dt><dd>{escape(rec.contact_name)}</dd>")
        if rec.phone is not None:
            tel = rec.phone.replace(" ", "")
            rows.append(f'<dt>Telephone</dt><dd><a href="tel:{escape(tel)}">{escape(rec.phone)}</a></dd>')
        if rec.email is not None:
            rows.append(f'<dt>E-mail</dt><dd><a href="mailto:{escape(rec.email)}">{escape(rec.email)}</a></dd>')
        if rec.website:
            rows.append(f'<dt>Website</dt><dd><a href="{escape(rec.website)}">{escape(rec.name)} website</a></dd>')
        blocks.append('<div class="block contact"><h2>Who to contact</h2><dl>' + "".join(rows) + "</dl></div>")
    blocks.append(
        f'<div class="block location"><h2>Where to go</h2><p class="address">{escape(rec.address)}<br>'
        f'<span class="postcode">{escape(rec.postcode)}</span></p></div>'
    )
    other = []
    if isinstance(rec.cost, list):
        rows = "".join(f"<tr><td>{escape(a)}</td><td>{escape(t)}</td></tr>" for a, t in rec.cost)
        other.append(
            '<table class="cost_table"><caption>Costs</caption><tr><th scope="col">Amount</th>'
            f'<th scope="col">Cost Type</th></tr>{rows}</table>'
        )
    elif isinstance(rec.cost, str):
        other.append(f"<dl><dt>Cost</dt><dd>{escape(rec.cost)}</dd></dl>")
    dl = []
    if rec.referral is not None:
        dl.append(
            f"<dt>Referral required</dt><dd>{'No' if rec.referral.startswith('Self') else 'Yes'}</dd>"
            f"<dt>Referral Details</dt><dd>{escape(rec.referral)}</dd>"
        )
    if isinstance(rec.age, tuple):
        lo, hi = rec.age
        dl.append(f"<dt>Age Ranges</dt><dd>{lo} years 0 months to {hi} years 11 months</dd>")
    elif isinstance(rec.age, str):
        dl.append(f"<dt>Age Ranges</dt><dd>{escape(rec.age)}</dd>")
    if dl:
        other.append("<dl>" + "".join(dl) + "</dl>")
    blocks.append('<div class="block other"><h2>Other Details</h2>' + "".join(other) + "</div>")
    lo_rows = [f"<dt>SEN Provision Type</dt><dd>{escape(', '.join(rec.needs))}</dd>"]
    if rec.accessibility is not None:
        lo_rows.append(f"<dt>Accessibility</dt><dd>{escape(', '.join(rec.accessibility))}</dd>")
    blocks.append(
        '<div class="block localoffer"><h2>Local Offer</h2><p>This service is part of the Exampleshire '
        "Local Offer for children and young people with SEND.</p><dl>" + "".join(lo_rows) + "</dl></div>"
    )
    return blocks


def kb5_page(page: Page) -> str:
    blocks = kb5_record_blocks(page.record) if page.record else page.blocks
    return (
        _html_open(page, "en")
        + _head(page, C.KB5_NAME, f"{C.KB5_BASE}/css/kb5.css")
        + '<body class="kb5 directory">\n<a class="skip" href="#content">Skip to content</a>\n'
        f'<header id="header"><a href="{C.KB5_BASE}/home.page"><img src="{C.KB5_BASE}/images/logo.svg" '
        f'alt="{C.KB5_NAME}"></a>\n<nav id="topnav" aria-label="Directory">' + link_list(KB5_NAV) + "</nav></header>\n"
        '<div id="content" role="main">\n'
        + _h1(page, "")
        + "\n".join(blocks)
        + "\n"
        + _date_line(page, "kb5")
        + "</div>\n"
        '<footer id="footer">' + link_list(KB5_FOOTER) + f"<p>{C.KB5_NAME} is run by {C.COUNCIL}.</p></footer>\n"
        "</body>\n</html>\n"
    )


# --- WordPress ------------------------------------------------------------------


def wp_page(page: Page) -> str:
    extra = '<meta name="generator" content="WordPress 6.4.3">\n'
    if page.jsonld_modified is not None:
        # Yoast-like @graph; dateModified may disagree with the visible date (planted).
        extra += (
            '<script type="application/ld+json" class="yoast-schema-graph">{"@context":"https://schema.org",'
            '"@graph":[{"@type":"WebPage","@id":"http://__SITE__'
            + page.path
            + '","url":"http://__SITE__'
            + page.path
            + '","name":'
            + _json_str(page.title)
            + ',"isPartOf":{"@id":"http://__SITE__/family-hub/#website"},'
            f'"dateModified":"{page.jsonld_modified.isoformat()}T09:30:00+00:00","inLanguage":"en-GB"}}]}}</script>\n'
        )
    crumbs = "".join(
        f'<li class="breadcrumbs__crumb"><a href="{escape(h)}">{escape(t)}</a></li>' for t, h in page.crumbs
    )
    return (
        _html_open(page, "en-GB")
        + _head(page, C.WP_NAME, "/wp-content/themes/family-hub/style.css", extra)
        + '<body class="page-template-default page">\n<a class="skip-link screen-reader-text" href="#content">Skip to content</a>\n'
        '<header class="site-header"><p class="site-title"><a href="/family-hub/" rel="home">' + C.WP_NAME + "</a></p>"
        '<nav class="main-navigation" aria-label="Family Hub">' + link_list(WP_NAV, "menu") + "</nav></header>\n"
        f'<main id="content" class="site-main"><ol class="breadcrumbs">{crumbs}</ol>\n'
        + _h1(page, "page-title")
        + '<div class="entry-content">\n'
        + "\n".join(page.blocks)
        + "\n</div>\n"
        + _date_line(page, "wp")
        + "</main>\n"
        '<footer class="site-footer">'
        + link_list(WP_FOOTER + page.footer_extra, "footer-menu")
        + f"<p>{C.WP_NAME} is part of {C.COUNCIL}.</p></footer>\n</body>\n</html>\n"
    )


def _json_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- Jadu -----------------------------------------------------------------------


def jadu_record_blocks(rec: Record) -> list[str]:
    rows = [("Description", escape(rec.description))]
    if rec.contact_name:
        rows.append(("Contact name", escape(rec.contact_name)))
    if rec.phone is not None:
        rows.append(("Telephone", f'<a href="tel:{escape(rec.phone.replace(" ", ""))}">{escape(rec.phone)}</a>'))
    if rec.email is not None:
        rows.append(("Email", f'<a href="mailto:{escape(rec.email)}">{escape(rec.email)}</a>'))
    if rec.website:
        rows.append(("Website", f'<a href="{escape(rec.website)}">{escape(rec.name)} website</a>'))
    rows.append(("Address", f"{escape(rec.address)}, {escape(rec.postcode)}"))
    if isinstance(rec.cost, list):
        rows.append(("Cost", escape("; ".join(f"{a} {t.lower()}" for a, t in rec.cost))))
    elif isinstance(rec.cost, str):
        rows.append(("Cost", escape(rec.cost)))
    if isinstance(rec.age, tuple):
        rows.append(("Age range", f"{rec.age[0]} to {rec.age[1]} years"))
    elif isinstance(rec.age, str):
        rows.append(("Age range", escape(rec.age)))
    if rec.referral is not None:
        rows.append(("How to access", escape(rec.referral)))
    if rec.accessibility is not None:
        rows.append(("Accessibility", escape(", ".join(rec.accessibility))))
    rows.append(("Needs supported", escape(", ".join(rec.needs))))
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return [f'<dl class="directory-record">{body}</dl>']


def jadu_page(page: Page) -> str:
    blocks = jadu_record_blocks(page.record) if page.record else page.blocks
    return (
        _html_open(page, "en")
        + _head(page, C.COUNCIL, "/site/styles/generic/base.css", '<meta name="generator" content="Jadu CMS">\n')
        + '<body class="jadu">\n<a class="skip" href="#main">Skip to main content</a>\n'
        f'<header class="header"><a href="/">{C.COUNCIL}</a><nav aria-label="Main">'
        + link_list([("Local Offer home", "/"), ("SEND services directory", "/directory/7/send_services")])
        + '</nav></header>\n<main id="main">\n'
        + _h1(page, "heading")
        + "\n".join(blocks)
        + "\n"
        + _date_line(page, "jadu")
        + '</main>\n<footer class="footer">'
        + link_list(LGD_FOOTER[:4])
        + "</footer>\n</body>\n</html>\n"
    )


RENDERERS = {"lgd": lgd_page, "kb5": kb5_page, "wp": wp_page, "jadu": jadu_page}


def render(page: Page) -> str:
    return RENDERERS[page.platform](page)


# --- Pages the server renders on the fly ---------------------------------------


def simple_page(platform: str, path: str, title: str, blocks: list[str], crumbs=None) -> str:
    """A complete page (with title and h1) for dynamic and error responses."""
    page = Page(
        path=path,
        file="",
        platform=platform,
        title=title,
        role="dynamic",
        crumbs=crumbs if crumbs is not None else [("Home", "/")],
        blocks=blocks,
    )
    return render(page)


def not_found_page(path: str) -> str:
    return simple_page(
        "lgd",
        path,
        "Page not found",
        [
            "<p>Sorry, we cannot find the page you asked for. It may have been moved or deleted.</p>",
            '<p>Go to the <a href="/">Local Offer home page</a> or use the search box.</p>',
        ],
    )


def gone_page(path: str) -> str:
    return simple_page(
        "lgd",
        path,
        "This page has been removed",
        [
            "<p>This page or service record has been deleted and will not come back.</p>",
            '<p>Go to the <a href="/">Local Offer home page</a>.</p>',
        ],
    )
