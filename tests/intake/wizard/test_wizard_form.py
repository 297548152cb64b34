"""The form definition and the kb-request plugin, without a browser: checks with file:line
and did-you-mean, the shipped form against the shipped policy, the page's embedded data,
the size budget of the wizard's own JS and CSS."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from mkdocs.utils.yaml import yaml_load

from intake.wizard import form as formdef
from intake.wizard.plugin import article_bucket, script_json
from testkit.project import REPO, build, make_project

HERE = Path(__file__).parent
WIZARD_JS_DIR = REPO / "intake" / "wizard" / "theme" / "assets" / "intake" / "wizard"
POLICY = REPO / "docs" / "_data" / "support-policy.yml"


def policy_questions() -> list[str]:
    return [q["id"] for q in yaml.safe_load(POLICY.read_text())["questions"]]


def test_shipped_form_is_clean_against_the_shipped_policy():
    form, problems = formdef.load(formdef.FORM_FILE, policy_questions())
    assert problems == []
    resolved = formdef.resolve(form)
    assert resolved["start"] == "kind" and all("kind" in s for s in resolved["steps"])
    json.dumps(resolved)  # plain JSON: no line-number mappings left


def test_every_mistake_reported_at_once_with_lines():
    _, problems = formdef.load(HERE / "fixtures" / "bad-form-every-mistake.yml", policy_questions())
    got = {(p.line, p.code): p.message for p in problems}
    assert got[(2, "WZ110")] == "unknown key 'titel' (did you mean 'title'?)"
    assert got[(1, "WZ111")] == "`version` must be 1 (this build reads form format 1), got 2"
    assert got[(3, "WZ113")] == "`start` names no step: 'kindd' (did you mean 'kind'?)"
    assert (5, "WZ115") in got
    assert got[(10, "WZ133")].endswith("got 'radio' (did you mean 'radios'?)")
    assert got[(15, "WZ152")] == "step 'kind': condition on unknown field 'knd' (did you mean 'kind'?)"
    assert got[(16, "WZ142")] == "step 'kind': goes to unknown step 'nowhere'"
    assert got[(19, "WZ171")] == "step 'who': the policy has no question 'purchase_chanel' (did you mean 'purchase_channel'?)"
    assert got[(21, "WZ153")].endswith("got 'routee' (did you mean 'route'?)")
    assert (20, "WZ144") in got
    assert got[(22, "WZ121")] == "duplicate step id 'kind' (also line 7)"
    assert got[(29, "WZ122")] == "step 'lonely': unknown key 'nxt' (did you mean 'next'?)"
    assert "purchase_channel, partner, product" in got[(6, "WZ173")]
    assert all(p.severity == "error" for p in problems)


def step(form: dict, sid: str) -> dict:
    return next(s for s in form["steps"] if s["id"] == sid)


@pytest.mark.parametrize("change, code", [
    (lambda f: step(f, "who")["questions"].reverse(), "WZ174"),  # asked out of the policy's order
    (lambda f: f["steps"].append({"id": "product", "kind": "info", "next": "kind"}), "WZ175"),
    (lambda f: step(f, "problem_details")["questions"].append("product"), "WZ172"),
    (lambda f: f["steps"].append({"id": "x", "kind": "info", "next": "kind"}), "WZ160"),
])
def test_policy_steps_checked_against_the_policy(change, code):
    form, _ = formdef.load(formdef.FORM_FILE)
    change(form)
    codes = {p.code for p in formdef.check(form, "form.yml", policy_questions())}
    assert code in codes


def test_malformed_yaml_is_a_problem_not_a_traceback(tmp_path):
    f = tmp_path / "form.yml"
    f.write_text("version: 1\nsteps: [\n  - id: a\n")
    _, problems = formdef.load(f)
    assert [p.code for p in problems] == ["WZ101"] and problems[0].line >= 3


def test_script_json_cannot_end_its_script_element():
    text = script_json({"a": "</script><script>alert(1)</script><!--", "b": "\u2028"})
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script><!--", "b": "\u2028"}


def test_bad_delivery_options_fail_the_build_with_every_problem(tmp_path):
    plugins = yaml_load((REPO / "mkdocs.yml").read_text())["plugins"]  # mkdocs.yml has !ENV tags
    for p in plugins:
        if isinstance(p, dict) and "kb-request" in p:
            p["kb-request"] = {"endpoint": "ftp://desk", "mailto": "support at example", "timeout": 0}
    cfg = make_project(tmp_path, include_shipped=False, extra_config=yaml.safe_dump({"plugins": plugins}))
    res = build(cfg)
    assert res.returncode != 0
    err = res.stdout + res.stderr
    assert "Plugin 'kb-request' option 'timeout': must be more than 0, got 0" in err
    assert "Plugin 'kb-request' option 'endpoint': must be an http(s) URL or a site path starting with '/', got 'ftp://desk'" in err
    assert "Plugin 'kb-request' option 'mailto': not an email address: 'support at example'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_page_embeds_the_form_and_delivery_options(shipped_site):
    html = (shipped_site / "request" / "index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="kb-request-data">(.*?)</script>', html, re.S).group(1))
    assert data["delivery"] == {"endpoint": "", "mailto": "support@psigen.example", "timeout": 15, "retries": 2}
    assert [s["id"] for s in data["form"]["steps"]][:2] == ["kind", "who"]
    for rel in data["paths"].values():
        if not rel.endswith("/"):
            assert (shipped_site / rel).is_file(), rel  # what the page loads was published
    shards = sorted((shipped_site / "assets/intake/wizard/articles").glob("*.json"))
    assert len(shards) == data["article_buckets"]
    found = 0
    for shard in shards:
        doc = json.loads(shard.read_text())
        assert doc["version"] == 2
        for article_id in doc["articles"]:
            assert article_bucket(article_id, len(shards)) == int(shard.stem)  # where wizard.js looks
            found += 1
    assert found >= 10


def test_article_buckets_agree_between_python_and_the_wizard(tmp_path):
    ids = ["scanner-not-detected", "a", "x" * 128, "0x8007007a", "email-export-550-5-1-10", "é-ü"]
    src = (WIZARD_JS_DIR / "wizard.js").read_text()
    fn = src[src.index("function bucketOf"):src.index("async function fromArticle")]
    script = tmp_path / "b.mjs"
    script.write_text(fn + f"console.log(JSON.stringify({json.dumps(ids)}.map((i) => [3, 7, 160].map((n) => bucketOf(i, n)))));")
    got = json.loads(subprocess.run(["node", str(script)], capture_output=True, text=True, check=True).stdout)
    assert got == [[article_bucket(i, n) for n in (3, 7, 160)] for i in ids]


WIZARD_BUDGET = 30 * 1024  # bytes, gzip: the wizard's own JS and CSS (issue 5)


def test_wizard_js_and_css_under_30_kb_gzip(shipped_site):
    files = sorted((shipped_site / "assets" / "intake" / "wizard").glob("*.js")) + sorted(
        (shipped_site / "assets" / "intake" / "wizard").glob("*.css"))
    assert len(files) >= 10
    total = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
    print(f"wizard JS+CSS: {len(files)} files, {total} bytes gzip")
    assert total < WIZARD_BUDGET
