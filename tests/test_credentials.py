"""Credentials never reach the log, a report (any format) or the store: a password-protected
loopback site is audited with its login in the start URL and a token in the config, its pages
carry logins and tokens in their links, and every output is searched for the secrets."""

from __future__ import annotations

import base64
import sqlite3
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from hypothesis import given, settings
from hypothesis import strategies as st

from localoffer_audit.urls import redact, split_credentials
from support import run_cli

SECRETS = ("S3cretStart", "S3cretLinkPw", "S3cretOffsitePw", "S3cretToken", "S3cretApiKey",
           "S3cretAccess", "S3cretSig", "S3cretFeedKey")
LOGIN = ("auditor", "S3cretStart")


class ProtectedSite:
    """Every page needs HTTP basic auth; the pages link with logins and tokens in addresses."""

    def __init__(self) -> None:
        self.authorised: list[tuple[str, bool]] = []  # (Host header, had the login)
        site = self
        expected = "Basic " + base64.b64encode(":".join(LOGIN).encode()).decode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                ok = self.headers.get("Authorization") == expected
                if self.path != "/robots.txt":
                    site.authorised.append((self.headers.get("Host", "").split(":")[0], ok))
                if not ok:
                    return self._send(401, b"<html><title>Login</title></html>")
                port = self.server.server_address[1]
                if self.path == "/":
                    body = (f"<html lang='en'><head><title>Home</title></head><body><main>"
                            f"<h1>Home</h1>"
                            f"<a href='/a?token=S3cretToken&page=1'>Tokened page</a>"
                            f"<a href='http://bob:S3cretLinkPw@127.0.0.1:{port}/b'>Staff page</a>"
                            f"<a href='http://eve:S3cretOffsitePw@localhost:{port}/x'>Partner</a>"
                            f"<a href='/c?api_key=S3cretApiKey'>Data</a>"
                            f"<a href='/d?access_token=S3cretAccess&amp;sig=S3cretSig'>Doc</a>"
                            f"<p>Read the <a href='/a?token=S3cretToken&page=1'>tokened page</a>.</p>"
                            f"</main></body></html>")
                else:
                    body = (f"<html lang='en'><head><title>Page {self.path[:2]}</title></head>"
                            f"<body><main><h1>Page</h1><a href='/'>Home</a></main></body></html>")
                self._send(200, body.encode())

            do_HEAD = do_GET

            def _send(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_redact_keeps_the_shape_and_hides_the_secret():
    assert redact("https://u:p@h.example/x?token=t&page=2&Api_Key=k#top") == \
        "https://REDACTED:REDACTED@h.example/x?token=REDACTED&page=2&Api_Key=REDACTED#top"
    assert redact("<a href='http://u@h/'>") == "<a href='http://REDACTED@h/'>"
    assert redact("mailto:someone@example.gov.uk?subject=x") == "mailto:someone@example.gov.uk?subject=x"
    assert redact("/search?q=autism&page=2") == "/search?q=autism&page=2"
    assert split_credentials("https://u:p%40ss@h:8080/x") == ("https://h:8080/x", "u", "p@ss")


def test_log_lines_are_redacted():
    import logging

    from localoffer_audit.cli import RedactingFormatter

    record = logging.LogRecord("scrapy.core.engine", logging.DEBUG, __file__, 1,
                               "Crawled (%d) <GET %s>", (200, "https://u:S3cretStart@h/?sig=S3cretSig"),
                               None)
    line = RedactingFormatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert line == "DEBUG scrapy.core.engine: Crawled (200) <GET https://REDACTED:REDACTED@h/?sig=REDACTED>"


def test_no_secret_in_log_reports_or_store(tmp_path, write_toml):
    with ProtectedSite() as site:
        start = f"http://{LOGIN[0]}:{LOGIN[1]}@127.0.0.1:{site.port}/"
        config = write_toml(f'[site]\nname = "Protected"\nstart_urls = ["{start}"]\n'
                            f'oruk_url = "http://127.0.0.1:{site.port}/feed?api_key=S3cretFeedKey"\n'
                            '[crawl]\ndelay = 0\n')
        out = tmp_path / "out"
        result = run_cli("audit", str(config), "--out", str(out), "--no-progress", "-v")
        authorised = list(site.authorised)
    assert result.returncode == 0, result.stderr[-3000:]
    # the login was sent (as a header) to the audited host, and only there
    assert {ok for host, ok in authorised if host == "127.0.0.1"} == {True}, authorised
    assert {ok for host, ok in authorised if host == "localhost"} == {False}, authorised
    # ... and no secret is anywhere: stdout, the verbose log, any output file, the store
    outputs = {"stdout": result.stdout, "log": result.stderr}
    assert "INFO scrapy" in result.stderr  # the verbose log really was written
    for path in out.rglob("*"):
        if path.is_file():
            outputs[str(path)] = path.read_bytes().decode("latin-1")
    db = out / "localoffer-audit.sqlite"
    con = sqlite3.connect(db)
    outputs["sql dump"] = "\n".join(con.iterdump())
    outputs["page bodies"] = "\n".join(zlib.decompress(body).decode("latin-1") for (body,) in
                                       con.execute("SELECT body FROM pages WHERE body IS NOT NULL"))
    formats = {path.suffix for path in out.iterdir()}
    assert {".html", ".jsonl", ".json", ".sarif", ".md", ".xml"} <= formats, formats
    for where, text in outputs.items():
        for secret in SECRETS:
            assert secret not in text, (secret, where)
    # LNK312 still reports the links that carry a login, without printing it
    logins = con.execute("SELECT target, message FROM findings WHERE rule = 'LNK312'").fetchall()
    targets = sorted(t for t, _ in logins)
    assert targets == [f"http://REDACTED:REDACTED@127.0.0.1:{site.port}/b",
                       f"http://REDACTED:REDACTED@localhost:{site.port}/x"], logins
    assert all("a user name and password" in message for _, message in logins)
    # the start URL is stored without its login, so the run is findable and resumable
    assert con.execute("SELECT start_urls FROM runs").fetchone()[0] == \
        f'["http://127.0.0.1:{site.port}/"]'
    con.close()


# The fast paths in urls.redact (cheap checks that skip a pattern which cannot match) must
# change nothing: compared with the three substitutions applied unconditionally.
def _redact_reference(text: str) -> str:
    from localoffer_audit import urls

    if "@" not in text and "=" not in text and ":" not in text:
        return text
    text = urls._SECRET_ITEM.sub(
        lambda m: f"{m.group(1)}{m.group(2)}{urls.REDACTED}{m.group(2)}", text)
    return urls._QUERY_VALUE.sub(urls._redact_value,
                                 urls._USERINFO.sub(urls._redact_userinfo, text))


_PIECES = ["pass", "PASS", "word", "wd", "token", "Secret", "api_key", "APIKEY", "api", "key",
           "Authorization", "\u0130", "\u0131", "\u017f", "\u212a", ":", "=", " ", "'", '"', "\t",
           "@", "/", "?", "&", ";", "#", "<", "x", "1", ".", "-", "://", "http://u:p@h/",
           "?token=", "&sig=", "&amp;"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_redact_fast_paths_change_nothing(text):
    assert redact(text) == _redact_reference(text)
