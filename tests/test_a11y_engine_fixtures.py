"""Fixture pages of the real-browser engine's probe rules (A11Y570-A11Y578), rendered for real.

Every folder of tests/fixtures/pages/accessibility/ whose expected.json says "engine": "axe" is
served on loopback; ONE audit with `--a11y-engine axe` (Debian's Chromium, one browser process)
renders all their pages, runs axe-core and the scripted probes, and the check stage turns the
stored measurements into findings. Each page must then have exactly `count` findings of its
folder's rule. The GIFs the pages show are drawn here with Pillow (GIFS).

The A11Y578 fail page breaks the probes on purpose (it defines window.__lo itself), and a page
whose script hangs on the first key press runs the probes out of time: the audit must still
succeed, keep axe-core's results for those pages and report the rest of the site.
"""

from __future__ import annotations

import functools
import io
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from support import run_cli
from test_a11y_engine import _browser_missing

FIXTURES = Path(__file__).parent / "fixtures" / "pages" / "accessibility"
# name -> (frames, ms per frame, loop): loop None plays once, 0 for ever, n plays n + 1 times.
GIFS = {"loop-for-ever.gif": (4, 250, 0), "three-plays-of-3s.gif": (6, 500, 2),
        "one-play-of-2s.gif": (4, 500, None), "still.gif": (1, 0, None)}
HANG_PAGE = ("<!DOCTYPE html><html lang='en'><head><title>Hang</title></head><body><main>"
             "<h1>Hang on a key</h1><p><a href='/a'>Apply</a> <img src='/images/still.gif'></p>"
             "</main><script>document.addEventListener('keydown', () => { for (;;) {} });"
             "</script></body></html>")

pytestmark = pytest.mark.skipif(_browser_missing() is not None, reason=_browser_missing() or "")


def _engine_folders() -> list[Path]:
    return [folder for folder in sorted(FIXTURES.iterdir()) if folder.is_dir()
            and json.loads((folder / "expected.json").read_text("utf-8")).get("engine")]


def _cases() -> list[tuple[str, str]]:
    return [(folder.name, name) for folder in _engine_folders()
            for name in sorted(json.loads((folder / "expected.json").read_text("utf-8"))["files"])]


def _gif(frames: int, ms: int, loop: int | None) -> bytes:
    from PIL import Image

    images = [Image.new("RGB", (40, 40), color=(i * 60 % 256, 120, 255 - i * 60 % 256))
              for i in range(frames)]
    out = io.BytesIO()
    options = {"save_all": frames > 1, "append_images": images[1:]}
    if frames > 1:
        options["duration"] = ms
    if loop is not None:
        options["loop"] = loop
    images[0].save(out, format="GIF", **options)
    return out.getvalue()


class FixtureHandler(SimpleHTTPRequestHandler):
    gifs: dict[str, bytes] = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1]
        if self.path.startswith("/images/") and name in self.gifs:
            return self._send(self.gifs[name], "image/gif")
        if self.path == "/hang-on-key.html":
            return self._send(HANG_PAGE.encode(), "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, content_type: str):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """One audit of every engine fixture page (and the hanging page): findings by URL path."""
    FixtureHandler.gifs = {name: _gif(*spec) for name, spec in GIFS.items()}
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(FixtureHandler, directory=str(FIXTURES)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    paths = [f"/{code}/{name}" for code, name in _cases()] + ["/hang-on-key.html"]
    work = tmp_path_factory.mktemp("engine-fixtures")
    config = work / "fixtures.toml"
    config.write_text("\n".join([
        "[site]", 'name = "engine fixtures"',
        "start_urls = [" + ", ".join(json.dumps(base + p) for p in paths) + "]", "",
        "[crawl]", "max_depth = 0", "read_sitemaps = false", "offsite_check = false",
        "a11y_engine_timeout = 10", ""]), "utf-8")
    out = work / "out"
    try:
        result = run_cli("audit", str(config), "--out", str(out), "--a11y-engine", "axe",
                         "--delay", "0", "--no-progress", timeout=240)
    finally:
        server.shutdown()
    assert result.returncode in (0, 1), result.stderr[-2000:]
    by_path: dict[str, list[dict]] = {}
    for line in (out / "findings.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            finding = json.loads(line)
            by_path.setdefault(finding["url"].removeprefix(base), []).append(finding)
    return by_path


@pytest.mark.parametrize("code, name", _cases())
def test_engine_fixture_page(audited, code, name):
    want = json.loads((FIXTURES / code / "expected.json").read_text("utf-8"))["files"][name]
    found = [f for f in audited.get(f"/{code}/{name}", []) if f["rule"] == code]
    assert len(found) == want["count"], [f["message"] for f in found]
    messages = " | ".join(f["message"] for f in found)
    for text in want.get("message_has", []):
        assert text in messages, (text, messages)
    for finding in found:
        assert finding["extra"]["engine"] == "axe" and finding["extra"]["probe"]


def test_every_page_was_rendered_and_checked_by_axe(audited):
    """No page failed in the browser, the ones whose probes broke included (axe-core's results
    are kept), and the hanging page's other checks still ran (its image has no alt)."""
    failed = [(url, f["message"]) for url, fs in audited.items() for f in fs
              if f["rule"] == "A11Y590"]
    assert not failed, failed
    assert {f["rule"] for f in audited["/hang-on-key.html"]} >= {"A11Y578", "A11Y507"}


def test_a_probe_timeout_is_a_notice_naming_the_probes(audited):
    notices = [f for f in audited["/hang-on-key.html"] if f["rule"] == "A11Y578"]
    assert len(notices) == 1 and notices[0]["severity"] == "notice"
    errors = notices[0]["extra"]["errors"]
    assert "focus" in errors or "probes" in errors, errors
