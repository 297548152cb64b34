"""Hostile text in every text field: nothing runs, everything is shown as the text it is
(check answers, confirmation), or refused with a clear message."""

from __future__ import annotations

import pytest

from testkit.wizard_driver import FLOWS

pytestmark = pytest.mark.browser

HOSTILE = [
    "<script>__xss(1)</script>",
    "<img src=x onerror=__xss(2)>",
    '"><svg onload=__xss(3)>',
    '\'><iframe src="javascript:__xss(4)">',
    "javascript:__xss(5)",
    '<a href="javascript:__xss(6)">click me</a>',
    "</script><script>__xss(7)</script>",
    "<!-- unterminated comment",
    "{{constructor.constructor('__xss(9)')()}}",
    "${__xss(10)}",
    "<details open ontoggle=__xss(11)>",
    "<body onload=__xss(12)>",
    "<style>*{display:none}</style>",
    "&lt;b&gt;entity&lt;/b&gt; &amp; &#60;script&#62;",
    "' OR 1=1 --",
    '\\"; __xss(16); //',
    "A" * 100_000,
    "🙂👩‍💻🏳️‍🌈 emoji",
    "مرحبا بالعالم \u202eevil\u202c",
    "a\u0000b\u0001c\u0007d\u001b[31m",
    "line1\r\nline2\n\ttabbed",
    "lone \ud800 surrogate",
    "\u200b\u200d\ufeff",
    "first\u2028second\u2029third\u0085fourth",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss(24)>",
    "<svg><animate onbegin=__xss(25) attributeName=x dur=1s>",
    "<input autofocus onfocus=__xss(26)>",
    '<object data="data:text/html,<script>__xss(27)</script>">',
    "%3Cscript%3E__xss(28)%3C/script%3E",
    "[x](javascript:__xss(29))",
    "<marquee onstart=__xss(30)>",
    "\\u003cscript\\u003e__xss(31)",
    "x" * 1000 + "<b>",
    "   ",
    '<base href="//evil.example/">',
]

# The screens with text fields, and their fields.
NEW_PAGES = {
    "product": ["contract_id"],
    "problem": [
        "summary",
        "description",
        "steps",
        "errors",
        "env_os",
        "env_db",
        "env_app",
        "env_browser",
    ],
    "contact": ["name", "email", "organisation"],
}
ESC_PAGES = {
    "start": ["esc_reference"],
    "esc_reason": ["esc_justification"],
    "contact": ["name", "email", "organisation"],
}
DANGER = ", ".join(
    f".kb-wz {tag}"
    for tag in (
        "script",
        "img",
        "iframe",
        "svg",
        "object",
        "details",
        "marquee",
        "math",
        "style",
        "base",
        "a[href^='javascript']",
        "input[autofocus]",
    )
)


def _go(drv, step: str) -> None:
    drv.page.evaluate("(h) => { location.hash = h; }", f"#step={step}&change=1")
    drv.page.wait_for_selector(f".kb-wz[data-step={step}]")


def _continue(drv) -> None:
    before = drv.page.evaluate_handle("document.querySelector('.kb-wz')")
    drv.page.click(".kb-wz-continue")
    drv.page.wait_for_function("(old) => document.querySelector('.kb-wz') !== old", arg=before)


def _round(drv, pages: dict[str, list[str]], plan: dict, text: str) -> dict[str, str]:
    """Type `text` into every field; return {field: value kept} for the accepted ones."""
    kept: dict[str, str] = {}
    for step, fids in pages.items():
        _go(drv, step)
        values = {}
        for fid in fids:
            drv.page.fill(f"#f-{fid}", text)
            values[fid] = drv.page.input_value(f"#f-{fid}")  # what the browser kept (an input drops line breaks)
        _continue(drv)
        if drv.page.query_selector(".kb-wz-errors"):
            # Refused: a clear message per field, shown as text, and the page is still this one.
            assert drv.step() == step
            msgs = drv.page.eval_on_selector_all(".kb-wz-errors a", "els => els.map(e => e.textContent)")
            assert msgs and all(("Enter" in m or "must be" in m) for m in msgs), msgs
            bad = {
                a.split("#f-")[1]
                for a in drv.page.eval_on_selector_all(".kb-wz-errors a", "els => els.map(e => e.getAttribute('href'))")
            }
            for fid in fids:
                if fid in bad:
                    drv.page.fill(f"#f-{fid}", str(plan.get(fid, "")))
                else:
                    kept[fid] = values[fid]
            _continue(drv)
            assert not drv.page.query_selector(".kb-wz-errors")
        else:
            kept.update(values)
    return kept


