"""The engine fixture folders served on loopback and rendered for real, once per test worker.

Every folder of tests/fixtures/pages/accessibility/ whose expected.json says "engine": "axe" is
served on 127.0.0.1; ONE audit with `--a11y-engine axe` (Debian's Chromium, one browser process)
renders all their pages, runs axe-core and the scripted probes, and the check stage turns the
stored measurements into findings. The GIFs the pages show are drawn here with Pillow (GIFS), so
no binary file is kept in the fixtures. HANG_PAGE is not a fixture of one rule: its script hangs
on the first key press, which runs the probes out of time (tests/test_a11y_engine_fixtures.py).

Tests that use the audit carry the xdist group ENGINE_GROUP (`make test` runs pytest with
`--dist loadgroup`), so the browser renders the fixtures once, not once per worker.
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

FIXTURES = Path(__file__).parent / "fixtures" / "pages" / "accessibility"
ENGINE_GROUP = "a11y-engine-fixtures"
# name -> (frames, ms per frame, loop): loop None plays once, 0 for ever, n plays n + 1 times.
GIFS = {"loop-for-ever.gif": (4, 250, 0), "three-plays-of-3s.gif": (6, 500, 2),
        "one-play-of-2s.gif": (4, 500, None), "still.gif": (1, 0, None)}
HANG_PAGE_PATH = "/hang-on-key.html"
HANG_PAGE = ("<!DOCTYPE html><html lang='en'><head><title>Hang</title></head><body><main>"
             "<h1>Hang on a key</h1><p><a href='/a'>Apply</a> <img src='/images/still.gif'></p>"
             "</main><script>document.addEventListener('keydown', () => { for (;;) {} });"
             "</script></body></html>")


def engine_cases() -> list[tuple[str, str]]:
    """(rule code, file name) of every page in an engine folder."""
    cases = []
    for folder in sorted(FIXTURES.iterdir()):
        if folder.is_dir():
            spec = json.loads((folder / "expected.json").read_text("utf-8"))
            if spec.get("engine"):
                cases.extend((folder.name, name) for name in sorted(spec["files"]))
    return cases


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
        if self.path == HANG_PAGE_PATH:
            return self._send(HANG_PAGE.encode(), "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, content_type: str):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="session")
def a11y_engine_fixture_audit(tmp_path_factory):
    """One audit of every engine fixture page (and the hanging page): findings by URL path."""
    FixtureHandler.gifs = {name: _gif(*spec) for name, spec in GIFS.items()}
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(FixtureHandler, directory=str(FIXTURES)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    paths = [f"/{code}/{name}" for code, name in engine_cases()] + [HANG_PAGE_PATH]
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
        server.server_close()
    assert result.returncode in (0, 1), result.stderr[-2000:]
    by_path: dict[str, list[dict]] = {}
    for line in (out / "findings.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            finding = json.loads(line)
            by_path.setdefault(finding["url"].removeprefix(base), []).append(finding)
    return by_path
