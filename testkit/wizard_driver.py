"""Drive the request wizard in a real browser with the keyboard alone (Playwright).

Owns: walking the wizard's screens from a plan of answers keyed by the policy's question ids
and the form's field ids (never by the wizard's wording), pressing only Tab, arrows, Space,
Enter and typed characters, the way a keyboard user does. A screen shows several questions
and reveals some as earlier ones are answered; a checkbox statement (`data-question`,
`data-ticked`) is ticked when the plan gives its question that answer. Used by the browser
tests (tests/intake/wizard/), the desk's end-to-end test and `python -m
testkit.wizard_screenshots`. Does not own any assertion about the policy: callers check what
the pages and payloads say.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

EXCLUSIONS = (
    "modified",
    "not_per_documentation",
    "third_party_software",
    "incompatible_integration",
    "compatibility_consulting",
    "unintended_use",
    "onsite",
    "systems_engineering",
    "database_tuning",
    "usage_assistance",
    "hardware",
    "custom_extension",
    "outside_hours",
)
NO_EXCLUSIONS = {q: "no" for q in EXCLUSIONS} | {"reproducible": "yes"}

# The P1 plan: the answers (by question or field id) that give each outcome are variations of it.
P1: dict[str, Any] = {
    "kind": "new",
    "requester_role": "customer",
    "purchase_channel": "direct",
    "product": "psicapture",
    "version": "8.1",
    "deployment": "on-premises",
    "contract_active": "yes",
    "contract_id": "C-1234",
    "environment": "production",
    "impact": "functionality_loss",
    "users_affected": "many_or_all",
    "summary": "Scanner not detected",
    "description": "Since this morning no scanner is found.",
    "steps": "Open PSIcapture\nClick Scan",
    "errors": "",
    "env_os": "Windows 11",
    "kb": "continue",
    **NO_EXCLUSIONS,
    "users_trained": "yes",
    "kb_attempted": "yes",
    "submitter_access": "yes",
    "authorised": "yes",
    "name": "Ana Example",
    "email": "ana@example.com",
    "organisation": "Example Ltd",
}

FLOWS: dict[str, dict[str, Any]] = {
    "P1": P1,
    "P2": P1 | {"users_affected": "few"},
    "P3": P1 | {"environment": "non_production"},
    "P4": P1 | {"impact": "question"},
    "partner": P1 | {"purchase_channel": "partner", "partner": "northwind-imaging"},
    "partner_unlisted": P1 | {"purchase_channel": "partner", "partner": "unlisted"},
    "not_covered": P1 | {"contract_active": "no"},
    "special_services": P1 | {"onsite": "yes"},
    "escalation": P1
    | {
        "kind": "escalation",
        "esc_reference": "3f2c9a1e-7b4d-4c8e-9a51-2d6f0b7c1e44",
        "esc_reason": "raise_priority",
        "esc_justification": "Now all users are affected.",
    },
    "deflected": P1 | {"kb": "solved"},
}

_GROUPS = ".kb-wz .kb-wz-group[data-field]"


class WizardDriver:
    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base = base_url

    # ----- reading the page ----------------------------------------------------------
    def open(self, query: str = "", fresh: bool = True) -> None:
        self.page.goto(self.base + "request/" + query)
        if fresh:
            self.page.evaluate("localStorage.clear()")
            self.page.goto(self.base + "request/" + query)
        self.wait()

    def wait(self) -> None:
        self.page.wait_for_selector(".kb-wz[data-step]")

    def step(self) -> str:
        return self.page.get_attribute(".kb-wz", "data-step") or ""

    def kind(self) -> str:
        cls = self.page.get_attribute(".kb-wz", "class") or ""
        return next((c.split("--")[1] for c in cls.split() if c.startswith("kb-wz--")), "")

    def active(self, selector: str) -> bool:
        return bool(
            self.page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector)
        )

    def draft(self) -> dict | None:
        raw = self.page.evaluate("localStorage.getItem('kb.request.draft')")
        return json.loads(raw) if raw else None

    def outbox(self) -> list[dict]:
        raw = self.page.evaluate("localStorage.getItem('kb.request.outbox')")
        return json.loads(raw)["items"] if raw else []

    def item(self) -> dict:
        """The request the confirmation page shows (the draft's, else the newest)."""
        items = self.outbox()
        draft = self.draft()
        sent = draft["state"].get("sent") if draft else None
        return next((x for x in items if x["payload"]["id"] == sent), items[-1])

    def payload(self) -> dict:
        """The payload of the request on the confirmation page."""
        return self.item()["payload"]

    def fields(self) -> list[str]:
        """The field and question ids the current screen shows, in order."""
        return self.page.eval_on_selector_all(_GROUPS, "els => els.map(e => e.dataset.field)")

    # ----- keys ------------------------------------------------------------------------
    def tab_to(self, selector: str, limit: int = 120) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.active(selector):
                return
        raise AssertionError(f"Tab never reached {selector} on step {self.step()}")

    def choose(self, value: str, field: str | None = None) -> None:
        """Select a radio by value with Tab and the arrow keys (the browser's radio group)."""
        scope = f".kb-wz-group[data-field='{field}']" if field else ".kb-wz"
        radios = f"{scope} input[type=radio]"
        values = self.page.eval_on_selector_all(radios, "els => els.map(e => e.value)")
        if value not in values:
            raise AssertionError(f"step {self.step()}: no option {value!r} in {values}")
        if self.page.eval_on_selector(f"{radios}[value='{value}']", "e => e.checked"):
            return
        self.tab_to(radios)
        if not self.page.evaluate("document.activeElement.checked"):
            self.page.keyboard.press("Space")
        for _ in range(len(values) + 1):
            cur = self.page.evaluate("document.activeElement.value")
            if cur == value:
                break
            key = "ArrowDown" if values.index(value) > values.index(cur) else "ArrowUp"
            self.page.keyboard.press(key)

    def tick(self, selector: str, on: bool) -> None:
        """Set a checkbox with Tab and Space."""
        if self.page.eval_on_selector(selector, "e => e.checked") == on:
            return
        self.tab_to(selector)
        self.page.keyboard.press("Space")

    def type_into(self, field_id: str, text: str) -> None:
        self.tab_to(f"#f-{field_id}")
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        if text:
            self.page.keyboard.insert_text(text)

    def press_continue(self) -> None:
        """Tab to the screen's main button, press Enter, wait for the next screen or the errors."""
        before = self.page.evaluate_handle("document.querySelector('.kb-wz')")
        self.tab_to(".kb-wz-continue")
        self.page.keyboard.press("Enter")
        self.page.wait_for_function(
            "(old) => { const m = document.querySelector('.kb-wz'); return m && (m !== old); }",
            arg=before,
        )

    # ----- a whole flow ----------------------------------------------------------------------
    def answer_field(self, fid: str, plan: dict[str, Any]) -> None:
        """Answer one question or field of the screen from `plan`; fields it does not name stay "
        "as they are."""
        group = f".kb-wz-group[data-field='{fid}']"
        if self.page.query_selector(f"{group} input[type=radio]"):
            if fid in plan:
                self.choose(str(plan[fid]), fid)
        elif self.page.query_selector(f"{group} input[type=checkbox]"):
            boxes = self.page.eval_on_selector_all(
                f"{group} input[type=checkbox]",
                "els => els.map(e => ({id: e.id, value: e.value,"
                " q: e.dataset.question || null, t: e.dataset.ticked || null}))",
            )
            wanted = {}
            for b in boxes:
                if b["q"]:
                    wanted[b["id"]] = b["q"] in plan and str(plan[b["q"]]) == b["t"]
                elif b["value"] != "__none__":
                    wanted[b["id"]] = str(plan.get(b["value"], "")).lower() in ("yes", "true")
            for b in boxes:
                if b["value"] == "__none__":
                    wanted[b["id"]] = not any(wanted.values())
            for b in boxes:
                self.tick(f"[id='{b['id']}']", wanted[b["id"]])
        elif (
            self.page.query_selector(f"{group} #f-{fid}")
            and fid in plan
            and self.page.input_value(f"#f-{fid}") != str(plan[fid])
        ):
            self.type_into(fid, str(plan[fid]))

    def answer_only(self, plan: dict[str, Any]) -> None:
        """Fill the current screen from `plan` without continuing (fields appear as earlier ones "
        "are answered)."""
        done: set[str] = set()
        for _ in range(60):
            todo = [f for f in self.fields() if f not in done]
            if not todo:
                return
            self.answer_field(todo[0], plan)
            done.add(todo[0])

    def answer(self, plan: dict[str, Any]) -> None:
        """Answer the current screen from `plan` and continue."""
        kind = self.kind()
        if kind == "kb":
            self.page.wait_for_selector(".kb-wz-count:not(:empty)")
            if plan.get("kb") == "solved":
                self.tab_to(".kb-wz-solved")
                self.page.keyboard.press("Enter")
                self.page.wait_for_selector(".kb-wz--deflected")
                return
        elif kind == "question":
            self.answer_only(plan)
        self.press_continue()

    def run(
        self,
        plan: dict[str, Any],
        until: str = "sent",
        on_page: Callable[[str], None] | None = None,
        limit: int = 40,
    ) -> list[str]:
        """Answer screens until the screen `until` (or an end page) shows; return the screen ids "
        "seen."""
        seen = []
        for _ in range(limit):
            sid = self.step()
            seen.append(sid)
            if on_page:
                on_page(sid)
            if sid == until or self.kind() in ("deflected", "confirmation"):
                return seen
            self.answer(plan)
        raise AssertionError(f"no end after {limit} screens: {seen}")