def _trim(drv, text: str) -> str:
    """Trimmed as JavaScript trims (its white space is not Python's: U+FEFF is, U+200B is not)."""
    return drv.page.evaluate("(s) => s.trim()", text)


def _check_round(drv, kept: dict[str, str], confirm_field: str | None) -> None:
    _go(drv, "check")
    for fid, value in kept.items():
        shown = drv.page.eval_on_selector(f"[data-field={fid}] dd", "e => e.textContent")
        expected = value if value.strip() else "Not given"
        assert shown == expected, f"{fid}: shown {shown[:80]!r}, typed {value[:80]!r}"
    assert drv.page.query_selector_all(DANGER) == []
    _continue(drv)  # Accept and send
    assert drv.step() == "sent"
    if confirm_field in kept:
        assert _trim(drv, kept[confirm_field]) in drv.page.eval_on_selector(".kb-wz", "e => e.textContent")
    assert drv.page.query_selector_all(DANGER) == []


@pytest.mark.parametrize("flow, pages, confirm", [("P1", NEW_PAGES, "summary"), ("escalation", ESC_PAGES, None)])
def test_hostile_text_in_every_text_field(wizard, flow, pages, confirm, page_errors, verify_payload):
    dialogs = []
    wizard.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    plan = FLOWS[flow]
    wizard.run(plan)
    accepted = refused = 0
    for text in HOSTILE:
        kept = _round(wizard, pages, plan, text)
        n_fields = sum(len(f) for f in pages.values())
        accepted += len(kept)
        refused += n_fields - len(kept)
        _check_round(wizard, kept, confirm)
        payload = wizard.payload()
        if "summary" in kept:  # one line, as shown (the payload has it trimmed)
            assert payload["problem"]["summary"] == _trim(wizard, kept["summary"])
            assert "\n" not in payload["problem"]["summary"] and "\u2028" not in payload["problem"]["summary"]
        if flow == "P1":  # whatever was typed, the payload is one the project's own schema accepts
            res = verify_payload(payload, wizard.site)
            assert res.returncode == 0, f"{text[:40]!r}: {res.stdout}{res.stderr}"
    assert wizard.page.evaluate("window.__xssHits || 0") == 0
    assert dialogs == []
    assert accepted > 0 and refused > 0  # both paths were exercised
    assert page_errors(wizard.page) == []
    assert len(HOSTILE) >= 30


def test_long_emoji_text_is_cut_between_characters_and_the_payload_verifies(wizard, verify_payload, page_errors):
    """Before, text cut at 200 UTF-16 units could split an emoji (or carry a line break) into a
    one-line field, and the project's own schema refused the payload after "Request sent". A
    200-character summary of emoji, and a KB search of 300 with a line separator, now make a
    payload that verifies, each one-line text whole characters on one line."""
    plan = FLOWS["P1"] | {"summary": "ab" + "👩‍💻" * 66}  # 2 + 66 x 3 = 200 characters
    wizard.run(plan, until="kb")
    query = "Scanner\u2028not detected " + "👩‍💻" * 100
    wizard.page.fill("#kb-wz-q", query)
    wizard.page.keyboard.press("Enter")
    wizard.page.wait_for_function("() => JSON.parse(localStorage.getItem('kb.request.draft')).state.kb.queries[1]")
    wizard.run(plan)
    assert wizard.step() == "sent"
    payload = wizard.payload()
    assert payload["problem"]["summary"] == plan["summary"]
    cut = payload["kb_attempt"]["queries"][-1]
    assert cut.startswith("Scanner not detected 👩‍💻") and cut.endswith("👩‍💻")
    assert len(cut) <= 200 and (len(cut) - len("Scanner not detected ")) % 3 == 0  # whole emoji only
    assert wizard.page.evaluate("(s) => s.isWellFormed()", cut)
    res = verify_payload(payload, wizard.site)
    assert res.returncode == 0, res.stdout + res.stderr
    assert page_errors(wizard.page) == []
