"""The form definition and the kb-request plugin, without a browser: checks with file:line
and did-you-mean (the JSON Schema's shape checks and the cross-reference checks in code),
the shipped form against the shipped policy, the page's embedded data, the published schema,
the wizard's JS (no import cycle, tsc clean) and the size budget of its JS and CSS."""

from __future__ import annotations

import copy
import gzip
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml
from mkdocs.utils.yaml import yaml_load

from intake.wizard import form as formdef
from intake.wizard.plugin import article_bucket, script_json
from kbcore.policyfile import read as read_policy
from testkit.project import REPO, build, make_project

HERE = Path(__file__).parent
WIZARD_JS_DIR = REPO / "intake" / "wizard" / "theme" / "assets" / "intake" / "wizard"
POLICY = REPO / "docs" / "_data" / "support-policy.yml"


def policy() -> formdef.PolicyView:
    view = formdef.policy_view(read_policy(POLICY, str(POLICY)).data)
    assert view is not None
    return view


def test_shipped_form_is_clean_against_the_shipped_policy():
    form, problems = formdef.load(formdef.FORM_FILE, policy())
    assert problems == []
    resolved = formdef.resolve(form)
    assert resolved["start"] == "start" and all("kind" in s for s in resolved["steps"])
    json.dumps(resolved)  # plain JSON


def test_every_mistake_reported_at_once_with_lines():
    _, problems = formdef.load(HERE / "fixtures" / "bad-form-every-mistake.yml", policy())
    got = {(p.line, p.code): p.message for p in problems}
    assert got[(1, "WZ111")] == "version: must be 2, got number 1"
    assert got[(2, "WZ110")] == "unknown key 'titel' (did you mean 'title'?)"
    assert got[(3, "WZ113")] == "`start` names no step: 'kindd' (did you mean 'kind'?)"
    assert got[(5, "WZ115")].startswith("payload 'product.id': needs either")
    assert got[(10, "WZ133")].endswith("got 'radio'") or "(did you mean 'radios'?)" in got[(10, "WZ133")]
    assert got[(13, "WZ136")].endswith("missing required key 'label'")
    assert got[(15, "WZ152")] == "step 'kind': condition on unknown field 'knd' (did you mean 'kind'?)"
    assert got[(16, "WZ142")] == "step 'kind': goes to unknown step 'nowhere'"
    assert got[(21, "WZ171")] == (
        "step 'who': the policy has no question 'purchase_chanel' (did you mean 'purchase_channel'?)"
    )
    assert "a policy question takes only `when`" in got[(22, "WZ132")]
    assert (23, "WZ144") in got
    assert got[(24, "WZ153")].endswith("got 'routee' (did you mean 'route'?)")
    assert got[(25, "WZ121")] == "duplicate step id 'kind' (also line 7)"
    assert got[(32, "WZ122")] == "steps[lonely]: unknown key 'nxt' (did you mean 'next'?)"
    # A checkbox statement must tick the answer that applies, on a yes/no question.
    assert "the policy's exclusion on 'modified' applies to the other answer" in got[(40, "WZ177")]
    assert "'product' needs exactly two options" in got[(41, "WZ176")]
    assert "needs `question` and `ticked`" in got[(43, "WZ136")]
    assert all(p.severity == "error" for p in problems)


def step(form: dict, sid: str) -> dict:
    return next(s for s in form["steps"] if s["id"] == sid)


@pytest.mark.parametrize(
    "change, code",
    [
        (
            lambda f: step(f, "severity")["fields"].reverse(),
            "WZ174",
        ),  # asked out of the policy's order
        (
            lambda f: step(f, "problem")["fields"].append({"id": "product", "type": "text", "label": "x"}),
            "WZ175",
        ),
        (lambda f: step(f, "severity")["fields"].append({"question": "product"}), "WZ172"),
        (
            lambda f: f["steps"].append({"id": "x", "kind": "info", "title": "X", "next": "start"}),
            "WZ160",
        ),
        (
            lambda f: step(f, "scope")["fields"][0]["options"].pop(0),
            "WZ173",
        ),  # a question nobody asks
    ],
)
def test_policy_questions_checked_against_the_policy(change, code):
    form, _ = formdef.load(formdef.FORM_FILE)
    form = copy.deepcopy(form)
    change(form)
    assert code in {p.code for p in formdef.check(form, "form.yml", policy())}


