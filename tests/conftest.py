"""Shared fixtures. Everything runs on loopback: tests build their own sites."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def write_toml(tmp_path):
    def write(text: str, name: str = "site.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, "utf-8")
        return path
    return write
