"""Drafts: a reload at every screen loses nothing; damaged or edited drafts are discarded with
a message; a draft from an older policy is migrated and says what to answer again; a draft
saved by the previous wizard (one page per question) is upgraded without losing anything
typed; ids that are JavaScript object keys are data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testkit.wizard_driver import FLOWS, WizardDriver

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).parent / "fixtures"
VALUES = (
    "JSON.stringify([...document.querySelectorAll('.kb-wz input, .kb-wz textarea')]"
    ".map(e => [e.id, e.type === 'radio' || e.type === 'checkbox' ? e.checked : e.value]))"
)


def _reload(wizard) -> None:
    wizard.page.reload()
    wizard.wait()


def test_reload_at_every_screen_loses_no_answer(wizard, page_errors):
    plan = FLOWS["special_services"] | {"errors": 'E42: <scanner> "busy"'}
    pages = []
    for _ in range(30):
        sid, kind = wizard.step(), wizard.kind()
        pages.append(sid)
        if kind == "confirmation":
            break
        if kind == "question":
            # Answer, reload before Continue: every answer is still there.
            wizard.answer_only(plan)
            before = wizard.page.evaluate(VALUES)
            _reload(wizard)
            assert wizard.step() == sid
            assert wizard.page.evaluate(VALUES) == before, f"screen {sid} lost an answer on reload"
        wizard.answer(plan)
        # And after Continue: the reload lands on the same next screen.
        nxt = wizard.step()
        _reload(wizard)
        assert wizard.step() == nxt, f"reload after {sid} went to {wizard.step()}, not {nxt}"
    assert pages[-1] == "sent"
    assert wizard.payload()["problem"]["error_messages"] == plan["errors"]
    assert wizard.payload()["classification"]["eligibility"] == "special_services"
    assert page_errors(wizard.page) == []


def _set_draft(wizard, text: str) -> None:
    wizard.page.evaluate("(t) => localStorage.setItem('kb.request.draft', t)", text)
    _reload(wizard)


@pytest.mark.parametrize(
    "damage, reason",
    [
        ("{not json", "could not be read"),
        ('{"format": "something-else"}', "is not a saved request"),
        ("EDIT", "was changed outside this page"),
        ("VERSION", "format this page does not read"),
        ("TYPES", "was changed outside this page"),
    ],
)
def test_damaged_draft_is_discarded_with_a_message(wizard, damage, reason, page_errors):
    wizard.run(FLOWS["P1"], until="severity")
    good = wizard.draft()
    if damage == "EDIT":  # a hand edit: the checksum no longer matches
        good["state"]["answers"]["product"] = "psiextract"
        text = json.dumps(good)
    elif damage == "VERSION":
        good["version"] = 99
        text = json.dumps(good)
    elif damage == "TYPES":
        good["state"]["answers"] = "<img src=x onerror=__xss(1)>"
        text = json.dumps(good)
    else:
        text = damage
    _set_draft(wizard, text)
    notice = wizard.page.inner_text(".kb-wz-notice")
    assert reason in notice and "start again" in notice.lower()
    assert wizard.step() == "start"
    assert wizard.draft()["state"]["answers"] == {}
    assert wizard.page.evaluate("window.__xssHits || 0") == 0
    assert page_errors(wizard.page) == []


def test_draft_of_an_older_policy_is_migrated(wizard):
    wizard.run(FLOWS["P1"], until="severity")
    # The same answers, saved under an older policy in which version 9.9 existed: re-encode
    # with the page's own draft module so the checksum is right.
    wizard.page.evaluate("""async () => {
        const d = await import(new URL('../assets/intake/wizard/draft.js', location.href).href);
        const old = d.read();
        old.state.answers.version = '9.9';
        const meta = {policy_version: '2020.1', form_version: 2};
        localStorage.setItem(d.KEY, d.encode(old.state, meta));
    }""")
    _reload(wizard)
    notice = wizard.page.inner_text(".kb-wz-notice")
    assert "changed since you saved" in notice and "Which version are you using?" in notice
    assert wizard.step() == "product"  # the screen to answer again
    state = wizard.draft()["state"]
    assert "version" not in state["answers"] and state["answers"]["product"] == "psicapture"
    assert wizard.draft()["policy_version"] != "2020.1"


# Drafts saved by the previous wizard (one page per question), taken from it in a browser.
def _set_old_draft(wizard, text: str, old_page: str) -> None:
    """The previous wizard's draft, and the address its page had (a question id, no screen now)."""
    wizard.page.evaluate("(t) => localStorage.setItem('kb.request.draft', t)", text)
    wizard.page.goto("about:blank")  # the person comes back later, to the old page's address
    wizard.page.goto(wizard.base + f"request/#step={old_page}")
    wizard.wait()


