"""What the HTTP forwarders share: one httpx client and the mapping of answers to Retry/Reject."""

from __future__ import annotations

from typing import Any

import httpx

from . import Reject, Retry


def client(base_url: str, user: str, token: str, timeout: float) -> httpx.Client:
    return httpx.Client(
        base_url=base_url.rstrip("/"),
        auth=(user, token),
        timeout=timeout,
        headers={"Accept": "application/json"},
        follow_redirects=False,
    )


def call(http: httpx.Client, method: str, url: str, **kw: Any) -> Any:
    """The JSON answer of one call; Retry on timeouts, network errors, 408/429/5xx; Reject on other 4xx."""
    try:
        res = http.request(method, url, **kw)
    except httpx.TimeoutException as exc:
        raise Retry(f"{method} {url}: no answer within the timeout ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise Retry(f"{method} {url}: {type(exc).__name__}: {exc}") from exc
    if res.status_code in (408, 429) or res.status_code >= 500:
        raise Retry(f"{method} {url}: {res.status_code} {res.text[:300]}")
    if res.status_code >= 400:
        raise Reject(f"{method} {url}: {res.status_code} {res.text[:300]}")
    try:
        return res.json()
    except ValueError:
        raise Retry(f"{method} {url}: {res.status_code} but the answer is not JSON") from None
