"""The kb-intake plugin in a real build: the policy is checked (a bad one stops the build
with every problem and writes no site), and the compiled policy, payload schema and
engine are published; the policy article is rendered from the policy."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

import intake
from intake import compiler, payload as P
from testkit.project import REPO, build, make_project

HERE = Path(__file__).parent
ARTICLE = "policies/product-support-commitment/index.html"


def test_site_publishes_the_compiled_policy_schema_and_engine(shipped_site):
    published = json.loads((shipped_site / "policy" / "compiled-policy.json").read_text())
    assert published["format_version"] == compiler.FORMAT_VERSION
    assert published == intake.compiled_policy()  # same policy, same build day
    assert (shipped_site / "assets" / "intake" / "engine.js").read_bytes() == (REPO / "intake" / "assets" / "engine.js").read_bytes()
    schema = json.loads((shipped_site / "schemas" / "request-payload.v1.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    ex = published["examples"][0]
    good = P.build(published, {k: v for k, v in ex["answers"].items() if v is not None}, ex["at"])
    assert good["policy"]["sha256"] == hashlib.sha256((shipped_site / "policy" / "compiled-policy.json").read_bytes()).hexdigest()
    jsonschema.Draft202012Validator(schema).validate(good)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_published_engine_classifies_the_published_policy(shipped_site, tmp_path):
    published = json.loads((shipped_site / "policy" / "compiled-policy.json").read_text())
    vec = tmp_path / "v.jsonl"
    vec.write_text("\n".join(json.dumps({"answers": {k: v for k, v in ex["answers"].items() if v is not None}, "at": ex["at"]})
                             for ex in published["examples"]) + "\n")
    proc = subprocess.run(["node", str(HERE / "run_engine.mjs"), str(shipped_site / "assets" / "intake" / "engine.js"),
                           str(shipped_site / "policy" / "compiled-policy.json"), str(vec), "full"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for ex, line in zip(published["examples"], proc.stdout.splitlines()):
        got = json.loads(line)["ok"]
        assert {k: got[k] for k in ex["expect"]} == ex["expect"], ex["name"]


def test_policy_article_is_rendered_from_the_policy(shipped_site):
    page = (shipped_site / ARTICLE).read_text()
    policy = intake.compiled_policy()
    assert "<!-- kb:" not in page
    steps = set(re.findall(r'href="\.\./\.\./request/#step=([a-z_]+)"', page))
    clause_questions = {e["question"] for e in policy["exclusions"]} | {r["question"] for r in policy["responsibilities"]} \
        | set(policy["tables"]["priority"]["inputs"]) | set(policy["tables"]["route"]["inputs"])
    assert clause_questions <= steps
    for e in policy["exclusions"]:
        assert f'id="exclusion-{e["id"]}"' in page
    for p in policy["partners"]["directory"]:
        assert p["name"] in page
    assert policy["tables"]["priority"]["reading"] in page
    assert f"Policy version {policy['policy_version']}" in page
    assert "Default hours:" in page  # the calendar is marked as a default to set


def test_article_escapes_what_the_policy_says():
    from intake.article import RENDERERS

    policy = json.loads(json.dumps(intake.compiled_policy()))
    policy["partners"]["directory"][0]["name"] = "<script>alert(1)</script>"
    policy["exclusions"][0]["seed"] = 'Tom & Jerry "quoted" <b>'
    html = RENDERERS["policy-routing"](policy, "../../request/") + RENDERERS["policy-exclusions"](policy, "../../request/")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Tom &amp; Jerry &quot;quoted&quot; &lt;b&gt;" in html


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
    assert page.locator("table.kb-policy-severity tbody tr").count() == len(intake.compiled_policy()["tables"]["priority"]["rules"])
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
