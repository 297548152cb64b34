"""Every rule of the shipped policy, one by one, through the Python engine.

The expected outcomes are the seed's rules as the policy file states them (and as
intake/FORMATS.md records the decisions the seed leaves open); a change to a rule in the
policy file must show up here.
"""

from __future__ import annotations

import datetime as dt

import pytest

import intake
from intake import engine
from intake.errors import AnswersError

TUESDAY = "2026-03-10T09:15:00-07:00"


@pytest.fixture(scope="module")
def policy() -> dict:
    return intake.compiled_policy(today=dt.date(2026, 11, 26))


@pytest.fixture()
def base(policy) -> dict:
    return {k: v for k, v in policy["examples"][0]["answers"].items() if v is not None}


def classify(policy, answers, when=TUESDAY):
    return engine.classify(policy, answers, when)


@pytest.mark.parametrize(
    "changes, priority, hours, rule",
    [
        ({}, "P1", 2, "sev-production-many"),
        ({"users_affected": "few"}, "P2", 3, "sev-production-few"),
        ({"users_affected": "not_applicable"}, "P2", 3, "sev-production-few"),
        ({"environment": "non_production", "users_affected": None}, "P3", 4, "sev-non-production"),
        ({"impact": "minor", "users_affected": None}, "P4", 4, "sev-minor-or-question"),
        ({"impact": "question", "users_affected": None}, "P4", 4, "sev-minor-or-question"),
        (
            {"environment": "non_production", "impact": "question", "users_affected": None},
            "P4",
            4,
            "sev-minor-or-question",
        ),
    ],
)
def test_severity_matrix(policy, base, changes, priority, hours, rule):
    r = classify(policy, {**base, **changes})
    assert (r["priority"], r["response_hours"], r["rules"][0]) == (priority, hours, rule)
    assert r["explanations"][0]["rule"] == rule


@pytest.mark.parametrize(
    "changes, route, clock, rule",
    [
        ({}, "vendor", True, "route-direct-customer"),
        (
            {"purchase_channel": "partner", "partner": "northwind-imaging"},
            "northwind-imaging",
            False,
            "route-partner-customer",
        ),
        ({"purchase_channel": "partner", "partner": "unlisted"}, "unlisted", False, "route-partner-unlisted"),
        (
            {"requester_role": "reseller", "purchase_channel": None, "partner": "contoso-docs"},
            "vendor",
            True,
            "route-partner-submits",
        ),
        (
            {"requester_role": "distributor", "purchase_channel": None, "partner": "unlisted"},
            "vendor",
            True,
            "route-partner-submits",
        ),
    ],
)
def test_routing(policy, base, changes, route, clock, rule):
    r = classify(policy, {k: v for k, v in {**base, **changes}.items() if v is not None})
    assert (r["route"], r["respond_by"] is not None, r["rules"][1]) == (route, clock, rule)
    if route == "northwind-imaging":
        assert "Northwind Imaging (sample)" in r["explanations"][2]["text"]


def test_unlisted_partner_is_still_the_one_to_submit_to(policy, base):
    """The seed requires customers of a distributor or reseller to submit to them, listed or
    not: no PSIGEN clock, and the customer is told how to find out who their partner is."""
    r = classify(policy, {**base, "purchase_channel": "partner", "partner": "unlisted"})
    assert (r["route"], r["response_hours"], r["clock_starts"], r["respond_by"]) == ("unlisted", None, None, None)
    route = next(e["text"] for e in r["explanations"] if e["about"] == "route")
    assert "submit your request to them" in route
    assert "If you do not know who they are, send this request to PSIGEN and ask" in route
    when = next(e for e in r["explanations"] if e["about"] == "respond_by")
    assert (when["rule"], when["text"]) == ("route-partner-unlisted", policy["texts"]["no_clock"])


def test_special_services_carry_no_initial_response_time(policy, base):
    r = classify(policy, {**base, "onsite": "yes"})
    assert (r["eligibility"], r["response_hours"], r["respond_by"]) == ("special_services", None, None)
    eligibility = next(e["text"] for e in r["explanations"] if e["about"] == "eligibility")
    assert "No Initial Response Time applies: PSIGEN will contact you about the terms." in eligibility
    assert "accept, modify, reject or de-prioritise" in eligibility


def test_escalation_reasons_are_the_seeds_two(policy):
    assert [r["label"] for r in policy["escalation"]["reasons"]] == [
        "The priority should be higher",
        "The response time is inadequate",
    ]
    assert "or the response time is inadequate" in policy["escalation"]["text"]
    assert "anytime" not in policy["escalation"]  # the seed's "at any time" is the text; no flag


EXCLUSIONS = [  # (question, answer that excludes, exclusion id, effect)
    ("contract_active", "no", "no-active-contract", "not_covered"),
    ("modified", "yes", "modified-product", "special_services"),
    ("not_per_documentation", "yes", "not-per-documentation", "not_covered"),
    ("third_party_software", "yes", "third-party-software", "not_covered"),
    ("incompatible_integration", "yes", "incompatible-integration", "not_covered"),
    ("compatibility_consulting", "yes", "compatibility-consulting", "special_services"),
    ("unintended_use", "yes", "unintended-use", "not_covered"),
    ("onsite", "yes", "onsite", "special_services"),
    ("systems_engineering", "yes", "systems-engineering", "special_services"),
    ("reproducible", "no", "not-reproducible", "special_services"),
    ("database_tuning", "yes", "database-tuning", "special_services"),
    ("usage_assistance", "yes", "usage-assistance", "special_services"),
    ("hardware", "yes", "hardware", "not_covered"),
    ("custom_extension", "yes", "custom-extension", "special_services"),
    ("outside_hours", "yes", "outside-support-hours", "special_services"),
]