@pytest.mark.parametrize(
    "fixture, old_page, lands_on, again",
    [
        (
            "draft-v1-mid-exclusions.json",
            "database_tuning",
            "problem",
            "Does any of these apply?",
        ),  # description came later then
        ("draft-v1-before-responsibilities.json", "users_trained", "confirm", None),
        ("draft-v1-at-check.json", "check", "check", None),
        (
            "draft-v1-escalation.json",
            "product",
            "contact",
            None,
        ),  # reference, reason and why were given
    ],
)
def test_draft_of_the_previous_wizard_is_upgraded_nothing_typed_lost(
    wizard, fixture, old_page, lands_on, again, page_errors
):
    old = json.loads((FIXTURES / fixture).read_text())
    assert old["version"] == 1 and old["form_version"] == 1
    _set_old_draft(wizard, json.dumps(old), old_page)
    notice = wizard.page.inner_text(".kb-wz-notice")
    assert "The request form changed since you saved your answers" in notice
    if again:
        assert f"Please answer these again: {again}" in notice
    assert wizard.step() == lands_on
    answers = wizard.draft()["state"]["answers"]
    typed = {
        k: v
        for k, v in old["state"]["answers"].items()
        if k
        in (
            "summary",
            "description",
            "steps",
            "env_os",
            "contract_id",
            "name",
            "email",
            "organisation",
            "esc_justification",
        )
    }
    assert {k: answers.get(k) for k in typed} == typed  # every text the customer typed is kept
    if fixture == "draft-v1-at-check.json":
        # The 14 yes/no pages became one list: "onsite" was the one answered yes.
        assert answers["scope"] == ["onsite"]
        assert answers["confirmations"] == [
            "users_trained",
            "kb_attempted",
            "submitter_access",
            "authorised",
        ]
        wizard.run(FLOWS["P1"])
        assert wizard.payload()["classification"]["eligibility"] == "special_services"
        assert wizard.payload()["problem"]["description"] == old["state"]["answers"]["description"]
    if fixture == "draft-v1-escalation.json":
        assert answers["esc_reference"] == old["state"]["answers"]["esc_request_id"]
    assert page_errors(wizard.page) == []


def test_draft_of_the_previous_wizard_with_a_payload_ready_keeps_it(wizard):
    old = json.loads((FIXTURES / "draft-v1-outbox-ready.json").read_text())
    _set_old_draft(wizard, json.dumps(old), "sent")
    assert wizard.step() == "sent"
    assert wizard.payload() == old["state"]["outbox"]["payload"]
    assert wizard.page.inner_text("h1") == "Your request has not been sent yet"


def test_start_again_clears_the_draft(wizard):
    wizard.run(FLOWS["P1"], until="problem")
    wizard.tab_to(".kb-wz-restart button")
    wizard.page.keyboard.press("Enter")
    wizard.page.wait_for_selector(".kb-wz[data-step=start]")
    assert wizard.draft()["state"]["answers"] == {}
    _reload(wizard)
    assert wizard.step() == "start"
    assert not wizard.page.is_checked(".kb-wz input[value=new]")


def test_deep_link_to_an_unanswered_screen_goes_to_the_next_gap(wizard):
    wizard.run(FLOWS["P1"], until="severity")
    wizard.page.goto(wizard.base + "request/#step=contact")
    wizard.wait()
    assert wizard.step() == "severity"
    wizard.page.goto(wizard.base + "request/#step=product")
    wizard.wait()
    assert wizard.step() == "product"  # answered screens can be linked to


@pytest.mark.parametrize(
    "where",
    [
        "#step=constructor",
        "#step=__proto__",
        "#step=toString&change=1",
        "#step=sent&id=__proto__",
        "?article=constructor#step=start",
        "?article=__proto__#step=start",
    ],
)
def test_ids_that_are_javascript_object_keys_are_data(page, serve, shipped_site, where, page_errors):
    base = serve(shipped_site)
    drv = WizardDriver(page, base)
    drv.open()
    drv.run(FLOWS["P1"], until="severity")
    page.goto(base + "request/" + where)
    drv.wait()
    assert drv.step() == ("start" if where.startswith("?") else "severity")
    assert page_errors(page) == []
    if where.startswith("?"):
        article = where.split("=")[1].split("#")[0]
        assert drv.draft()["state"]["article"] == article
        assert f"You came from the article “{article}”" in page.inner_text(".kb-wz-notice")


def test_draft_survives_a_closed_tab(wizard):
    wizard.run(FLOWS["P1"], until="problem")
    wizard.type_into("summary", "Typed, never continued")
    ctx = wizard.page.context
    wizard.page.close()
    page = ctx.new_page()
    again = WizardDriver(page, wizard.base)
    page.goto(wizard.base + "request/")
    again.wait()
    assert again.step() == "problem"
    assert again.draft()["state"]["answers"]["summary"] == "Typed, never continued"
    assert page.input_value("#f-summary") == "Typed, never continued"
