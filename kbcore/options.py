"""MkDocs config options shared by the help-center plugins: declared once, checked at load.

`PluginConfig` is the base of every plugin's config class: MkDocs 1.6 stops at a plugin's
first bad option; this reports every bad one at once (`Plugin 'kb' option 'nav_window': ...`)
and names a misspelt option with a did-you-mean. The option types add the bounds and shapes
MkDocs' built-in options lack.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from .problems import did_you_mean


class PluginConfig(Config):
    def validate(self) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        failed, warnings = self._pre_validate()
        for key, option in self._schema:
            try:
                self[key] = option.validate(self.get(key))
                warnings.extend((key, w) for w in option.warnings)
                option.reset_warnings()
            except ValidationError as exc:
                failed.append((key, exc))  # and go on: the writer sees every bad option at once
        for key in sorted(set(self.keys()) - self._schema_keys):
            warnings.append((key, f"unknown option{did_you_mean(key, self._schema_keys)}"))
        if not failed:
            post_failed, post_warnings = self._post_validate()
            failed.extend(post_failed)
            warnings.extend(post_warnings)
        return failed, warnings


class Number(c.BaseConfigOption[float]):
    """A number (an integer with `integer=True`) within [lo, hi]; booleans are refused."""

    def __init__(
        self,
        lo: float | None = None,
        hi: float | None = None,
        *,
        default: float,
        integer: bool = False,
        above: bool = False,
    ) -> None:
        super().__init__()
        self.lo, self.hi, self.integer, self.above = lo, hi, integer, above
        self.default = default

    def run_validation(self, value: object) -> Any:
        kinds = (int,) if self.integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise ValidationError(f"expected {'an integer' if self.integer else 'a number'}, got {value!r}")
        if self.lo is not None and (value <= self.lo if self.above else value < self.lo):
            raise ValidationError(f"must be {'more than' if self.above else 'at least'} {self.lo}, got {value}")
        if self.hi is not None and value > self.hi:
            raise ValidationError(f"must be at most {self.hi}, got {value}")
        return value


class Endpoint(c.Type[str]):
    """A URL the site's browser code sends to: empty (none), http(s)://..., or a site path '/...'."""

    def __init__(self) -> None:
        super().__init__(str, default="")

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        if text and not text.startswith(("https://", "http://", "/")):
            raise ValidationError(f"must be an http(s) URL or a site path starting with '/', got '{text}'")
        if any(ch.isspace() or ord(ch) < 32 for ch in text):
            raise ValidationError(f"must not contain spaces or control characters, got {text!r}")
        return text


class MailAddress(c.Type[str]):
    """An email address for a `mailto:` link, or empty (no email link)."""

    def __init__(self) -> None:
        super().__init__(str, default="")

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        if text and ("@" not in text or any(ch in text for ch in "<>\"' ?&,;") or any(ord(ch) < 32 for ch in text)):
            raise ValidationError(f"not an email address: {text!r}")
        return text
