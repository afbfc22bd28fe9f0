"""Generate the synthetic "Exampleshire" Local Offer: files on disk plus the answer key.

``generate_site`` runs four stages:

1. ``SiteBuilder.build_pages`` (builder.py) creates the page model;
2. ``planting.plant_all`` mutates chosen pages to carry faults and controls and
   records each one in the ``FaultLog``;
3. ``render`` turns pages into HTML with their platform skin and adds documents,
   sitemaps, robots.txt and ``_server/routes.json``;
4. ``build_answer_key`` crawls the rendered pages through the server's own router
   (crawl.py) to measure reachability, click depth and broken links, and checks
   them against what was planted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from html import escape
from pathlib import Path

from . import documents, planting, templates, topics
from .builder import SiteBuilder
from .crawl import SimulatedCrawler
from .routes import ROUTES_FILE, Router

OFFLINE_HOSTS = ["www.exampleshireccg.nhs.uk", "services.exampleshire.invalid"]
EXTERNAL_ROUTES = {
    "/ok": 200,
    "/not-found": 404,
    "/gone": 410,
    "/error": 500,
    "/bot-wall": 403,
    "/head-refused": "HEAD 405, GET 200",
    "/rate-limited": 429,
    "/slow": "200 after 6 s",
    "/redirect-2": "301 -> 301 -> /ok",
    "/moved-host": "301 to the main site",
    "/pages/...": 200,
}


def render(b: SiteBuilder) -> tuple[dict[str, str], dict[str, bytes]]:
    """(HTML text by file name, every output file's bytes by file name)."""
    doc_bytes = {d.path: documents.build(d) for d in b.docs}
    sizes = {path: f"{max(1, round(len(blob) / 1024))}KB" for path, blob in doc_bytes.items()}
    html: dict[str, str] = {}
    for page in b.pages.values():
        text = templates.render(page)
        if "{size:" in text:
            for path, size in sizes.items():
                text = text.replace(f"{{size:{path}}}", size)
        html[page.file] = text
    files: dict[str, bytes] = {}
    for page in b.pages.values():
        files[page.file] = html[page.file].encode(page.encoding)
    for path, blob in doc_bytes.items():
        files[path.lstrip("/")] = blob
    files.update(static_assets())
    files.update(sitemaps(b))
    files["robots.txt"] = b"User-agent: *\nDisallow: /staff-only/\n\nSitemap: http://__SITE__/sitemap.xml\n"
    files[ROUTES_FILE] = json.dumps(b.routes_meta(), sort_keys=True, indent=1).encode()
    return html, files


def sitemaps(b: SiteBuilder) -> dict[str, bytes]:
    def urlset(entries):
        body = "".join(f"<url><loc>http://__SITE__{escape(p)}</loc><lastmod>{d}</lastmod></url>\n" for p, d in entries)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + body
            + "</urlset>\n"
        ).encode()

    pages_entries, dir_entries = [], []
    for page in b.pages.values():
        if page.role == "staff" or page.platform == "wp":  # WordPress would publish its own wp-sitemap.xml
            continue
        if page.platform in ("kb5", "jadu"):
            # Directory sitemap stamps every URL with the build date (a common, unhelpful pattern).
            dir_entries.append((page.path, b.today.isoformat()))
        else:
            lastmod = page.updated if page.updated and page.updated <= b.today else b.today - dt.timedelta(days=30)
            pages_entries.append((page.path, lastmod.isoformat()))
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"<sitemap><loc>http://__SITE__/sitemap-pages.xml</loc><lastmod>{b.today.isoformat()}</lastmod></sitemap>\n"
        f"<sitemap><loc>http://__SITE__/sitemap-directory.xml</loc><lastmod>{b.today.isoformat()}</lastmod></sitemap>\n"
        "</sitemapindex>\n"
    ).encode()
    return {
        "sitemap.xml": index,
        "sitemap-pages.xml": urlset(pages_entries),
        "sitemap-directory.xml": urlset(dir_entries),
    }


