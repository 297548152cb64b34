"""Drafts: a reload at every page loses nothing; damaged or edited drafts are discarded with
a message; a draft from an older policy is migrated and says what to answer again."""

from __future__ import annotations

import json

import pytest

from testkit.wizard_driver import FLOWS

pytestmark = pytest.mark.browser


def _reload(wizard) -> None:
    wizard.page.reload()
    wizard.wait()


def test_reload_at_every_page_loses_no_answer(wizard, page_errors):
    plan = FLOWS["special_services"] | {"errors": "E42: <scanner> \"busy\""}
    pages = []
    for _ in range(80):
        sid, kind = wizard.step(), wizard.kind()
        pages.append(sid)
        if kind == "confirmation":
            break
        if kind == "question":
            # Answer, reload before Continue: the answer is still there.
            wizard.answer_only(plan)
            before = wizard.page.evaluate("JSON.stringify([...document.querySelectorAll('.kb-wz input, .kb-wz textarea')].map(e => [e.id, e.type === 'radio' || e.type === 'checkbox' ? e.checked : e.value]))")
            _reload(wizard)
            assert wizard.step() == sid
            after = wizard.page.evaluate("JSON.stringify([...document.querySelectorAll('.kb-wz input, .kb-wz textarea')].map(e => [e.id, e.type === 'radio' || e.type === 'checkbox' ? e.checked : e.value]))")
            assert after == before, f"page {sid} lost an answer on reload"
        wizard.answer(plan)
        # And after Continue: the reload lands on the same next page.
        nxt = wizard.step()
        _reload(wizard)
        assert wizard.step() == nxt, f"reload after {sid} went to {wizard.step()}, not {nxt}"
    assert pages[-1] == "sent"
    assert len(pages) > 35
    assert wizard.payload()["problem"]["error_messages"] == plan["errors"]
    assert wizard.payload()["classification"]["eligibility"] == "special_services"
    assert page_errors(wizard.page) == []


def _set_draft(wizard, text: str) -> None:
    wizard.page.evaluate("(t) => localStorage.setItem('kb.request.draft', t)", text)
    _reload(wizard)


@pytest.mark.parametrize("damage, reason", [
    ("{not json", "could not be read"),
    ('{"format": "something-else"}', "is not a saved request"),
    ("EDIT", "was changed outside this page"),
    ("VERSION", "format this page does not read"),
    ("TYPES", "was changed outside this page"),
])
def test_damaged_draft_is_discarded_with_a_message(wizard, damage, reason, page_errors):
    wizard.run(FLOWS["P1"], until="version")
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
    assert wizard.step() == "kind"
    assert wizard.draft()["state"]["answers"] == {}
    assert wizard.page.evaluate("window.__xssHits || 0") == 0
    assert page_errors(wizard.page) == []


def test_draft_of_an_older_policy_is_migrated(wizard):
    wizard.run(FLOWS["P1"], until="environment")
    # The same answers, saved under an older policy in which version 9.9 existed: re-encode
    # with the page's own draft module so the checksum is right.
    wizard.page.evaluate("""async () => {
        const d = await import(new URL('../assets/intake/wizard/draft.js', location.href).href);
        const old = d.read();
        old.state.answers.version = '9.9';
        localStorage.setItem(d.KEY, d.encode(old.state, {policy_version: '2020.1', form_version: 1}));
    }""")
    _reload(wizard)
    notice = wizard.page.inner_text(".kb-wz-notice")
    assert "policy changed" in notice and "Which version are you using?" in notice
    assert wizard.step() == "version"  # the first question to answer again
    state = wizard.draft()["state"]
    assert "version" not in state["answers"] and state["answers"]["product"] == "psicapture"
    assert wizard.draft()["policy_version"] != "2020.1"


def test_start_again_clears_the_draft(wizard):
    wizard.run(FLOWS["P1"], until="summary")
    wizard.tab_to(".kb-wz-restart button")
    wizard.page.keyboard.press("Enter")
    wizard.page.wait_for_selector(".kb-wz[data-step=kind]")
    assert wizard.draft()["state"]["answers"] == {}
    _reload(wizard)
    assert wizard.step() == "kind"
    assert not wizard.page.is_checked(".kb-wz input[value=new]")


def test_deep_link_to_an_unanswered_question_goes_to_the_next_gap(wizard):
    wizard.run(FLOWS["P1"], until="version")
    wizard.page.goto(wizard.base + "request/#step=contact")
    wizard.wait()
    assert wizard.step() == "version"
    wizard.page.goto(wizard.base + "request/#step=product")
    wizard.wait()
    assert wizard.step() == "product"  # answered pages can be linked to


def test_draft_survives_a_closed_tab(wizard):
    wizard.run(FLOWS["P1"], until="summary")
    wizard.type_into("summary", "Typed, never continued")
    ctx = wizard.page.context
    wizard.page.close()
    page = ctx.new_page()
    from testkit.wizard_driver import WizardDriver

    again = WizardDriver(page, wizard.base)
    page.goto(wizard.base + "request/")
    again.wait()
    # The typed answer was kept, so the form resumes at the first page still to do.
    assert again.step() == "kb"
    assert again.draft()["state"]["answers"]["summary"] == "Typed, never continued"
    assert page.input_value("#kb-wz-q") == "Typed, never continued"
