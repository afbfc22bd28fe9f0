"""The demo site as static files served by nginx, so the server is never the bottleneck.

    export_static(site_dir, out_dir, site_port, external_port)   # files + nginx.conf
    with Nginx(out_dir) as nginx: ...                            # nginx on 127.0.0.1 only

The demo's Python server (localoffer_audit/demo/server.py) answers through routes.Router. Here
the same answers are written out ahead of time: placeholders filled in, the calendar and
facet-search pages pre-rendered, and every redirect, deleted page and directory record mapped
in nginx's config. The few differences from the Python server, all on purpose for speed:
the external `/slow` page answers at once (no tool waits 6 s), `/busy` never answers 503,
and deleted (410) and missing (404) pages share one body each. Both servers send the
`LinkChecker` header, which lets LinkChecker go past 10 requests a second (its docs).
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from localoffer_audit.demo import content as C
from localoffer_audit.demo import templates
from localoffer_audit.demo.routes import (BUSY_PATH, CALENDAR_PATH, FACET_PATH, FACETS,
                                          NON_DRUPAL_PREFIXES, ROUTES_FILE, TEXT_SUFFIXES,
                                          Router, facet_url, file_for_path)

NGINX = "/usr/sbin/nginx"
UNSAFE = set('"\\${};\n\r\t ')  # never written into nginx.conf (such paths keep nginx's 404)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _quoted(path: str) -> str | None:
    return None if UNSAFE & set(path) else f'"{path}"'


def export_static(site_dir: Path, out: Path, site_port: int, external_port: int) -> dict:
    """Write out/www (the site), out/ext (the partner host) and out/nginx.conf."""
    site_dir, out = Path(site_dir), Path(out)
    meta = json.loads((site_dir / ROUTES_FILE).read_text("utf-8"))
    www, ext = out / "www", out / "ext"
    site_host = f"127.0.0.1:{site_port}".encode()
    ext_host = f"127.0.0.1:{external_port}".encode()
    files: set[str] = set()
    for root, _dirs, names in os.walk(site_dir):
        rel = os.path.relpath(root, site_dir)
        if rel.split(os.sep)[0] == "_server":
            continue
        for name in names:
            rel_name = name if rel == "." else f"{rel}/{name}".replace(os.sep, "/")
            files.add(rel_name)
            target = www / rel_name
            target.parent.mkdir(parents=True, exist_ok=True)
            data = (site_dir / rel_name).read_bytes()
            if rel_name.endswith(TEXT_SUFFIXES):
                data = data.replace(b"__EXTERNAL__", ext_host).replace(b"__SITE__", site_host)
            target.write_bytes(data)
    router = Router(meta, files)
    fill = lambda html: html.replace("__EXTERNAL__", ext_host.decode()).replace(
        "__SITE__", site_host.decode()).encode("utf-8")
    bench = www / "_bench"
    (bench / "calendar").mkdir(parents=True)
    (bench / "facets").mkdir(parents=True)
    today = router.today.replace(day=1)
    for offset in range(-36, 37):  # every month within three years either side of "today"
        year, month = divmod(today.year * 12 + today.month - 1 + offset, 12)
        key = f"{year:04d}-{month + 1:02d}"
        (bench / "calendar" / f"{key}.html").write_bytes(fill(router.calendar_page(f"month={key}")))
    (bench / "calendar" / "default.html").write_bytes(fill(router.calendar_page("")))
    facet_names = list(FACETS)
    for choice in itertools.product(*[[None, *FACETS[f]] for f in facet_names]):
        chosen = {f: v for f, v in zip(facet_names, choice) if v is not None}
        query = facet_url(chosen).partition("?")[2]
        (bench / "facets" / f"{query or '_'}.html").write_bytes(fill(router.facet_page(query)))
    (bench / "404.html").write_bytes(fill(templates.not_found_page("/")))
    (bench / "410.html").write_bytes(fill(templates.gone_page("/")))
    (bench / "busy.html").write_bytes(fill(router.resolve(BUSY_PATH).html))
    (bench / "kb5-missing.html").write_bytes(fill(router._kb5(
        f"{C.KB5_BASE}/service.page", {"id": "none"}).html))
    (bench / "kb5-no-results.html").write_bytes(fill(router._kb5(
        f"{C.KB5_BASE}/results.page", {"qt": "none"}).html))
    _write_external(ext)
    exact: dict[str, str] = {}  # path -> its exact-match location (the first one wins)
    skipped = 0
    for path, (status, location) in sorted(router.redirects.items()):
        q, loc = _quoted(path), _quoted(location)
        if q and loc:
            exact.setdefault(path, f"location = {q} {{ return {status} {loc}; }}")
        else:
            skipped += 1
    gone_ids = []
    for path in sorted(router.gone):
        if "?id=" in path:
            gone_ids.append(path.rpartition("?id=")[2])
        elif _quoted(path):
            exact.setdefault(path, f"location = {_quoted(path)} {{ return 410; }}")
    # /a/b where only a/b/index.html exists: the demo answers 301 to /a/b/
    for name in sorted(files):
        if name.endswith("/index.html"):
            path = "/" + name[: -len("/index.html")]
            if f"{path.lstrip('/')}.html" not in files and _quoted(path):
                exact.setdefault(path, f"location = {_quoted(path)} {{ return 301 "
                                       f"{_quoted(path + '/')}; }}")
    for name, charset in sorted(router.charsets.items()):
        path = "/" + name[: -len(".html")] if not name.endswith("index.html") else \
            "/" + name[: -len("index.html")]
        if _quoted(path) and file_for_path(path) == name:
            exact.setdefault(path, f"location = {_quoted(path)} {{ charset {charset}; "
                                   f"try_files $uri.html $uri $uri/index.html =404; }}")
    kb5 = C.KB5_BASE
    gone_map = "\n".join(f'        "{token}" 1;' for token in gone_ids if not UNSAFE & set(token))
    non_drupal = "|".join(p.rstrip("/") for p in NON_DRUPAL_PREFIXES)
    conf = f"""# Generated by bench/static_site.py: the demo site on loopback, for benchmarks only.
