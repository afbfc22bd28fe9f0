"""Helpers shared by tests (import as `from support import ...`; pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "localoffer_audit"]


def run_cli(*args: str, env: dict | None = None, timeout: float = 300, cwd=None):
    """Run the real command in a subprocess (the Twisted reactor runs once per process)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout,
                          env=full_env, cwd=cwd)