def test_malformed_yaml_is_a_problem_not_a_traceback(tmp_path):
    f = tmp_path / "form.yml"
    f.write_text("version: 2\nsteps: [\n  - id: a\n")
    _, problems = formdef.load(f)
    assert [p.code for p in problems] == ["WZ101"] and problems[0].line >= 2


def test_form_schema_is_the_one_published_and_describes_the_shipped_form(shipped_site):
    published = shipped_site / "schemas" / "request-form.schema.json"
    assert published.read_bytes() == formdef.SCHEMA_FILE.read_bytes()
    schema = json.loads(published.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(formdef.FORM_FILE.read_text()))
    # Editors find it from the form itself.
    assert formdef.FORM_FILE.read_text().startswith("# yaml-language-server: $schema=schemas/request-form.schema.json")


def test_script_json_cannot_end_its_script_element():
    text = script_json({"a": "</script><script>alert(1)</script><!--", "b": "\u2028"})
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script><!--", "b": "\u2028"}


def test_bad_delivery_options_fail_the_build_with_every_problem(tmp_path):
    plugins = yaml_load((REPO / "mkdocs.yml").read_text())["plugins"]  # mkdocs.yml has !ENV tags
    for p in plugins:
        if isinstance(p, dict) and "kb-request" in p:
            p["kb-request"] = {
                "endpoint": "ftp://desk",
                "mailto": "support at example",
                "timeout": 0,
                "deflection_endpoint": "javascript:alert(1)",
            }
    cfg = make_project(tmp_path, include_shipped=False, extra_config=yaml.safe_dump({"plugins": plugins}))
    res = build(cfg)
    assert res.returncode != 0
    err = res.stdout + res.stderr
    assert "Plugin 'kb-request' option 'timeout': must be more than 0, got 0" in err
    assert (
        "Plugin 'kb-request' option 'endpoint': must be an http(s) URL or a site path starting "
        "with '/', got 'ftp://desk'" in err
    )
    assert "Plugin 'kb-request' option 'deflection_endpoint': must be an http(s) URL or a site path" in err
    assert "Plugin 'kb-request' option 'mailto': not an email address: 'support at example'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "site").exists()


def page_data(site: Path) -> dict:
    html = (site / "request" / "index.html").read_text(encoding="utf-8")
    return json.loads(
        re.search(r'<script type="application/json" id="kb-request-data">(.*?)</script>', html, re.DOTALL).group(1)
    )


def test_page_embeds_the_form_delivery_options_and_category_pages(shipped_site):
    data = page_data(shipped_site)
    assert data["delivery"] == {
        "endpoint": "",
        "mailto": "support@psigen.example",
        "timeout": 15,
        "retries": 2,
        "deflection_endpoint": "",
    }
    assert [s["id"] for s in data["form"]["steps"]][:2] == ["start", "product"]
    # Category and section pages: never offered as "this solved it".
    assert {"troubleshooting", "faq", "tips"} <= set(data["landing"])
    for rel in data["paths"].values():
        if not rel.endswith("/"):
            assert (shipped_site / rel).is_file(), rel  # what the page loads was published
    shards = sorted((shipped_site / "assets/intake/wizard/articles").glob("*.json"))
    assert len(shards) == data["article_buckets"]
    found = set()
    for shard in shards:
        doc = json.loads(shard.read_text())
        assert doc["version"] == 2
        for article_id in doc["articles"]:
            assert article_bucket(article_id, len(shards)) == int(shard.stem)  # where wizard.js looks
            found.add(article_id)
    assert len(found) >= 10 and not found & set(data["landing"])


