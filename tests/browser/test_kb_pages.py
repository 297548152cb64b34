"""The KB in a real headless Chromium: private by default, quiet console, accessible, feedback widget."""

from __future__ import annotations

import json

import pytest

from testkit.project import build, make_project
from testkit.server import accept, serve

pytestmark = pytest.mark.browser
ARTICLE = "troubleshooting/scanning/scanner-not-detected/"


def only_own_host(requests: list[str], base: str) -> list[str]:
    return [u for u in requests if not (u.startswith(base) or u.startswith("data:") or u.startswith("blob:"))]


@pytest.mark.parametrize("path", ["", ARTICLE, "policies/product-lifecycle/", "troubleshooting/", "404.html"])
def test_pages_request_only_their_own_host_and_log_nothing(page, serve, shipped_site, path):
    base = serve(shipped_site)
    page.goto(base + path, wait_until="networkidle")
    assert page.kb_log.requests, "the page made no request at all?"
    assert only_own_host(page.kb_log.requests, base) == []
    assert page.kb_log.console == [] and page.kb_log.errors == []


@pytest.mark.parametrize("path", ["", ARTICLE, "policies/product-lifecycle/", "404.html"])
def test_pages_have_no_wcag_violations(page, serve, shipped_site, axe, path):
    page.goto(serve(shipped_site) + path, wait_until="networkidle")
    assert axe(page) == []


def test_the_404_page_searches_with_the_keyboard_and_offers_a_request(page, serve, shipped_site):
    base = serve(shipped_site)
    page.goto(base + "404.html", wait_until="networkidle")  # what a static host shows for a miss
    page.locator("#kb-404-q").focus()
    page.keyboard.type("scanner not detected")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=scanner+not+detected")
    first = page.locator("[data-kb-results] a").first
    first.wait_for()
    assert "scanner" in first.inner_text().lower()
    page.goto(base + "404.html", wait_until="networkidle")
    page.get_by_role("link", name="Submit a request").click()
    page.wait_for_url(base + "request/")
    assert page.kb_log.errors == []


def test_feedback_without_endpoint_makes_no_request(page, serve, shipped_site):
    page.goto(serve(shipped_site) + ARTICLE, wait_until="networkidle")
    before = len(page.kb_log.requests)
    page.get_by_role("button", name="Yes").click()
    page.wait_for_timeout(300)
    assert len(page.kb_log.requests) == before
    assert "Thanks" in page.locator(".kb-feedback__thanks").inner_text()
    assert page.get_by_role("button", name="Yes").get_attribute("aria-pressed") == "true"


@pytest.fixture(scope="module")
def feedback_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback")
    cfg = make_project(root, plugin_options={"kb": {"feedback_endpoint": "/api/feedback"}})
    res = build(cfg)
    assert res.returncode == 0, res.stderr
    srv = serve(root / "site", {"/api/feedback": accept(204)})
    yield srv
    srv.stop()


def test_feedback_posts_to_the_configured_endpoint_with_the_keyboard(page, feedback_site):
    feedback_site.posts.clear()
    page.goto(feedback_site.url + ARTICLE, wait_until="networkidle")
    page.get_by_role("button", name="No").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.kb-feedback__thanks').textContent.length > 0")
    page.wait_for_timeout(300)
    assert len(feedback_site.posts) == 1
    got = feedback_site.posts[0]
    body = json.loads(got["body"])
    assert got["path"] == "/api/feedback" and got["type"] == "application/json"
    assert body["article_id"] == "scanner-not-detected" and body["helpful"] is False
    assert body["ts"].endswith("Z")
    # a second visit remembers the vote and does not post again
    page.reload(wait_until="networkidle")
    assert page.get_by_role("button", name="No").is_disabled()
    assert len(feedback_site.posts) == 1


def test_still_need_help_links_to_the_wizard_with_the_article(page, serve, shipped_site):
    page.goto(serve(shipped_site) + ARTICLE)
    href = page.locator("[data-kb-request-link]").get_attribute("href")
    assert href.endswith("request/?article=scanner-not-detected")


@pytest.mark.corpus
@pytest.mark.parametrize(
    "path", ["office-support/", "office-support/profile-picture-not-showing/", "office-support/kb-page-2/"]
)
def test_corpus_pages_are_private_and_quiet(page, serve, corpus_site, path):
    base = serve(corpus_site)
    page.goto(base + path, wait_until="networkidle")
    assert only_own_host(page.kb_log.requests, base) == []
    assert page.kb_log.errors == [] and page.kb_log.console == []
