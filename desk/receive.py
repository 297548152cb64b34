"""What the desk does with a request, a vote or a deflection, apart from HTTP.

Owns: the order of checks on a request payload (honeypot, idempotency key, JSON, limits,
replay, schema, classification at the desk's receipt time, partner routing), the comparison
of the client's classification with the desk's, and what is stored. The rules themselves are
the `intake` engine's: this module calls `intake.classify`, `intake.verify`,
`intake.payload.parse/validate` and never restates one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

import intake
from intake import payload as payloads
from intake.errors import AnswersError, CalendarRangeError, KbError, PayloadError
from intake.reference import normalize_reference, reference_for

from .config import Settings
from .errors import Refused
from .limits import check_depth, check_text
from .storage import Store, now

SCHEMAS = Path(__file__).parent / "schemas"
# Fields of a classification that depend on the moment it was made; the rest must be equal.
TIMED = ("clock_starts", "respond_by", "explanations")
REFUSED_BOT = [("$", "request refused")]


UNLISTED_PARTNER = "unlisted"  # the route of a partner the directory does not list


@dataclass
class Answer:
    status: int
    body: dict[str, Any] | None


class Receiver:
    """The desk's logic over one store, one compiled policy and the known article ids."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        policy: dict[str, Any],
        articles: set[str] | None,
        clock: Callable[[], dt.datetime] = now,
    ):
        self.settings = settings
        self.clock = clock  # the receipt time; tests and seeded screenshots pass their own
        self.store = store
        self.policy = policy
        self.articles = articles
        self.vendor = policy["vendor"]["id"]
        self.forward_to = None if settings.forward == "none" else settings.forward

    # ----- POST /api/requests ---------------------------------------------------------------------
    def request(self, raw: bytes, key: str | None, honeypot: str | None) -> Answer:
        if honeypot and honeypot.strip():
            self.store.count("refused_honeypot")
            raise Refused(422, REFUSED_BOT)
        if not key:
            raise Refused(400, [("$", "the Idempotency-Key header is missing; send the payload id in it")])
        try:
            payload = payloads.parse(raw)
        except PayloadError as exc:
            raise Refused(400, exc.problems) from exc
        check_depth(payload, self.settings.limits.max_depth)
        if not isinstance(payload, dict):
            raise Refused(422, [("$", f"expected a JSON object (a request payload), got {type(payload).__name__}")])
        if payload.get("id") != key:
            got = json.dumps(payload.get("id"))[:80]
            raise Refused(
                422, [("$.id", f"does not match the Idempotency-Key header ({json.dumps(key)[:80]}); got {got}")]
            )
        bad_text = check_text(payload)
        if bad_text:
            raise Refused(422, bad_text)
        digest = canonical_sha256(payload)
        stored = self.store.request(key)
        if stored is not None:
            return self._replay(stored, digest)
        try:
            payloads.validate(payload)
        except PayloadError as exc:
            raise Refused(422, exc.problems) from exc
        if payload["schema_version"] == 2:  # an escalation carrying only the original's reference
            return self._accept_escalation(payload, raw, digest)
        return self._accept(payload, raw, digest)

    def _replay(self, stored: dict[str, Any], digest: str) -> Answer:
        if stored["body_sha256"] != digest:
            raise Refused(
                409,
                [
                    (
                        "$.id",
                        (
                            f"request {stored['id']} was already received with a different body "
                            f"(reference {stored['reference']}); a new request needs a new id"
                        ),
                    )
                ],
            )
        return Answer(200, json.loads(stored["response"]))

    def _accept(self, payload: dict[str, Any], raw: bytes, digest: str) -> Answer:
        received = self.clock()
        at = received.isoformat(timespec="seconds")
        try:
            desk = intake.classify(payload["answers"], at, self.policy)
        except AnswersError as exc:
            raise Refused(422, exc.problems) from exc
        except CalendarRangeError as exc:
            raise Refused(
                503,
                [
                    (
                        "$",
                        (
                            f"the desk's policy calendar does not cover now ({exc}); "
                            "the owner must update the desk's policy. Try again later."
                        ),
                    )
                ],
            ) from exc
        # A listed partner's request is theirs. One whose partner is not listed is kept: the
        # customer asks PSIGEN who their partner is (no response clock; staff answer with the
        # partner's name), as intake/FORMATS.md says.
        if desk["route"] not in (self.vendor, UNLISTED_PARTNER):
            raise Refused(422, [("$.answers", self._partner_message(desk["route"]))])
        differences = self._differences(payload, desk, received)
        parent = self._parent(payload)
        reference = reference_for(payload["id"])
        response = {
            "reference": reference,
            "id": payload["id"],
            "priority": desk["priority"],
            "priority_label": desk["priority_label"],
            "response_hours": desk["response_hours"],
            "respond_by": desk["respond_by"],
            "route": desk["route"],
            "eligibility": desk["eligibility"],
            "verified": not differences,
        }
        row = {
            "id": payload["id"],
            "reference": reference,
            "schema_version": payload["schema_version"],
            "kind": payload["kind"],
            "parent_id": parent,
            "received_at": received,
            "created_at": payload["created_at"],
            "body": raw.decode("utf-8-sig"),
            "body_sha256": digest,
            "policy_version": desk["policy_version"],
            "priority": desk["priority"],
            "priority_label": desk["priority_label"],
            "response_hours": desk["response_hours"],
            "respond_by": _instant(desk["respond_by"]),
            "respond_by_text": desk["respond_by"],
            "route": desk["route"],
            "eligibility": desk["eligibility"],
            "summary": payload["problem"]["summary"],
            "requester_email": payload["requester"]["email"],
            "classification": json.dumps(desk, ensure_ascii=False),
            "differences": json.dumps(differences, ensure_ascii=False),
            "verified": not differences,
            "state": "received",
            "response": json.dumps(response, ensure_ascii=False),
            "product": payload["product"]["id"],
            "product_version": payload["product"]["version"],
        }
        new_events = [
            (
                "received",
                {"created_at": payload["created_at"], "received_at": at, "schema_version": payload["schema_version"]},
            ),
            ("verified", {"verified": not differences, "differences": len(differences)}),
        ]
        link = ("escalated", {"by": payload["id"], "reason": payload["escalation"]["reason"]}) if parent else None
        if self.store.insert_request(row, new_events, self.forward_to, link):
            return Answer(201, response)
        # Lost a race with the same id, or the reference belongs to another id (one in a trillion).
        stored = self.store.request(payload["id"])
        if stored is not None:
            return self._replay(stored, digest)
        other = self.store.request_by_reference(reference)
        if other is not None:
            raise Refused(
                409,
                [
                    (
                        "$.id",
                        (
                            f"the reference {reference} of this id is already used by another request; "
                            "send the request again with a new id"
                        ),
                    )
                ],
            )
        raise Refused(503, [("$", "the request could not be stored; try again")])

    def _accept_escalation(self, payload: dict[str, Any], raw: bytes, digest: str) -> Answer:
        """Schema version 2: stored against the original request (a linked row, an `escalated`
        event on the original); 422 when the desk does not know the original."""
        received = self.clock()
        esc = payload["escalation"]
        said = str(esc["reference"]).strip()
        parent = self.store.request(said)
        if parent is None and (ref := normalize_reference(said)):
            parent = self.store.request_by_reference(ref)
        if parent is None:
            raise Refused(
                422,
                [
                    (
                        "$.escalation.reference",
                        (
                            f"no request '{said[:80]}' at this desk: an escalation "
                            "must name a request this desk received"
                        ),
                    )
                ],
            )
        differences: list[dict[str, Any]] = []
        try:
            differences = [
                {"field": d.field, "client": d.payload, "desk": d.expected, "basis": "at created_at"}
                for d in intake.verify(payload, self.policy)
            ]
        except PayloadError as exc:
            differences = [{"field": p, "client": None, "desk": m, "basis": "at created_at"} for p, m in exc.problems]
        reasons = {r["id"]: r["label"] for r in self.policy["escalation"]["reasons"]}
        reference = reference_for(payload["id"])
        response = {
            "reference": reference,
            "id": payload["id"],
            "priority": parent["priority"],
            "priority_label": parent["priority_label"],
            "response_hours": None,
            "respond_by": None,
            "route": parent["route"],
            "eligibility": parent["eligibility"],
            "verified": not differences,
        }
        summary = f"Escalation of {parent['reference']}: {reasons.get(esc['reason'], esc['reason'])}"
        row = {
            "id": payload["id"],
            "reference": reference,
            "schema_version": 2,
            "kind": "escalation",
            "parent_id": parent["id"],
            "received_at": received,
            "created_at": payload["created_at"],
            "body": raw.decode("utf-8-sig"),
            "body_sha256": digest,
            "policy_version": self.policy["policy_version"],
            "priority": parent["priority"],
            "priority_label": parent["priority_label"],
            "response_hours": None,
            "respond_by": None,
            "respond_by_text": None,
            "route": parent["route"],
            "eligibility": parent["eligibility"],
            "summary": summary[:200],
            "requester_email": payload["requester"]["email"],
            "classification": json.dumps(
                {"escalation_of": parent["reference"], "reason": esc["reason"], "priority": parent["priority"]},
                ensure_ascii=False,
            ),
            "differences": json.dumps(differences, ensure_ascii=False),
            "verified": not differences,
            "state": "received",
            "response": json.dumps(response, ensure_ascii=False),
            "product": parent["product"],
            "product_version": parent["product_version"],
        }
        at = received.isoformat(timespec="seconds")
        new_events = [
            ("received", {"created_at": payload["created_at"], "received_at": at, "schema_version": 2}),
            ("verified", {"verified": not differences, "differences": len(differences)}),
        ]
        link = ("escalated", {"by": payload["id"], "reason": esc["reason"]})
        if self.store.insert_request(row, new_events, self.forward_to, link):
            return Answer(201, response)
        stored = self.store.request(payload["id"])
        if stored is not None:
            return self._replay(stored, digest)
        raise Refused(
            409,
            [
                (
                    "$.id",
                    (
                        f"the reference {reference} of this id is already used by another request; "
                        "send the request again with a new id"
                    ),
                )
            ],
        )

    def _partner_message(self, route: str) -> str:
        partner = next((p for p in self.policy["partners"]["directory"] if p["id"] == route), None)
        if partner is None:
            return f"this request is routed to '{route}', not to this desk"
        how = " ".join(x for x in (partner.get("submission", ""), partner.get("email", "")) if x)
        return (
            f"this request belongs to {partner['name']}, who gives you first-level support; "
            f"this desk does not take it. {how}"
        ).strip()

    def _differences(
        self, payload: dict[str, Any], desk: dict[str, Any], received: dt.datetime
    ) -> list[dict[str, Any]]:
        """Client vs desk: what the client claims at its own time, and what cannot depend on time."""
        out: list[dict[str, Any]] = []
        try:
            for d in intake.verify(payload, self.policy):
                out.append({"field": d.field, "client": d.payload, "desk": d.expected, "basis": "at created_at"})
        except PayloadError as exc:
            out += [
                {"field": "created_at", "client": payload["created_at"], "desk": m, "basis": "at created_at"}
                for _, m in exc.problems
            ]
        client = payload["classification"]
        seen = {(d["field"], json.dumps(d["client"]), json.dumps(d["desk"])) for d in out}
        for k, v in desk.items():
            if k in TIMED or client.get(k) == v:
                continue
            key = (f"classification.{k}", json.dumps(client.get(k)), json.dumps(v))
            if key not in seen:
                out.append({"field": key[0], "client": client.get(k), "desk": v, "basis": "at receipt"})
        created = _instant(payload["created_at"])
        lim = self.settings.limits
        if created is not None and not (
            received - dt.timedelta(seconds=lim.max_age_s)
            <= created
            <= received + dt.timedelta(seconds=lim.max_future_s)
        ):
            out.append(
                {
                    "field": "created_at",
                    "client": payload["created_at"],
                    "desk": received.isoformat(timespec="seconds"),
                    "basis": f"allowed: {lim.max_age_s} s before to {lim.max_future_s} s after receipt",
                }
            )
        return out

    def _parent(self, payload: dict[str, Any]) -> str | None:
        """The stored request an escalation is about (by payload id or reference), if the desk has it."""
        if payload.get("kind") != "escalation":
            return None
        said = str(payload["escalation"]["request_id"]).strip()
        found = self.store.request(said)
        if found is None and (ref := normalize_reference(said)):
            found = self.store.request_by_reference(ref)
        return found["id"] if found else None

    # ----- GET /api/requests/{reference} ------------------------------------------------------------
    def status(self, reference: str) -> Answer:
        ref = normalize_reference(reference)
        row = self.store.request_by_reference(ref) if ref else None
        if row is None:
            raise Refused(404, [("$.reference", f"no request with reference '{reference[:40]}' at this desk")])
        # Only what the wizard needs to say "we know this request": no name, email or text.
        return Answer(
            200,
            {
                "reference": row["reference"],
                "id": row["id"],
                "priority": row["priority"],
                "respond_by": row["respond_by_text"],
                "state": row["state"],
            },
        )

    # ----- POST /api/feedback, POST /api/deflections --------------------------------------------------
    def feedback(self, raw: bytes) -> Answer:
        vote = self._small(raw, "feedback.v1.json")
        self.store.add_vote(vote["article_id"], vote["helpful"], vote["ts"], self._known(vote["article_id"]))
        return Answer(204, None)

    def deflection(self, raw: bytes) -> Answer:
        d = self._small(raw, "deflection.v1.json")
        self.store.add_deflection(d["article_id"], d["ts"], d.get("query"), self._known(d["article_id"]))
        return Answer(204, None)

    def _known(self, article_id: str) -> bool | None:
        return None if self.articles is None else article_id in self.articles

    def _small(self, raw: bytes, schema_name: str) -> dict[str, Any]:
        try:
            value = payloads.parse(raw, "body")
        except PayloadError as exc:
            raise Refused(400, exc.problems) from exc
        check_depth(value, self.settings.limits.max_depth)
        errors = sorted(
            jsonschema.Draft202012Validator(_schema(schema_name)).iter_errors(value),
            key=lambda e: list(map(str, e.absolute_path)),
        )
        problems = [(payloads.json_path(e.absolute_path), _short(e.message)) for e in errors] + check_text(value)
        if problems:
            raise Refused(422, problems)
        return value


@cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def canonical_sha256(value: Any) -> str:
    """The same JSON value gives the same digest, whatever its key order or spacing."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _instant(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text).astimezone(dt.UTC)
    except ValueError:
        return None


def load_policy(settings: Settings) -> dict[str, Any]:
    """--policy, else the --site's compiled policy, else the project's policy file."""
    path = settings.policy_file or (
        settings.site_dir / "policy" / "compiled-policy.json" if settings.site_dir else None
    )
    try:
        return intake.compiled_policy(path)
    except KbError:
        raise
    except (OSError, ValueError) as exc:
        raise KbError(f"cannot read the policy {path or intake.policy_path()}: {exc}") from exc


def load_articles(settings: Settings) -> set[str] | None:
    """The article ids of the --site (from the wizard's id -> title files), or None without a site."""
    if settings.site_dir is None:
        return None
    from intake.wizard.plugin import ARTICLES_DIR

    ids: set[str] = set()
    for shard in sorted((settings.site_dir / ARTICLES_DIR).glob("*.json")):
        try:
            ids.update(json.loads(shard.read_text(encoding="utf-8")).get("articles", {}))
        except (OSError, ValueError) as exc:
            raise KbError(f"{shard}: cannot read the article list: {exc}") from exc
    return ids
