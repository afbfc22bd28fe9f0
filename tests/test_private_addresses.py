"""No request to a private, link-local or metadata address, however a crawled page gets there.

The audited site here is `council.test`, which a fake DNS maps to 127.0.0.1, and the config
allows only 127.0.0.1/32: so, as for a real council site on a public address, loopback and
private networks are off limits. Two pages deep, the site links to names that RESOLVE to
10/8, 172.16/12, 192.168/16, 169.254/16 (169.254.169.254 too), ::1, fc00::/7 and to a
trap on 127.0.0.2; a partner site links on by REDIRECT; one name changes its answer after the
first lookup (DNS rebinding). The trap listens on the site's port at 127.0.0.2, and a socket
jail (tests/fakedns.py) records every address connected to and refuses all but loopback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from support import QuietHandler

HERE = Path(__file__).resolve().parent
TRAP = "127.0.0.2"
PRIVATE_NAMES = {  # name -> what it resolves to
    "intranet10.test": ["10.20.30.40"],
    "intranet172.test": ["172.16.5.4"],
    "intranet192.test": ["192.168.1.20"],
    "linklocal.test": ["169.254.10.10"],
    "metadata.test": ["169.254.169.254"],
    "loopback6.test": ["::1"],
    "ula.test": ["fc00::1"],
    "trap.test": [TRAP],
    "mixed.test": ["127.0.0.1", "10.0.0.9"],  # one bad address is enough to refuse the name
}
REDIRECTS = {  # partner.test path -> where it redirects
    "/go/metadata": "http://169.254.169.254/latest/meta-data/",
    "/go/intranet": "http://intranet10.test:{port}/admin",
    "/go/trap": f"http://{TRAP}:{{port}}/",
    "/go/ula": "http://[fc00::1]:{port}/",
}


class Site:
    """council.test (and partner.test, rebind.test: same server) on 127.0.0.1:PORT."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []  # (Host header, path)
        site = self

        class Handler(QuietHandler):
            def do_GET(self):
                host = (self.headers.get("Host") or "").split(":")[0]
                site.requests.append((host, self.path))
                if self.path == "/robots.txt":
                    return self._send(200, "text/plain", b"User-agent: *\nDisallow:\n")
                if host == "partner.test" and self.path in REDIRECTS:
                    self.send_response(302)
                    self.send_header("Location", REDIRECTS[self.path].format(port=site.port))
                    self.send_header("Content-Length", "0")
                    return self.end_headers()
                links = {"/": ["/deeper"], "/deeper": ["/deepest"]}.get(self.path)
                if self.path == "/deepest":
                    links = ([f"http://{name}:{site.port}/" for name in PRIVATE_NAMES]
                             + [f"http://partner.test:{site.port}{path}" for path in REDIRECTS]
                             + [f"http://rebind.test:{site.port}/", f"http://{TRAP}:{site.port}/",
                                "http://169.254.169.254/latest/meta-data/"])
                if links is None:
                    return self._send(200 if host != "council.test" else 404, "text/html",
                                      b"<title>Elsewhere</title><h1>Elsewhere</h1>")
                body = "".join(f'<a href="{href}">{href}</a> ' for href in links)
                return self._send(200, "text/html; charset=utf-8",
                                  f"<!doctype html><html lang='en'><head><title>{self.path}"
                                  f"</title></head><body><h1>Page</h1><p>{body}</p></body>"
                                  "</html>".encode())

            do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class Trap:
    """Listens at 127.0.0.2 on the site's port: any request here is a guard failure."""

    def __init__(self, port: int) -> None:
        self.requests: list[str] = []
        trap = self

        class Handler(QuietHandler):
            def do_GET(self):
                trap.requests.append(self.path)
                self._send(200, "text/plain", b"trapped")

            do_HEAD = do_GET

        self.server = ThreadingHTTPServer((TRAP, port), Handler)
        self.server.daemon_threads = True

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _audit(tmp: Path, port: int, table: dict, connects: Path):
    config = tmp / "site.toml"
    config.write_text(f'[site]\nstart_urls = ["http://council.test:{port}/"]\n'
                      '[crawl]\ndelay = 0\ntimeout = 5\nallowed_networks = ["127.0.0.1/32"]\n',
                      "utf-8")
    env = {**os.environ, "LOCALOFFER_TEST_DNS": json.dumps(table),
           "LOCALOFFER_TEST_CONNECTS": str(connects)}
    return subprocess.run([sys.executable, str(HERE / "fakedns.py"), "audit", str(config),
                           "--out", str(tmp / "out"), "--no-progress"],
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("private")
    table = {name: [addresses] for name, addresses in PRIVATE_NAMES.items()}
    table |= {"council.test": [["127.0.0.1"]], "partner.test": [["127.0.0.1"]],
              # a public-looking (allowed) answer first, then the trap's
              "rebind.test": [["127.0.0.1"], [TRAP]]}
    connects = tmp / "connects.txt"
    connects.write_text("", "utf-8")
    with Site() as site, Trap(site.port) as trap:
        result = _audit(tmp, site.port, table, connects)
    db = sqlite3.connect(tmp / "out" / "localoffer-audit.sqlite")
    summary = json.loads((tmp / "out" / "summary.json").read_text("utf-8"))
    return {"result": result, "site": site, "trap": trap, "db": db, "summary": summary,
            "connected": set(connects.read_text("utf-8").split()),
            "status": dict(db.execute("SELECT url, error FROM link_status"))}


def test_the_audit_finishes_and_reached_the_hostile_links(audited):
    assert audited["result"].returncode in (0, 1), audited["result"].stderr
    assert ("council.test", "/deepest") in audited["site"].requests  # two clicks deep


def test_nothing_but_the_site_was_connected_to(audited):
    assert audited["connected"] == {"127.0.0.1"}
    assert audited["trap"].requests == []


@pytest.mark.parametrize("name", sorted(PRIVATE_NAMES))
def test_a_name_resolving_to_a_private_address_is_refused(audited, name):
    port = audited["site"].port
    error = audited["status"][f"http://{name}:{port}/"]
    assert error.startswith("blocked private address "), error
    assert f"for host {name}" in error
    assert not [r for r in audited["site"].requests if r[0] == name]


@pytest.mark.parametrize("path", sorted(REDIRECTS))
def test_a_redirect_to_a_private_address_is_not_followed(audited, path):
    port = audited["site"].port
    assert ("partner.test", path) in audited["site"].requests  # the partner was checked...
    error = audited["status"][f"http://partner.test:{port}{path}"]
    assert error.startswith("blocked private address "), error  # ...its redirect refused


def test_the_checked_answer_is_the_one_connected_to(audited):
    """rebind.test answers 127.0.0.1 (allowed) first, then the trap: the crawl asks once."""
    port = audited["site"].port
    assert audited["status"][f"http://rebind.test:{port}/"] is None
    assert ("rebind.test", "/") in audited["site"].requests


def test_each_refusal_is_a_counted_event(audited):
    refused = [e for e in audited["status"].values() if e and e.startswith("blocked private")]
    # each named or literal target twice (its https: twin is checked too), each redirect once
    assert len(refused) == 2 * (len(PRIVATE_NAMES) + 2) + len(REDIRECTS)
    assert audited["summary"]["events"]["private_address_blocked"] >= len(refused)


def test_private_literals_are_refused(audited):
    port = audited["site"].port
    for url in (f"http://{TRAP}:{port}/", "http://169.254.169.254/latest/meta-data/"):
        assert audited["status"][url].startswith("blocked private address "), url


class _Receiver:
    def __init__(self):
        self.addresses, self.done = [], False

    def resolutionBegan(self, resolution):
        pass

    def addressResolved(self, address):
        self.addresses.append(address.host)

    def resolutionComplete(self):
        self.done = True


@pytest.mark.parametrize("answer, connectable", [
    (["127.0.0.1"], ["127.0.0.1"]),
    (["127.0.0.1", "10.0.0.9"], []),
    (["169.254.169.254"], []),
    (["::1"], []),
    (["fd12::1"], []),
    (["93.184.216.34", "2a00:1450:4009:81f::200e"], ["93.184.216.34", "2a00:1450:4009:81f::200e"]),
])
def test_the_reactor_resolver_gives_only_allowed_pinned_addresses(answer, connectable):
    """Even a request that never met the guard cannot connect to a refused address."""
    from localoffer_audit.dns import PinnedResolver, Pins

    pins = Pins(resolver=lambda host: pytest.fail(f"resolved {host} again"))
    pins._pin(answer, "name.test")
    receiver = _Receiver()
    PinnedResolver(None, ["127.0.0.1/32"], pins).resolveHostName(receiver, "name.test", 80)
    assert receiver.done and receiver.addresses == connectable