def test_article_buckets_agree_between_python_and_the_wizard(tmp_path):
    ids = [
        "scanner-not-detected",
        "a",
        "x" * 128,
        "0x8007007a",
        "email-export-550-5-1-10",
        "é-ü",
        "constructor",
    ]
    src = (WIZARD_JS_DIR / "wizard.js").read_text()
    fn = src[src.index("function bucketOf") : src.index("async function fromArticle")]
    script = tmp_path / "b.mjs"
    script.write_text(
        fn + f"console.log(JSON.stringify({json.dumps(ids)}" + ".map((i) => [3, 7, 160].map((n) => bucketOf(i, n)))));"
    )
    got = json.loads(subprocess.run(["node", str(script)], capture_output=True, text=True, check=True).stdout)
    assert got == [[article_bucket(i, n) for n in (3, 7, 160)] for i in ids]


def _imports(path: Path) -> list[Path]:
    src = path.read_text()
    return [(path.parent / m).resolve() for m in re.findall(r'^import [^;]*? from "(\.[^"]+)";', src, re.MULTILINE)]


def test_wizard_modules_import_each_other_without_a_cycle():
    files = sorted(WIZARD_JS_DIR.rglob("*.js"))
    graph = {f.resolve(): _imports(f) for f in files}
    assert all(dep in graph for deps in graph.values() for dep in deps), "an import names a missing module"
    state: dict[Path, str] = {}

    def visit(node: Path, trail: list[Path]) -> None:
        state[node] = "open"
        for dep in graph[node]:
            assert state.get(dep) != "open", "import cycle: " + " -> ".join(p.name for p in trail + [node, dep])
            if dep not in state:
                visit(dep, trail + [node])
        state[node] = "done"

    for f in graph:
        if f not in state:
            visit(f, [])
    # Nothing imports the controller; screens never import each other's controller.
    assert not any((WIZARD_JS_DIR / "wizard.js").resolve() in deps for deps in graph.values())


def test_wizard_js_passes_tsc_check_js():
    tsc = REPO / "node_modules" / ".bin" / "tsc"
    if not tsc.exists():
        pytest.fail(f"{tsc} missing: run `make browser-deps` (npm install typescript)")
    res = subprocess.run(
        [str(tsc), "-p", str(REPO / "tsconfig.json")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    assert res.returncode == 0, res.stdout + res.stderr


WIZARD_BUDGET = 30 * 1024  # bytes, gzip: the wizard's own JS and CSS as the browser downloads them


def test_wizard_js_and_css_under_30_kb_gzip(shipped_site):
    folder = shipped_site / "assets" / "intake" / "wizard"
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".js", ".css"))
    assert {p.relative_to(folder).as_posix() for p in files} == {
        p.relative_to(WIZARD_JS_DIR).as_posix() for p in WIZARD_JS_DIR.rglob("*") if p.suffix in (".js", ".css")
    }
    total = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
    print(f"wizard JS+CSS: {len(files)} files, {total} bytes gzip")
    assert total < WIZARD_BUDGET


def test_published_modules_are_the_sources_without_comments(shipped_site, tmp_path):
    from intake.wizard.slim import slim_css, slim_js

    folder = shipped_site / "assets" / "intake" / "wizard"
    for src in sorted(WIZARD_JS_DIR.rglob("*")):
        if src.suffix not in (".js", ".css"):
            continue
        text = src.read_text(encoding="utf-8")
        published = (folder / src.relative_to(WIZARD_JS_DIR)).read_text(encoding="utf-8")
        assert published == (slim_js(text) if src.suffix == ".js" else slim_css(text))
        assert "//" not in "".join(line for line in published.splitlines() if line.startswith("//"))
        if src.suffix == ".js":  # still a valid module
            mod = tmp_path / (src.stem + ".mjs")
            mod.write_text(published, encoding="utf-8")
            res = subprocess.run(["node", "--check", str(mod)], capture_output=True, text=True, check=False)
            assert res.returncode == 0, f"{src.name}: {res.stderr}"