worker_processes 2;
daemon off;
pid {out}/nginx.pid;
error_log {out}/error.log error;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    types {{ application/xml xml; }}
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    client_body_temp_path {out}/tmp/body;
    proxy_temp_path {out}/tmp/proxy;
    fastcgi_temp_path {out}/tmp/fastcgi;
    uwsgi_temp_path {out}/tmp/uwsgi;
    scgi_temp_path {out}/tmp/scgi;
    charset_types text/html text/plain;
    map $uri $x_generator {{
        "~^({non_drupal})" "";
        "~(/|\\.html)$" "Drupal 10 (https://www.drupal.org)";
        "~/[^./]+$" "Drupal 10 (https://www.drupal.org)";
        default "";
    }}
    map $arg_id $kb5_gone {{
        default 0;
{gone_map}
    }}
    server {{
        listen 127.0.0.1:{site_port};
        root {www};
        charset utf-8;
        add_header LinkChecker bench always;
        add_header X-Generator $x_generator;
        error_page 404 /_bench/404.html;
        error_page 410 /_bench/410.html;
        rewrite "^([^;]*);[^/]*(.*)$" $1$2 last;
        location / {{ try_files $uri $uri.html $uri/index.html =404; }}
        location ^~ /_server {{ return 404; }}
        location ^~ /_bench/ {{ internal; }}
        location = {CALENDAR_PATH} {{
            try_files /_bench/calendar/$arg_month.html /_bench/calendar/default.html; }}
        location = {FACET_PATH} {{ try_files /_bench/facets/$args.html /_bench/facets/_.html; }}
        location = {BUSY_PATH} {{ try_files /_bench/busy.html =404; }}
        location = {kb5}/home.page {{ try_files /{kb5.lstrip('/')}/home.html =404; }}
        location ~ ^{kb5}/(service|advice)\\.page$ {{
            if ($kb5_gone) {{ return 410; }}
            try_files /{kb5.lstrip('/')}/$1/$arg_id.html /_bench/kb5-missing.html; }}
        location = {kb5}/results.page {{
            try_files /{kb5.lstrip('/')}/results/$arg_qt-$arg_page.html /_bench/kb5-no-results.html; }}
        {chr(10).join('        ' + line for line in exact.values()).lstrip()}
    }}
    server {{
        listen 127.0.0.1:{external_port};
        root {ext};
        default_type text/html;
        charset utf-8;
        add_header LinkChecker bench always;
        location / {{ return 404; }}
        location = /ok {{ try_files /partner.html =404; }}
        location ^~ /pages/ {{ try_files /partner.html =404; }}
        location = /slow {{ try_files /partner.html =404; }}
        location = /not-found {{ return 404; }}
        location = /gone {{ return 410; }}
        location = /error {{ return 500; }}
        location = /bot-wall {{ add_header cf-mitigated challenge always; return 403; }}
        location = /head-refused {{
            if ($request_method = HEAD) {{ return 405; }}
            try_files /partner.html =404; }}
        location = /rate-limited {{ add_header Retry-After 1 always; return 429; }}
        location = /redirect-2 {{ return 301 /redirect-1; }}
        location = /redirect-1 {{ return 301 /ok; }}
        location = /moved-host {{ return 301 http://127.0.0.1:{site_port}/; }}
    }}
}}
"""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (out / "tmp" / name).mkdir(parents=True, exist_ok=True)
    (out / "nginx.conf").write_text(conf, "utf-8")
    for path in (out, www, ext):  # nginx's workers run as nobody
        path.chmod(0o755)
    return {"files": len(files), "nginx_locations": len(exact), "skipped_redirects": skipped}


def _write_external(ext: Path) -> None:
    ext.mkdir(parents=True, exist_ok=True)
    (ext / "partner.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Partner page</title>'
        "</head><body><h1>Partner page</h1><p>Partner organisation page.</p></body></html>\n")


class Nginx:
    """nginx from Debian, on the ports written into out/nginx.conf, until the block ends."""

    def __init__(self, out: Path, site_port: int, external_port: int) -> None:
        self.out, self.ports = Path(out), (site_port, external_port)
        self.url = f"http://127.0.0.1:{site_port}/"
        self.external_url = f"http://127.0.0.1:{external_port}/"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Nginx":
        if not Path(NGINX).exists():
            raise SystemExit("nginx is not installed: `make bench` installs it (apt-get install nginx)")
        check = subprocess.run([NGINX, "-t", "-q", "-c", str(self.out / "nginx.conf")],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise SystemExit(f"nginx rejected the generated config: {check.stderr.strip()}")
        self.process = subprocess.Popen([NGINX, "-c", str(self.out / "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        for port in self.ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        raise SystemExit(f"nginx did not start: {self.process.stderr.read()}")
                    time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: the master stops its workers
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
