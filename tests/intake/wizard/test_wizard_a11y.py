"""axe-core on every page of the wizard, with and without the error summary, in the light
and the dark scheme; the error summary takes focus and its links move focus to the field."""

from __future__ import annotations

import pytest

from testkit.wizard_driver import FLOWS, WizardDriver

pytestmark = pytest.mark.browser


def _collect(drv: WizardDriver, axe, plan: dict, found: dict[str, list], errors_too: bool) -> list[str]:
    def check(sid: str) -> None:
        if sid in found:
            return
        if drv.kind() == "kb":
            drv.page.wait_for_selector(".kb-wz-count:not(:empty)")
        found[sid] = axe(drv.page)
        if errors_too and drv.kind() == "question" and _has_required(drv):
            # First visit, nothing answered yet: Continue shows the error summary.
            drv.press_continue()
            assert drv.page.query_selector(".kb-wz-errors"), f"no error summary on {sid}"
            found[f"{sid} (errors)"] = axe(drv.page)

    return drv.run(plan, on_page=check)


def _has_required(drv: WizardDriver) -> bool:
    labels = drv.page.eval_on_selector_all(".kb-wz legend, .kb-wz label.kb-wz-label", "els => els.map(e => e.textContent.trim())")
    return any(not t.endswith("(optional)") for t in labels)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_page(browser, serve, shipped_site, axe, scheme):
    ctx = browser.new_context(color_scheme=scheme)
    page = ctx.new_page()
    drv = WizardDriver(page, serve(shipped_site))
    found: dict[str, list] = {}
    flows = ["P1", "partner", "not_covered", "special_services", "escalation"] if scheme == "light" else ["P1"]
    for name in flows:
        drv.open()
        _collect(drv, axe, FLOWS[name], found, errors_too=(name == "P1"))
    ctx.close()
    assert "kind (errors)" in found and "contact (errors)" in found and "sent" in found
    assert len(found) > 45
    bad = {k: v for k, v in found.items() if v}
    assert bad == {}


def test_error_summary_focus_and_links(wizard):
    wizard.run(FLOWS["P1"], until="contact")
    wizard.type_into("email", "not an email")
    wizard.press_continue()
    summary = wizard.page.query_selector(".kb-wz-errors")
    assert summary is not None and wizard.active(".kb-wz-errors")
    assert wizard.page.get_attribute(".kb-wz-errors", "role") == "alert"
    links = wizard.page.eval_on_selector_all(".kb-wz-errors a", "els => els.map(e => [e.getAttribute('href'), e.textContent])")
    assert links == [
        ["#f-name", "Enter an answer to “Full name”"],
        ["#f-email", "Enter an email address in the correct format, like name@example.com"],
        ["#f-organisation", "Enter an answer to “Organisation”"],
    ]
    assert wizard.page.title().startswith("Error: ")
    # No native validation bubble: the form says novalidate.
    assert wizard.page.get_attribute(".kb-wz form", "novalidate") is not None
    # Each message is also at its field, tied to it for screen readers.
    assert "f-email-error" in wizard.page.get_attribute("#f-email", "aria-describedby")
    assert wizard.page.get_attribute("#f-email", "aria-invalid") == "true"
    wizard.tab_to(".kb-wz-errors a[href='#f-email']")
    wizard.page.keyboard.press("Enter")
    assert wizard.active("#f-email")
    assert wizard.step() == "contact"  # the link moved focus, not the page


def test_optional_fields_say_so(wizard):
    wizard.run(FLOWS["P1"], until="steps")
    assert wizard.page.inner_text(".kb-wz h1").endswith("(optional)")
    wizard.press_continue()  # empty is fine
    assert wizard.step() == "errors"