# Every theme gives links outside running text a target of at least 24 by 24 CSS px, as real
# council themes do (WCAG 2.2 2.5.8 Target Size (Minimum)): the demo's templates must carry
# only the planted faults, and the browser engine measures the rendered size.
TARGET_SIZE_CSS = (b"nav a,li a,header a,footer a,.skip,.skip-link,.breadcrumbs__link"
                   b"{display:inline-block;min-height:24px;min-width:24px}\n")


def static_assets() -> dict[str, bytes]:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><rect width="{w}" height="{h}" fill="{c}"/></svg>\n'
    png = _tiny_png()
    return {
        "themes/custom/exampleshire/css/styles.css": b"body{font-family:Arial,sans-serif;color:#0b0c0c}.visually-hidden{position:absolute;left:-9999px}\n" + TARGET_SIZE_CSS,
        "themes/custom/exampleshire/logo.svg": svg.format(w=200, h=60, c="#1d4f91").encode(),
        "themes/custom/exampleshire/divider.svg": svg.format(w=600, h=8, c="#dddddd").encode(),
        "sites/default/files/images/family-activity.svg": svg.format(w=600, h=400, c="#8fb996").encode(),
        "sites/default/files/images/IMG_2345.png": png,
        "kb5/exampleshire/directory/css/kb5.css": b"body{font-family:Verdana,sans-serif}\n" + TARGET_SIZE_CSS,
        "kb5/exampleshire/directory/images/logo.svg": svg.format(w=220, h=50, c="#6a1b9a").encode(),
        "wp-content/themes/family-hub/style.css": b"body{font-family:Georgia,serif}\n" + TARGET_SIZE_CSS,
        "site/styles/generic/base.css": b"body{font-family:Helvetica,sans-serif}\n" + TARGET_SIZE_CSS,
    }


def _tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\x88\xaa\xcc"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


# -- stage 4: answer key -------------------------------------------------------------


class AnswerKeyError(RuntimeError):
    """The generated site does not match what was planted (a generator bug)."""


def _check(ok: bool, message) -> None:
    if not ok:
        raise AnswerKeyError(message)


