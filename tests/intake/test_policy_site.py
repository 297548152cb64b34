"""The kb-intake plugin in a real build: the policy is checked (a bad one stops the build
with every problem and writes no site), and the compiled policy, payload schema and
engine are published; the policy article is rendered from the policy."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

import intake
from intake import compiler
from intake import payload as P
from testkit.project import REPO, build, make_project

HERE = Path(__file__).parent
ARTICLE = "policies/product-support-commitment/index.html"
INCLUDED = "policies/whats-included/index.html"
POLICY_PAGES = ("policies/index.html", "policies/product-lifecycle/index.html", ARTICLE, INCLUDED)


def text_of(page: str) -> str:
    """The article's words as a reader sees them: tags dropped, entities decoded, spaces collapsed."""
    article = re.search(r"<article.*?</article>", page, re.DOTALL).group(0)
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", article)))
    return re.sub(r" ([.,;:)])", r"\1", words)


def test_site_publishes_the_compiled_policy_schema_and_engine(shipped_site):
    published = json.loads((shipped_site / "policy" / "compiled-policy.json").read_text())
    assert published["format_version"] == compiler.FORMAT_VERSION
    assert published == intake.compiled_policy()  # same policy, same build day
    assert (shipped_site / "assets" / "intake" / "engine.js").read_bytes() == (
        REPO / "intake" / "assets" / "engine.js"
    ).read_bytes()
    schema = json.loads((shipped_site / "schemas" / "request-payload.v1.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    for version in P.SCHEMA_VERSIONS:  # both payload versions, as the package ships them
        published_schema = shipped_site / "schemas" / f"request-payload.v{version}.json"
        assert published_schema.read_bytes() == P.schema_path(version).read_bytes()
    ex = published["examples"][0]
    good = P.build(published, {k: v for k, v in ex["answers"].items() if v is not None}, ex["at"])
    assert (
        good["policy"]["sha256"]
        == hashlib.sha256((shipped_site / "policy" / "compiled-policy.json").read_bytes()).hexdigest()
    )
    jsonschema.Draft202012Validator(schema).validate(good)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_published_engine_classifies_the_published_policy(shipped_site, tmp_path):
    published = json.loads((shipped_site / "policy" / "compiled-policy.json").read_text())
    vec = tmp_path / "v.jsonl"
    vec.write_text(
        "\n".join(
            json.dumps({"answers": {k: v for k, v in ex["answers"].items() if v is not None}, "at": ex["at"]})
            for ex in published["examples"]
        )
        + "\n"
    )
    proc = subprocess.run(
        [
            "node",
            str(HERE / "run_engine.mjs"),
            str(shipped_site / "assets" / "intake" / "engine.js"),
            str(shipped_site / "policy" / "compiled-policy.json"),
            str(vec),
            "full",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    for ex, line in zip(published["examples"], proc.stdout.splitlines()):
        got = json.loads(line)["ok"]
        assert {k: got[k] for k in ex["expect"]} == ex["expect"], ex["name"]


def test_policy_article_is_rendered_from_the_policy(shipped_site):
    page = (shipped_site / ARTICLE).read_text()
    policy = intake.compiled_policy()
    assert "<!-- kb:" not in page
    steps = set(re.findall(r'href="\.\./\.\./request/#step=([a-z_]+)"', page))
    clause_questions = (
        {e["question"] for e in policy["exclusions"]}
        | {r["question"] for r in policy["responsibilities"]}
        | set(policy["tables"]["priority"]["inputs"])
        | set(policy["tables"]["route"]["inputs"])
    )
    assert clause_questions <= steps
    for e in policy["exclusions"]:
        assert f'id="exclusion-{e["id"]}"' in page
    for p in policy["partners"]["directory"]:
        assert p["name"] in page
    assert f"Policy version {policy['policy_version']}" in page
    # every generated table is wrapped like mkdocs-material's Markdown tables, and has no class
    # (the theme styles `table:not([class])`), so it scrolls in its own box on a phone
    tables = re.findall(r"(.{0,80})<table([^>]*)>", page, re.DOTALL)
    assert len(tables) == 3
    for before, attrs in tables:
        assert before.endswith('<div class="md-typeset__scrollwrap"><div class="md-typeset__table">\n')
        assert "class=" not in attrs


def test_policy_pages_say_only_what_a_customer_needs(shipped_site):
    """No implementer notes (how the seed was read, the default hours, file paths); sample data
    said once per page, plainly."""
    for rel in POLICY_PAGES:
        page = (shipped_site / rel).read_text()
        words = text_of(page)
        for note in (
            "lost cells",
            "How we read",
            "Default hours",
            "default to set",
            "_data",
            "support-policy.yml",
            ".yml",
            "policy file",
        ):
            assert note not in words, (rel, note)
        shows_sample = "(sample)" in words
        assert words.count("Sample data") == (1 if shows_sample else 0), rel
    words = text_of((shipped_site / ARTICLE).read_text())
    assert "The products, versions, Support Hours and partners on this page are examples" in words


def test_priority_names_are_labels_of_the_three_response_times(shipped_site):
    words = text_of((shipped_site / ARTICLE).read_text())
    assert (
        "The commitment states three Initial Response Times. The priority names are the labels PSIGEN gives "
        "them on your request: 2 business hours: P1 Critical 3 business hours: P2 High "
        "4 business hours: P3 Normal, P4 Low"
    ) in words


def test_the_four_text_clauses_of_the_seed_are_on_the_policy_page(shipped_site):
    """Clauses no rule applies, so only the page states them: the Updates definition,
    escalation by an engineer, the forms of resolution, and Updates by download."""
    words = text_of((shipped_site / ARTICLE).read_text())
    for clause in (
        (
            "Updates means new versions of the Supported Products (including version patches) "
            "released by PSIGEN to the public solely to correct errors and fix software bugs."
        ),
        (
            "A PSIGEN support engineer works to resolve the request and may involve additional "
            "support resources or PSIGEN's engineering team."
        ),
        (
            "A resolution may consist of an acceptable workaround, an Update to the Supported Product "
            "or another solution. PSIGEN does not guarantee that every Support Request will result "
            "in a resolution."
        ),
        "PSIGEN makes Updates available as electronic downloads when they are publicly released.",
    ):
        assert clause in words


def test_unlisted_partner_and_special_services_on_the_policy_page(shipped_site):
    words = text_of((shipped_site / ARTICLE).read_text())
    assert (
        "Which distributor or reseller? Not listed here: submit to your distributor or reseller "
        "(first-level support); their own response times apply."
    ) in words
    assert (
        "if you do not know who they are, send a request with the request form and ask, and PSIGEN will tell you"
        in words
    )
    assert "or the response time is inadequate, you may request an escalation at any time" in words


def test_whats_included_is_built_from_the_seed(shipped_site):
    page = (shipped_site / INCLUDED).read_text()
    words = text_of(page)
    policy = intake.compiled_policy()
    assert "What's included: Support and Professional Services" in words
    assert 'href="../whats-included/"' in (shipped_site / ARTICLE).read_text()  # the commitment refers to it
    not_covered = words.index("Not included in Support")
    special = words.index("Professional Services (Special Services)")
    for e in policy["exclusions"]:
        at = words.index(e["seed"].split(".")[0])
        assert (not_covered < at < special) == (e["effect"] == "not_covered"), e["id"]
        assert (at > special) == (e["effect"] == "special_services"), e["id"]
    for service in ("Knowledge base.", "Technical Support.", "Escalation.", "Resolution.", "Updates."):
        assert service in words
    assert "No Initial Response Time applies to a Special Service: PSIGEN contacts you about the terms." in words


def test_article_escapes_what_the_policy_says():
    from intake.article import RENDERERS

    policy = json.loads(json.dumps(intake.compiled_policy()))
    policy["partners"]["directory"][0]["name"] = "<script>alert(1)</script>"
    policy["exclusions"][0]["seed"] = 'Tom & Jerry "quoted" <b>'
    policy["questions"][0]["text"] = '"><img src=x onerror=alert(2)>'
    out = "".join(render(policy, '../../request/"><b>') for render in RENDERERS.values())
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "Tom &amp; Jerry &#34;quoted&#34; &lt;b&gt;" in out
    assert "<img" not in out and "<b>" not in out


def test_bad_policy_stops_the_build_with_every_problem(tmp_path):
    fixture = yaml.safe_load((HERE / "fixtures" / "bad-policy" / "many-problems-at-once.yml").read_text())
    cfg = make_project(tmp_path, include_shipped=False)
    policy = tmp_path / "docs" / "_data" / "support-policy.yml"
    text = policy.read_text()
    for old, new in fixture["replace"]:
        text = text.replace(old, new, 1)
    policy.write_text(text)
    res = build(cfg)
    assert res.returncode != 0
    expected = [line.replace("{file}", "docs/_data/support-policy.yml") for line in fixture["stderr"].splitlines()[1:]]
    out = res.stdout + res.stderr
    for line in expected:
        assert line in out
    assert "7 error(s) in the support policy" in out
    assert "Traceback" not in out
    assert not (tmp_path / "site").exists()


@pytest.mark.browser
def test_policy_article_in_chromium(shipped_site, serve, page, axe):
    base = serve(shipped_site)
    page.goto(base + ARTICLE.removesuffix("index.html"))
    assert page.locator("table[data-kb-policy=severity] tbody tr").count() == len(
        intake.compiled_policy()["tables"]["priority"]["rules"]
    )
    assert axe(page) == []
    # a clause's link is reachable with the keyboard and opens the wizard at that question
    link = page.locator('a.kb-policy-step[href$="#step=onsite"]')
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/request/#step=onsite")
    assert all(u.startswith(base) for u in page.kb_log.requests)
    assert page.kb_log.errors == []


@pytest.mark.browser
def test_engine_runs_in_chromium_on_the_published_policy(shipped_site, serve, page):
    base = serve(shipped_site)
    page.goto(base)
    policy = intake.compiled_policy()
    results = page.evaluate("""async () => {
        const engine = await import('./assets/intake/engine.js');
        const policy = await (await fetch('./policy/compiled-policy.json')).json();
        return policy.examples.map((ex) => {
            const answers = Object.fromEntries(Object.entries(ex.answers).filter(([, v]) => v !== null));
            return engine.classify(policy, answers, ex.at);
        });
    }""")
    for ex, got in zip(policy["examples"], results):
        assert got == intake.classify({k: v for k, v in ex["answers"].items() if v is not None}, ex["at"], policy)
    assert page.kb_log.errors == []


# Nothing is left out of the check in either scheme.
OUTSIDE_THE_POLICY: dict[str, list[list[str]]] = {"dark": [], "light": []}


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_policy_pages_have_no_wcag_violations_in_light_and_dark(shipped_site, serve, page, scheme):
    base = serve(shipped_site)
    page.emulate_media(color_scheme=scheme)
    for rel in (ARTICLE, INCLUDED):
        page.goto(base + rel.removesuffix("index.html"), wait_until="load")
        assert page.get_attribute("body", "data-md-color-scheme") == {"light": "default", "dark": "slate"}[scheme]
        page.add_script_tag(path=str(REPO / "node_modules" / "axe-core" / "axe.min.js"))
        result = page.evaluate(
            """async (exclude) => await axe.run({include: [['body']], exclude},
            {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""",
            OUTSIDE_THE_POLICY[scheme],
        )
        assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]] == [], rel
        assert result["passes"], "axe checked nothing"
    assert page.kb_log.errors == []
