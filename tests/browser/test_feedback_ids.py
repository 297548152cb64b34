"""kbtools/theme/assets/kb/feedback.js with article ids that are JavaScript object keys: an
id "constructor" (a valid article id) or "__proto__" is data, never the object's prototype.
Before, `id in remembered()` was true for "constructor" and the widget came up disabled."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser
ARTICLE = "troubleshooting/scanning/scanner-not-detected/"


@pytest.mark.parametrize("article_id", ["constructor", "__proto__", "toString", "hasOwnProperty"])
def test_feedback_widget_with_an_object_key_id_works_and_remembers(page, serve, shipped_site, article_id):
    base = serve(shipped_site)
    html = (shipped_site / ARTICLE / "index.html").read_text(encoding="utf-8")
    assert 'data-article-id="scanner-not-detected"' in html
    page.route(
        f"{base}{ARTICLE}",
        lambda r: r.fulfill(
            status=200,
            content_type="text/html",
            body=html.replace('data-article-id="scanner-not-detected"', f'data-article-id="{article_id}"'),
        ),
    )
    page.goto(base + ARTICLE)
    yes = page.get_by_role("button", name="Yes")
    assert yes.is_enabled() and yes.get_attribute("aria-pressed") != "true"  # not taken for an answer already given
    yes.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.kb-feedback__thanks').textContent.length > 0")
    stored = json.loads(page.evaluate("localStorage.getItem('kb.feedback.v1')"))
    assert stored == {article_id: True}
    page.reload()
    assert page.get_by_role("button", name="Yes").get_attribute("aria-pressed") == "true"  # remembered as data
    assert page.get_by_role("button", name="No").is_disabled()
    assert page.kb_log.errors == []