def build_answer_key(b: SiteBuilder, html: dict[str, str], files: dict[str, bytes]) -> dict:
    """Measure the rendered site and assemble ``answer-key.json``.

    Besides the fields in the project brief, the key carries: ``redirects`` (planted
    redirect routes), ``gone_pages`` (410 paths), ``duplicate_urls`` (links whose URL
    differs from its canonical form: utm_*, session ids), ``accessibility_statements``,
    ``external_routes``, ``special_routes``, ``click_depth`` (BFS depth of every
    reachable URL) and ``counts``. ``broken_internal_links`` lists each distinct
    (page, target) pair once; target is the link resolved against the page, without
    its fragment.
    """
    crawler = SimulatedCrawler(Router(b.routes_meta(), files), html)
    crawl = crawler.crawl("/")
    reachable = crawl.reachable
    faults = b.log.faults()

    html_reachable = sorted(crawl.html_pages)
    missing_title, missing_h1 = [], []
    for url in html_reachable:
        _status, _final, resolved = crawler.follow(url)
        text = html.get(resolved.file) if resolved.kind == "file" else resolved.html
        if not _has_title(text):
            missing_title.append(url)
        if "<h1" not in text:
            missing_h1.append(url)

    # The key must describe what the site really does: cross-check planted vs measured.
    planted_title = sorted({f["page"] for f in faults if f["kind"] in ("missing-title", "empty-title")})
    planted_h1 = sorted({f["page"] for f in faults if f["kind"] == "missing-h1"})
    _check(missing_title == planted_title, (missing_title, planted_title))
    _check(missing_h1 == planted_h1, (missing_h1, planted_h1))
    planted_broken = {
        (f["page"], f["target"])
        for f in faults
        if f["kind"] in ("broken-internal-link", "gone-internal-link", "redirect-to-404")
    }
    measured_broken = {(x["page"], x["target"]) for x in crawl.broken}
    _check(planted_broken == measured_broken, planted_broken ^ measured_broken)
    for f in faults:
        _check(f["page"] in reachable or f["page"] in b.sitemap_only, f)
    for path in b.sitemap_only + b.staff_pages:
        _check(path not in reachable, path)
    docs = sorted(d.path for d in b.docs)
    for d in docs:
        _check(d in reachable, f"document not linked: {d}")

    topic_key = {}
    for topic_id in topics.TOPIC_IDS:
        pages = sorted(b.topic_pages.get(topic_id, []))
        depths = [reachable[p] for p in pages if p in reachable]
        topic_key[topic_id] = {
            "status": b.topic_status[topic_id],
            "pages": pages,
            "depth_over_3": bool(depths) and min(depths) > 3,
        }
    _check(topic_key[topics.DEEP_TOPIC]["depth_over_3"], "deep topic is not deep")

    records = []
    for page in sorted(b.record_pages, key=lambda p: p.path):
        rec = page.record
        entry = {
            "page": page.path,
            "platform": page.platform,
            "complete": not rec.missing and not rec.invalid,
            "missing": sorted(rec.missing),
            "invalid": sorted(rec.invalid),
        }
        if rec.duplicate_of:
            entry["duplicate_of"] = rec.duplicate_of
        records.append(entry)

    html_files = sum(1 for name in files if name.endswith(".html"))
    return {
        "schema_version": 1,
        "seed": b.seed,
        "today": b.today.isoformat(),
        "pages_requested": b.n,
        "start_path": "/",
        "reachable_pages": sorted(reachable),
        "disallowed_pages": sorted(b.staff_pages),
        "sitemap_only_pages": sorted(b.sitemap_only),
        "documents": docs,
        "trap_entry_points": sorted(crawl.trap_entries),
        "offline_hosts": OFFLINE_HOSTS,
        "external_routes": EXTERNAL_ROUTES,
        "faults": faults,
        "controls": b.log.controls(),
        "topics": topic_key,
        "records": records,
        "pages_missing_title": missing_title,
        "pages_missing_h1": missing_h1,
        "broken_internal_links": crawl.broken,
        "redirects": {path: {"status": s, "location": loc} for path, (s, loc) in sorted(b.redirects.items())},
        "gone_pages": sorted(b.gone),
        "duplicate_urls": sorted(crawl.duplicate_forms, key=lambda d: (d["page"], d["url"])),
        "accessibility_statements": b.statements,
        "special_routes": {"/busy": "503 with Retry-After: 1 on the first request, then 200 (not linked)"},
        "click_depth": {p: d for p, d in sorted(reachable.items())},
        "counts": {
            "html_files": html_files,
            "reachable": len(reachable),
            "reachable_html": len(html_reachable),
            "documents": len(docs),
            "faults": len(faults),
            "controls": len(b.log.controls()),
            "records": len(records),
        },
    }


def _has_title(text: str) -> bool:
    start = text.find("<title>")
    if start < 0:
        return False
    end = text.find("</title>", start)
    return bool(text[start + 7 : end].strip())


def generate_site(out_dir: Path, pages: int = 300, seed: int = 2014, today: dt.date | None = None) -> dict:
    """Write the demo site to ``out_dir/site/`` and its answer key to ``out_dir/answer-key.json``."""
    out_dir = Path(out_dir)
    today = today or dt.date.today()
    builder = SiteBuilder(pages, seed, today)
    builder.build_pages()
    planting.plant_all(builder)
    builder.add_leaflets()
    builder.finish_navigation()
    html, files = render(builder)
    key = build_answer_key(builder, html, files)

    # Write into a staging folder and swap it in with one rename, so nobody (a running
    # DemoServer, a crashed run) ever sees a half-written site.
    site = out_dir / "site"
    staging = out_dir / f".site-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    made = set()
    for name in sorted(files):
        target = staging / name
        parent = str(target.parent)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        target.write_bytes(files[name])
    if site.exists():
        retired = out_dir / f".site-old-{os.getpid()}"
        site.rename(retired)
        shutil.rmtree(retired)
    staging.rename(site)
    (out_dir / "answer-key.json").write_text(
        json.dumps(key, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return key


def tree_digest(site_dir: Path) -> str:
    """SHA-256 over every file name and content (for determinism checks)."""
    h = hashlib.sha256()
    for path in sorted(Path(site_dir).rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(site_dir)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
