"""The package works installed, not only editable: build the wheel, install it into a fresh
virtual environment outside the repository, and use it as a KB repository would.

In that environment nothing of the checkout is importable: the tools come from the wheel
alone, so a template, schema, synonym list or dependency missing from it fails here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from testkit.paths import REPO

pytestmark = pytest.mark.slow


def run(cmd: list[str], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert res.returncode == 0, f"{' '.join(cmd)}\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """bin/ folder of a fresh venv with the project's wheel installed (and nothing else of it)."""
    root = tmp_path_factory.mktemp("wheel")
    # Build from a copy of the tracked files: what a fresh clone has, no build/ or egg-info.
    src = root / "src"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        if (REPO / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, src / rel)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root / "dist"), str(src)], root)
    wheel = next((root / "dist").glob("kb_helpcenter-*.whl"))
    venv = root / "venv"
    run([sys.executable, "-m", "venv", str(venv)], root)
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], root)
    return venv / "bin"


def test_a_two_file_kb_builds_searches_and_lints(installed, tmp_path):
    kb = tmp_path / "kb"
    (kb / "docs" / "guides").mkdir(parents=True)
    (kb / "mkdocs.yml").write_text(
        "site_name: Two files\ntheme:\n  name: material\n  font: false\nplugins:\n  - kb\n  - kb-search\n"
    )
    (kb / "docs" / "index.md").write_text(
        "---\ntitle: Home\ntype: documentation\n---\n# Home\n\n<!-- kb:categories -->\n"
    )
    (kb / "docs" / "guides" / "reset-password.md").write_text(
        "---\ntitle: Reset your password\ntype: how-to\n---\n# Reset your password\n\nOpen Settings, then Security.\n"
    )
    run([str(installed / "mkdocs"), "build", "--strict"], kb)
    assert (kb / "site" / "guides" / "reset-password" / "index.html").is_file()
    assert (kb / "site" / "schemas" / "article-front-matter.schema.json").is_file()
    out = run([str(installed / "kb"), "search", "--json", "--site", "site", "reset password"], kb).stdout
    assert '"reset-password"' in out
    assert "0 error(s)" in run([str(installed / "kb"), "lint"], kb).stdout
    assert run([str(installed / "kb"), "--version"], kb).stdout.startswith("kb ")


def test_the_shipped_kb_builds_from_the_wheel(installed, tmp_path):
    kb = tmp_path / "shipped"
    shutil.copytree(REPO / "docs", kb / "docs")
    shutil.copy(REPO / "mkdocs.yml", kb / "mkdocs.yml")
    run([str(installed / "mkdocs"), "build"], kb)
    for rel in (
        "request/index.html",
        "policy/compiled-policy.json",
        "schemas/request-payload.v1.json",
        "assets/intake/engine.js",
        "assets/search/engine.js",
        "search/index.html",
    ):
        assert (kb / "site" / rel).is_file(), rel
    out = run([str(installed / "kb"), "search", "--site", "site", "--limit", "3", "scanner not detected"], kb).stdout
    assert "Scanner is not detected" in out
    lint = run([str(installed / "kb"), "lint"], kb).stdout
    assert " 0 error(s)" in lint
    assert run([str(installed / "kb"), "intake", "check", "docs/_data/support-policy.yml"], kb).stdout.endswith(
        "policy OK\n"
    )


def test_nothing_of_the_checkout_is_what_ran(installed):
    # The venv's packages are files from the wheel, not the repository (not an editable install).
    res = run(
        [
            str(installed / "python"),
            "-c",
            "import kbtools, intake, kbcore, desk; "
            "print(kbtools.__file__, intake.__file__, kbcore.__file__, desk.__file__)",
        ],
        installed,
    )
    assert str(REPO) not in res.stdout and "site-packages" in res.stdout
    with zipfile.ZipFile(next(installed.parent.parent.glob("dist/*.whl"))) as whl:
        names = whl.namelist()
    assert not any(n.startswith(("testkit/", "tests/", "bench/")) for n in names)
    assert "kbtools/search/synonyms.txt" in names
    word_lists = {"thesaurus.txt.gz", "english.txt.gz", "THESAURUS-LICENSE.txt"}
    assert {f"kbtools/search/{n}" for n in word_lists} <= set(names)
    # Installed and readable where the package looks for them (the default build does not read
    # the thesaurus: it is off unless ranking.thesaurus > 0; it reads the English words).
    res = run(
        [
            str(installed / "python"),
            "-c",
            "from kbtools.search import english, thesaurus; th = thesaurus.load(); en = english.load(); "
            "print(thesaurus.THESAURUS, len(th), 'repair' in th.get('mend', []), "
            "english.ENGLISH, len(en), 'helm' in en)",
        ],
        installed,
    )
    where, count, mend, en_where, en_count, helm = res.stdout.split()
    assert "site-packages" in where and int(count) > 10_000 and mend == "True"
    assert "site-packages" in en_where and int(en_count) > 50_000 and helm == "True"
