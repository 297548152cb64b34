"""Build into a sibling folder and swap it in only when the whole build succeeded, so a failed
build (an error, or a warning under --strict) never leaves a half-written site."""

from __future__ import annotations

import logging
import os
import shutil


class _CountWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class Staging:
    def __init__(self, site_dir: str, strict: bool) -> None:
        self.site_dir = site_dir
        self.staging_dir = f"{site_dir.rstrip(os.sep)}.kb-staging-{os.getpid()}"
        shutil.rmtree(self.staging_dir, ignore_errors=True)
        self.warnings: _CountWarnings | None = None
        if strict:
            self.warnings = _CountWarnings()
            logging.getLogger("mkdocs").addHandler(self.warnings)

    def commit(self) -> bool:
        """Swap the staged site in; False when strict mode is about to fail the build."""
        if self.warnings is not None and self.warnings.count:
            return False  # MkDocs aborts right after us under --strict: keep the old site
        old = f"{self.site_dir.rstrip(os.sep)}.kb-old-{os.getpid()}"
        if os.path.exists(self.site_dir):
            os.replace(self.site_dir, old)
        os.replace(self.staging_dir, self.site_dir)
        shutil.rmtree(old, ignore_errors=True)
        return True

    def discard(self) -> None:
        shutil.rmtree(self.staging_dir, ignore_errors=True)

    def close(self) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            self.warnings = None
        if os.path.exists(self.staging_dir):
            self.discard()
