"""Shared fixtures. Everything runs on loopback: tests build their own sites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from localoffer_audit.demo import DemoServer, generate_site
from localoffer_audit.demo_audit import demo_config_path
from a11y_engine_fixture_site import a11y_engine_fixture_audit  # noqa: F401 (a fixture)
from support import run_cli


@pytest.fixture
def write_toml(tmp_path):
    def write(text: str, name: str = "site.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, "utf-8")
        return path
    return write


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """Generate the demo site, serve it, and audit it once (per test worker) with the README's
    command. Shared by every test that scores against the answer key."""
    root = tmp_path_factory.mktemp("demo")
    key = generate_site(root / "demo-site", pages=300)
    out = root / "out"
    with DemoServer(root / "demo-site" / "site") as server:
        url = f"http://localhost:{server.port}/"
        result = run_cli("audit", url, "--out", str(out), "--concurrency", "8", "--delay", "0",
                         "--config", str(demo_config_path()), "--no-progress")
        requests = list(server.request_log)
    assert result.returncode == 0, result.stderr
    read = lambda name: [json.loads(line) for line in (out / name).read_text("utf-8").splitlines()]
    return {"key": key, "out": out, "stdout": result.stdout, "requests": requests,
            "pages": read("pages.jsonl"), "findings": read("findings.jsonl"),
            "summary": json.loads((out / "summary.json").read_text("utf-8"))}