def test_every_exclusion_of_the_policy_is_tested(policy):
    tested = {x[2] for x in EXCLUSIONS} | {"not-supported-product"}
    assert tested == {e["id"] for e in policy["exclusions"]}
    assert sorted(e["number"] for e in policy["exclusions"] if e["number"]) == list(range(1, 15))  # the seed's fourteen


@pytest.mark.parametrize("question, answer, exclusion, effect", EXCLUSIONS, ids=[x[2] for x in EXCLUSIONS])
def test_exclusion(policy, base, question, answer, exclusion, effect):
    assert classify(policy, base)["eligibility"] == "eligible"
    r = classify(policy, {**base, question: answer})
    assert (r["eligibility"], r["exclusions"]) == (effect, [exclusion])
    assert exclusion in r["rules"]
    # neither a request that is not covered nor a Special Service gets a response time
    assert r["respond_by"] is None and r["response_hours"] is None
    assert r["priority"] == "P1"  # the severity is still stated


def test_worst_effect_wins_and_all_matches_are_listed(policy, base):
    r = classify(policy, {**base, "onsite": "yes", "hardware": "yes", "database_tuning": "yes"})
    assert r["eligibility"] == "not_covered"
    assert r["exclusions"] == ["onsite", "database-tuning", "hardware"]  # policy order


@pytest.mark.parametrize(
    "version, when, status",
    [
        ("8.1", "2026-03-10T09:15:00-07:00", "supported"),
        ("7.3", "2026-06-30T16:00:00-07:00", "supported"),  # last day of support, local date
        ("7.3", "2026-07-01T08:00:00-07:00", "end_of_support"),
        ("7.3", "2026-07-01T06:59:59Z", "supported"),  # still 30 June in Los Angeles
        ("7.2", "2026-03-10T09:15:00-07:00", "end_of_support"),
        ("unlisted", "2026-03-10T09:15:00-07:00", "unlisted_version"),
    ],
)
def test_supported_product_on_the_submission_date(policy, base, version, when, status):
    r = classify(policy, {**base, "version": version}, when)
    assert r["product_status"] == status
    assert ("not-supported-product" in r["exclusions"]) == (status != "supported")


def test_version_not_yet_released(policy, base):
    r = classify(
        policy,
        {**base, "product": "psigen-cloud", "version": "2026.1", "deployment": "cloud"},
        "2026-01-19T09:00:00-08:00",
    )
    assert (r["product_status"], r["eligibility"]) == ("not_yet_released", "not_covered")


def test_not_a_psigen_product(policy, base):
    answers = {k: v for k, v in base.items() if k not in ("version", "deployment")}
    r = classify(policy, {**answers, "product": "other"})
    assert (r["product_status"], r["exclusions"], r["agreements"]) == ("not_psigen", ["not-supported-product"], [])


def test_cloud_deployment_adds_the_cloud_services_agreement(policy, base):
    r = classify(policy, {**base, "product": "psigen-cloud", "version": "2026.1", "deployment": "cloud"})
    assert r["agreements"] == ["eula", "csa"]
    assert classify(policy, base)["agreements"] == ["eula"]


@pytest.mark.parametrize(
    "question, responsibility",
    [("users_trained", "users-trained"), ("kb_attempted", "kb-first"), ("submitter_access", "submitter-trained")],
)
def test_responsibilities_are_listed_not_applied(policy, base, question, responsibility):
    r = classify(policy, {**base, question: "no"})
    assert r["responsibilities_unmet"] == [responsibility]
    assert (r["priority"], r["eligibility"]) == ("P1", "eligible")  # the seed says PSIGEN *may*
    assert r["explanations"][-1]["about"] == "responsibility"


def test_answers_are_validated_in_order_without_cascades(policy, base):
    answers = {**base, "product": "psicapturee"}
    with pytest.raises(AnswersError) as exc:
        classify(policy, answers)
    # version/deployment depend on the wrong product: they are not reported as well
    assert exc.value.problems == [
        (
            "$.answers.product",
            "'psicapturee' is not an option of 'product' (options: psicapture, psiextract, psigen-cloud, other)",
        )
    ]


def test_answer_for_a_question_not_asked(policy, base):
    with pytest.raises(AnswersError) as exc:
        classify(policy, {**base, "impact": "question"})
    assert exc.value.problems == [
        ("$.answers.users_affected", "question 'users_affected' is not asked for these answers; remove it")
    ]


def test_null_means_not_answered(policy, base):
    r = classify(policy, {**base, "impact": "question", "users_affected": None})
    assert r["priority"] == "P4"


def test_asked_questions_follow_the_answers(policy):
    asked = [
        q["id"] for q in engine.asked_questions(policy, {"requester_role": "customer", "purchase_channel": "direct"})
    ]
    assert "partner" not in asked and "purchase_channel" in asked
    asked = [q["id"] for q in engine.asked_questions(policy, {"requester_role": "reseller"})]
    assert "partner" in asked and "purchase_channel" not in asked
