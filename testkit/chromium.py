"""Debian's Chromium as every test, screenshot run and benchmark starts it (one set of flags)."""

from __future__ import annotations

from typing import Any

CHROMIUM = "/usr/bin/chromium"
# No sandbox (containers), no GPU (no display), and nothing that talks to Google on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def launch(pw: Any) -> Any:
    """A headless Chromium from a started Playwright (`sync_playwright().start()` or its `with`)."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
