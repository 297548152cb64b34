"""axe-core on every screen of the wizard, with and without the error summary, in the light
and the dark scheme, with and without an endpoint; the error summary takes focus and its
links move focus to the field."""

from __future__ import annotations

import pytest

from testkit.wizard_driver import FLOWS, WizardDriver

pytestmark = pytest.mark.browser


def settled(axe):
    """axe after the page's transitions finished: the theme's back-to-top button fades in as
    the keyboard scrolls, and half-faded text is not what anyone reads."""

    def run(page) -> list:
        page.evaluate("document.getAnimations().forEach((a) => a.finish())")
        return axe(page)

    return run


def _collect(drv: WizardDriver, axe, plan: dict, found: dict[str, list], errors_too: bool, tag: str = "") -> list[str]:
    axe = settled(axe)

    def check(sid: str) -> None:
        if drv.kind() == "kb":
            drv.page.wait_for_selector(".kb-wz-count:not(:empty)")
        if errors_too and drv.kind() == "question" and f"{sid} (errors)" not in found and not _answered(drv):
            # First visit, nothing answered: Continue shows the error summary (if one is needed).
            drv.press_continue()
            if drv.page.query_selector(".kb-wz-errors"):
                found[f"{sid} (errors)"] = axe(drv.page)
            elif drv.step() != sid:
                drv.page.go_back()
                drv.page.wait_for_selector(f".kb-wz[data-step='{sid}']")
        if drv.kind() == "question":
            drv.answer_only(plan)  # the screen with every question it reveals, and its notices
        found[f"{sid}{tag}"] = axe(drv.page)

    return drv.run(plan, on_page=check)


def _answered(drv: WizardDriver) -> bool:
    return drv.page.evaluate(
        "[...document.querySelectorAll('.kb-wz input, .kb-wz textarea')]"
        ".some(e => (e.type === 'radio' || e.type === 'checkbox') ? e.checked : e.value !== '')"
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_screen(browser, serve, shipped_site, axe, scheme):
    ctx = browser.new_context(color_scheme=scheme)
    page = ctx.new_page()
    drv = WizardDriver(page, serve(shipped_site))
    found: dict[str, list] = {}
    flows = (
        ["P1", "partner", "not_covered", "special_services", "escalation"]
        if scheme == "light"
        else ["P1", "escalation"]
    )
    for name in flows:
        drv.open()
        _collect(drv, axe, FLOWS[name], found, errors_too=(name == "P1"), tag=f" ({name})")
    # "None of these" and a statement both ticked: the error summary on the checkbox screen.
    drv.open()
    drv.run(FLOWS["P1"], until="scope")
    drv.tick("input[data-question=hardware]", True)
    drv.tick("input[value=__none__]", True)
    drv.press_continue()
    found["scope (none and a statement)"] = settled(axe)(page)
    ctx.close()
    assert {
        "start (errors)",
        "problem (errors)",
        "contact (errors)",
        "sent (P1)",
        "sent (escalation)",
    } <= set(found)
    assert len(found) > (40 if scheme == "light" else 20)
    bad = {k: v for k, v in found.items() if v}
    assert bad == {}


def test_axe_finds_nothing_on_the_desk_confirmations(page, desk_server, axe):
    base, desk = desk_server
    desk.reset()
    drv = WizardDriver(page, base)
    found = {}
    for plan, outcome in [
        (["ok"], "text=We received your request."),
        (["redirect"], "text=We could not send your request"),
    ]:
        desk.plan[:] = plan
        drv.open()
        drv.run(FLOWS["P1"])
        page.wait_for_selector(outcome, timeout=15000)
        found[plan[0]] = settled(axe)(page)
    assert found == {"ok": [], "redirect": []}


def test_error_summary_focus_and_links(wizard):
    wizard.run(FLOWS["P1"], until="contact")
    wizard.type_into("email", "not an email")
    wizard.press_continue()
    summary = wizard.page.query_selector(".kb-wz-errors")
    assert summary is not None and wizard.active(".kb-wz-errors")
    assert wizard.page.get_attribute(".kb-wz-errors", "role") == "alert"
    links = wizard.page.eval_on_selector_all(
        ".kb-wz-errors a", "els => els.map(e => [e.getAttribute('href'), e.textContent])"
    )
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


def test_progress_and_heading_are_read_together(wizard):
    assert wizard.active("h1")  # each screen starts at its heading ...
    described = wizard.page.get_attribute("h1", "aria-describedby")
    assert wizard.page.inner_text(f"#{described}").startswith("Step 1 of ")  # ... which names the step


def test_optional_fields_say_so(wizard):
    wizard.run(FLOWS["P1"], until="problem")
    labels = wizard.page.eval_on_selector_all(".kb-wz label.kb-wz-label", "els => els.map(e => e.textContent)")
    assert "How can we make it happen again? (optional)" in labels and "Summary in one line" in labels


@pytest.mark.parametrize("width", [320, 390])
def test_no_screen_is_wider_than_a_phone(browser, serve, shipped_site, width):
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    drv = WizardDriver(ctx.new_page(), serve(shipped_site))
    wide: dict[str, int] = {}

    def measure(sid: str) -> None:
        if drv.kind() == "question":
            drv.answer_only(plan)  # with every question and notice the answers reveal
        got = drv.page.evaluate("document.documentElement.scrollWidth")
        if got > width:
            wide[f"{name}/{sid}"] = got

    for name in ["P1", "partner", "not_covered", "special_services", "escalation"]:
        plan = FLOWS[name]
        drv.open()
        drv.run(plan, on_page=measure)
    ctx.close()
    assert wide == {}
