"""kbtools/search/bundle.py: the search modules and the manifest joined into one module that
runs like the modules did (under node), and the forms it refuses, with their file and line."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kbtools.search import bundle
from kbtools.search.export import INDEX_DIR

MODULES = {
    "a.js": 'export const SAME = "a";\nexport function twice(x) { return 2 * x; }\nconst hidden = 1;\nexport { hidden as shown };\n',  # noqa: E501
    "b.js": 'import { twice, shown as one } from "./a.js";\nconst SAME = "b";  // the same name as a.js\n'
    "export class Box { constructor(v) { this.v = twice(v) + one; } }\nexport { SAME };\n",
    "embedded.js": "export const MANIFEST_TEXT = null;\n",
    "main.js": 'import { Box, SAME } from "./b.js";\nimport { MANIFEST_TEXT } from "./embedded.js";\n'
    'import { SAME as A } from "./a.js";\n'
    "console.log(JSON.stringify({ box: new Box(20).v, same: [A, SAME], manifest: MANIFEST_TEXT, "
    "url: import.meta.url.endsWith('.mjs') }));\n",
}


def node(path: Path) -> str:
    if shutil.which("node") is None:
        pytest.fail("node is needed to run the bundle")
    return subprocess.run(["node", str(path)], capture_output=True, text=True, timeout=60, check=True).stdout


def write_modules(folder: Path, modules: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in modules.items():
        (folder / name).write_text(text)
    return folder


def test_the_bundle_runs_like_the_modules_with_the_manifest_embedded(tmp_path):
    src = write_modules(tmp_path / "src", MODULES)
    manifest = json.dumps({"q": 'it\'s "quoted" \\ back\u2028slash', "é": [1, 2]}, ensure_ascii=False).encode()
    out = tmp_path / "bundle.mjs"
    out.write_text(bundle.bundle(manifest, src, "main.js"))
    got = json.loads(node(out))
    assert got["box"] == 41  # imports across modules, renamed with `as`, exported lists
    assert got["same"] == ["a", "b"]  # each module keeps its own top-level names
    assert json.loads(got["manifest"]) == json.loads(manifest)  # the manifest text, exactly
    assert got["url"] is True  # import.meta is the bundle's


def test_a_manifest_that_cannot_be_embedded_leaves_null_so_the_page_fetches_it(tmp_path):
    src = write_modules(tmp_path / "src", MODULES)
    for manifest in (None, b"\xff\xfe not utf-8", b" " * (bundle.LIMITS["manifest"] + 1)):
        out = tmp_path / "bundle.mjs"
        out.write_text(bundle.bundle(manifest, src, "main.js"))
        assert json.loads(node(out))["manifest"] is None


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("main.js", 'import * as a from "./a.js";\n', "main.js:1: cannot bundle this import"),
        ("main.js", "const x = 1;\nexport default x;\n", "main.js:2: cannot bundle this export"),
        ("main.js", 'import { a } from "./missing.js";\n', "main.js: imports missing.js, which is not in"),
        ("main.js", 'import { x y } from "./a.js";\n', "main.js:1: cannot bundle `x y`"),
        ("main.js", 'import { Box } from "./b.js";\n', "a.js: imports form a cycle: main.js -> b.js -> a.js -> b.js"),
    ],
)
def test_forms_it_does_not_handle_are_refused_with_file_and_line(tmp_path, name, text, message):
    modules = dict(MODULES, **{name: text})
    if "cycle" in message:
        modules["a.js"] = 'import { Box } from "./b.js";\n' + MODULES["a.js"]
    src = write_modules(tmp_path / "src", modules)
    with pytest.raises(bundle.BundleError) as err:
        bundle.bundle(None, src, "main.js")
    assert message in str(err.value)


def test_the_built_site_has_one_search_script_holding_its_manifest(shipped_site, tmp_path):
    """What the build wrote: the bundle of the published modules with this index's manifest."""
    manifest = (shipped_site / INDEX_DIR / "manifest.json").read_bytes()
    assert (shipped_site / bundle.BUNDLE).read_text() == bundle.bundle(manifest)
    html = (shipped_site / "index.html").read_text()
    assert html.count('<script type="module" async src="assets/search/search.js"></script>') == 1
    assert html.index("assets/search/search.js") < html.index("</head>")  # fetched with the page's head
    for module in ("ui.js", "engine.js", "analysis.js", "stemmer.js", "manifest.json"):
        assert module not in html
    # Rewriting it after the manifest changed (tests that damage the index do) embeds the new one.
    site = tmp_path / "site"
    shutil.copytree(shipped_site, site)
    (site / INDEX_DIR / "manifest.json").write_text('{"changed": true}')
    bundle.write(site)
    assert "MANIFEST_TEXT = '{\"changed\": true}'" in (site / bundle.BUNDLE).read_text()
