"""Drive the request wizard in a real browser with the keyboard alone (Playwright).

Owns: walking the wizard's pages from a plan of answers, pressing only Tab, arrows, Space,
Enter and typed characters, the way a keyboard user does. Used by the browser tests
(tests/intake/wizard/) and by `python -m testkit.wizard_screenshots`. Does not own any
assertion about the policy: callers check what the pages and payloads say.
"""

from __future__ import annotations

import json
from typing import Any, Callable

# The P1 plan: the answers (by page id) that give each outcome are variations of it.
NO_EXCLUSIONS = {
    q: "no" for q in ("modified", "not_per_documentation", "third_party_software", "incompatible_integration",
                      "compatibility_consulting", "unintended_use", "onsite", "systems_engineering",
                      "database_tuning", "usage_assistance", "hardware", "custom_extension", "outside_hours")
} | {"reproducible": "yes"}

P1 = {
    "kind": "new", "requester_role": "customer", "purchase_channel": "direct", "product": "psicapture",
    "version": "8.1", "deployment": "on-premises", "contract_active": "yes", "contract_id": "C-1234",
    "environment": "production", "impact": "functionality_loss", "users_affected": "many_or_all",
    "summary": "Scanner not detected", "kb": "continue", **NO_EXCLUSIONS,
    "description": "Since this morning no scanner is found.", "steps": "Open PSIcapture\nClick Scan",
    "errors": "", "your_setup": {"env_os": "Windows 11", "env_db": "", "env_app": "", "env_browser": ""},
    "users_trained": "yes", "kb_attempted": "yes", "submitter_access": "yes",
    "contact": {"name": "Ana Example", "email": "ana@example.com", "organisation": "Example Ltd"},
    "authorised": "yes",
}

FLOWS: dict[str, dict[str, Any]] = {
    "P1": P1,
    "P2": P1 | {"users_affected": "few"},
    "P3": P1 | {"environment": "non_production"},
    "P4": P1 | {"impact": "question"},
    "partner": P1 | {"purchase_channel": "partner", "partner": "northwind-imaging", "routed": "continue"},
    "not_covered": P1 | {"contract_active": "no", "not_covered": "continue"},
    "special_services": P1 | {"onsite": "yes", "special": "continue"},
    "escalation": P1 | {"kind": "escalation", "esc_request_id": "3f2c9a1e-7b4d-4c8e-9a51-2d6f0b7c1e44",
                        "esc_reason": "raise_priority", "esc_justification": "Now all users are affected.",
                        "esc_intro": "continue"},
    "deflected": P1 | {"kb": "solved"},
}


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
        return bool(self.page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector))

    def draft(self) -> dict | None:
        raw = self.page.evaluate("localStorage.getItem('kb.request.draft')")
        return json.loads(raw) if raw else None

    def payload(self) -> dict:
        """The payload of the request on the confirmation page (outbox, or the delivered one)."""
        raw = self.page.evaluate("localStorage.getItem('kb.request.draft')")
        box = json.loads(raw)["state"]["outbox"] if raw and json.loads(raw)["state"].get("outbox") else None
        if box is None:
            box = json.loads(self.page.evaluate("localStorage.getItem('kb.request.last')"))
        return box["payload"]

    # ----- keys ------------------------------------------------------------------------
    def tab_to(self, selector: str, limit: int = 80) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.active(selector):
                return
        raise AssertionError(f"Tab never reached {selector} on step {self.step()}")

    def choose(self, value: str) -> None:
        """Select a radio by value with Tab and the arrow keys (the browser's radio group)."""
        self.tab_to(".kb-wz input[type=radio]")
        values = self.page.eval_on_selector_all(".kb-wz input[type=radio]", "els => els.map(e => e.value)")
        if value not in values:
            raise AssertionError(f"step {self.step()}: no option {value!r} in {values}")
        if not self.page.evaluate("document.activeElement.checked"):
            self.page.keyboard.press("Space")
        for _ in range(len(values) + 1):
            cur = self.page.evaluate("document.activeElement.value")
            if cur == value:
                break
            key = "ArrowDown" if values.index(value) > values.index(cur) else "ArrowUp"
            self.page.keyboard.press(key)

    def type_into(self, field_id: str, text: str) -> None:
        self.tab_to(f"#f-{field_id}")
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        if text:
            self.page.keyboard.insert_text(text)

    def press_continue(self) -> None:
        """Tab to the page's main button, press Enter, wait for the next page or the errors."""
        before = self.page.evaluate_handle("document.querySelector('.kb-wz')")
        self.tab_to(".kb-wz-continue")
        self.page.keyboard.press("Enter")
        self.page.wait_for_function(
            "(old) => { const m = document.querySelector('.kb-wz'); return m && (m !== old); }", arg=before
        )

    # ----- a whole flow ----------------------------------------------------------------------
    def answer_only(self, plan: dict[str, Any]) -> None:
        """Fill the current question page from `plan` (keyed by page id) without continuing."""
        sid = self.step()
        value = plan[sid]
        if isinstance(value, dict):
            for fid, text in value.items():
                self.type_into(fid, text)
        elif self.page.query_selector(".kb-wz input[type=radio]"):
            self.choose(value)
        else:
            self.type_into(sid, value)

    def answer(self, plan: dict[str, Any]) -> None:
        """Answer the current page from `plan` and continue."""
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

    def run(self, plan: dict[str, Any], until: str = "sent", on_page: Callable[[str], None] | None = None, limit: int = 90) -> list[str]:
        """Answer pages until the page `until` (or the deflected page) shows; return the page ids seen."""
        seen = []
        for _ in range(limit):
            sid = self.step()
            seen.append(sid)
            if on_page:
                on_page(sid)
            if sid == until or self.kind() in ("deflected", "confirmation"):
                return seen
            self.answer(plan)
        raise AssertionError(f"no end after {limit} pages: {seen}")
