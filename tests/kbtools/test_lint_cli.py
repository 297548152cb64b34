"""`kb lint` through `kbtools.cli.main`: exit codes, exact messages, bad input, the policy checks,
and the two real KBs (the shipped one and the 2,446-article corpus)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kbtools.cli import main
from testkit.paths import CORPUS
from testkit.project import REPO

LINE = re.compile(r"^[^:\n]+:\d+: [A-Z]+\d+ .+$")
CLEAN = "---\ntitle: {title}\ntype: faq\n---\n\n# {title}\n"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


# ----- exit codes and exact output --------------------------------------------------------------
def test_a_clean_kb_prints_only_the_summary_and_exits_zero(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"a.md": CLEAN.format(title="Alpha"), "b.md": CLEAN.format(title="Beta")})
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "lint", ".") == (0, "kb lint: 2 article(s), 0 error(s), 0 warning(s)\n", "")


def test_warnings_alone_exit_zero_and_strict_makes_them_fail(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"kb/plain.md": "# Plain page\n\nText.\n"})
    monkeypatch.chdir(tmp_path)
    expected = (
        "kb/plain.md:1: KB106 no 'type': treated as 'documentation'; say so in the front matter (warning)\n"
        "kb lint: 1 article(s), 0 error(s), 1 warning(s)\n"
    )
    assert run(capsys, "lint", "kb") == (0, expected, "")
    assert run(capsys, "lint", "kb", "--strict") == (1, expected, "")


def test_an_error_exits_one(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"a.md": CLEAN.format(title="Alpha") + "\nSee [b](zzz.md).\n"})
    monkeypatch.chdir(tmp_path)
    rc, out, _ = run(capsys, "lint", ".")
    assert rc == 1
    assert out == "a.md:8: KB203 link to a missing page 'zzz.md'\nkb lint: 1 article(s), 1 error(s), 0 warning(s)\n"


def test_without_mkdocs_yml_or_path_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "lint") == (
        1,
        "",
        "ERROR: no mkdocs.yml here; run `kb lint` in a KB project or name a folder: `kb lint docs/`\n",
    )
    assert run(capsys, "lint", "nope") == (1, "", "ERROR: nope: no such folder\n")


def test_reads_docs_dir_and_exclude_docs_from_mkdocs_yml(tmp_path, monkeypatch, capsys):
    write(
        tmp_path,
        {
            "mkdocs.yml": "site_name: t\ndocs_dir: content\nexclude_docs: |\n  drafts/\n",
            "content/a.md": CLEAN.format(title="Alpha"),
            "content/drafts/broken.md": "[x](missing.md)\n",
            "content/.hidden/broken.md": "[x](missing.md)\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "lint") == (0, "kb lint: 1 article(s), 0 error(s), 0 warning(s)\n", "")


# ----- links ------------------------------------------------------------------------------------------
def test_link_forms(tmp_path, monkeypatch, capsys):
    write(
        tmp_path,
        {
            "a.md": CLEAN.format(title="Alpha")
            + (
                "\n[html anchor](b.md#kept)\n"  # line 8: an id written in HTML
                "[heading with html](b.md#second-part)\n"  # 9: toc drops the <a> tag
                "[by address](b/)\n"  # 10: a page named by its URL
                "[request form](request/)\n"  # 11: a page another plugin generates
                "[ref][r]\n"  # 12
                "\n[r]: gone.md\n"  # 14: a reference definition
                '<img src="pic.png" alt="">\n'  # 15
                "[mail](mailto:a@example.com) [web](https://example.com/missing.md)\n"
                "\n[^1]: A footnote, not a link.\n"
            ),
            "b.md": CLEAN.format(title="Beta") + '\n<a id="kept"></a>\n\n## <a id="x"></a>Second part\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "lint", ".")
    assert out.splitlines()[:-1] == [
        "a.md:10: KB211 link 'b/' names a page by its address: link to 'b.md' so the build can check it (warning)",
        "a.md:14: KB203 link to a missing page 'gone.md'",
        "a.md:15: KB205 missing image 'pic.png'",
    ]


def test_images_used_by_mkdocs_yml_are_not_orphans(tmp_path, monkeypatch, capsys):
    write(
        tmp_path,
        {
            "mkdocs.yml": "site_name: t\ntheme:\n  name: material\n  logo: assets/logo.png\n",
            "docs/a.md": CLEAN.format(title="Alpha"),
            "docs/assets/logo.png": b"\x89PNG\r\n",
            "docs/assets/old.png": b"\x89PNG\r\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "lint")
    assert out.splitlines()[:-1] == [
        "docs/assets/old.png:1: KB206 image not used by any article; delete it or link it (warning)"
    ]


# ----- bad input: never a traceback -------------------------------------------------------------
def test_bad_files_are_problems_not_crashes(tmp_path, monkeypatch, capsys):
    kb = write(
        tmp_path / "kb",
        {
            "junk.md": bytes(range(256)) * 64,
            "empty.md": "",
            "nul.md": b"---\ntitle: a\x00b\n---\n# x\n",
            "huge.md": "---\ntitle: Huge\ntype: faq\n---\n# Huge\n\n" + "A [link](huge.md#huge) line.\n" * 50_000,
            "deep/" * 30 + "deep.md": CLEAN.format(title="Deep"),
        },
    )
    os.symlink(".", kb / "loop")  # a folder that contains itself
    os.symlink("b.md", kb / "a.md")  # two links pointing at each other
    os.symlink("a.md", kb / "b.md")
    os.symlink("missing.md", kb / "dead.md")
    monkeypatch.chdir(tmp_path)
    rc, out, err = run(capsys, "lint", "kb")
    assert rc == 1 and err == ""
    lines = out.splitlines()
    for expected in [
        "kb/a.md:1: KB100 cannot read: Too many levels of symbolic links",
        "kb/dead.md:1: KB100 broken symbolic link to 'missing.md'",
        "kb/loop:1: KB110 symbolic link to a folder already in the KB ('.'); skipped (warning)",
        "kb/junk.md:2: KB101 invalid UTF-8 (byte 0x80 at offset 128); save the file as UTF-8",
        "kb/empty.md:1: KB105 no title: add 'title:' to the front matter or a '# Heading' (warning)",
    ]:
        assert expected in lines
    # The line of a NUL byte is the front-matter parser's business (libyaml says line 1 or 2).
    assert any(re.match(r"kb/nul\.md:\d: KB102 malformed front matter", line) for line in lines)
    assert not any(line.startswith("kb/huge.md") for line in lines)
    assert lines[-1] == "kb lint: 5 article(s), 5 error(s), 5 warning(s)"
    assert all(LINE.match(line) for line in lines[:-1])


# ----- the policy file ------------------------------------------------------------------------------
POLICY = (
    "products:\n  - {id: scanner, name: P, deployments: [cloud], versions: [{version: '1.0', released: 2024-01-01}]}\n"
)


def _policy_kb(tmp_path: Path, monkeypatch, policy: str | None = POLICY, plugins: tuple[str, ...] = ()) -> None:
    files = {
        "mkdocs.yml": "site_name: t\nplugins:\n  - kb:\n      policy_file: policy.yml\n"
        + "".join(f"  - {p}\n" for p in plugins),
        "docs/a.md": "---\ntitle: A\ntype: faq\nproducts: [scaner]\n---\n# A\n",
    }
    if policy is not None:
        files["policy.yml"] = policy
    write(tmp_path, files)
    monkeypatch.chdir(tmp_path)


def test_a_missing_policy_file_is_reported(tmp_path, monkeypatch, capsys):
    _policy_kb(tmp_path, monkeypatch, policy=None)
    assert run(capsys, "lint")[:2] == (
        1,
        (
            "policy.yml:1: KB301 policy file not found (plugins.kb.policy_file in mkdocs.yml); products and versions not checked\n"  # noqa: E501
            "kb lint: 1 article(s), 1 error(s), 0 warning(s)\n"
        ),
    )


def test_the_policy_checks_of_a_listed_plugin_run(tmp_path, monkeypatch, capsys):
    # mkdocs.yml lists kb-intake: its `kb.lint` entry point (intake.checks) checks the whole file.
    _policy_kb(tmp_path, monkeypatch, plugins=("kb-intake",))
    rc, out, _ = run(capsys, "lint")
    lines = out.splitlines()
    assert rc == 1
    assert "policy.yml:1: POL102 missing required key 'calendar'" in lines
    assert "docs/a.md:4: KB108 unknown product 'scaner' (did you mean 'scanner'?)" in lines


def test_without_the_plugin_the_policy_is_only_read_for_products(tmp_path, monkeypatch, capsys):
    _policy_kb(tmp_path, monkeypatch)
    _, out, _ = run(capsys, "lint")
    assert out.splitlines() == [
        "docs/a.md:4: KB108 unknown product 'scaner' (did you mean 'scanner'?)",
        "kb lint: 1 article(s), 1 error(s), 0 warning(s)",
    ]


def test_policy_checks_that_crash_do_not_stop_lint(tmp_path, monkeypatch, capsys):
    # A real installed distribution (a .dist-info on sys.path) whose `kb.lint` check crashes.
    ext = tmp_path / "ext"
    (ext / "crashing_ext-1.0.dist-info").mkdir(parents=True)
    (ext / "crashing_ext.py").write_text("def check(policy, today):\n    raise ValueError('boom')\n")
    (ext / "crashing_ext-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: crashing-ext\nVersion: 1.0\n"
    )
    (ext / "crashing_ext-1.0.dist-info" / "entry_points.txt").write_text("[kb.lint]\nkb-crash = crashing_ext:check\n")
    monkeypatch.syspath_prepend(str(ext))
    _policy_kb(tmp_path, monkeypatch, plugins=("kb-crash",))
    _, out, _ = run(capsys, "lint")
    assert "policy.yml:1: KB300 the kb-crash checks could not run: ValueError: boom (warning)" in out.splitlines()
    assert "docs/a.md:4: KB108 unknown product 'scaner' (did you mean 'scanner'?)" in out.splitlines()


def test_an_unreadable_lifecycle_is_reported_at_its_lines_and_articles_are_still_linted(tmp_path, monkeypatch, capsys):
    _policy_kb(tmp_path, monkeypatch, policy="products: [{id: x}]\n")
    _, out, _ = run(capsys, "lint")
    assert out.splitlines() == [
        "policy.yml:1: POL102 products[x]: missing required key 'deployments'",
        "policy.yml:1: POL102 products[x]: missing required key 'name'",
        "policy.yml:1: POL102 products[x]: missing required key 'versions'",
        "kb lint: 1 article(s), 3 error(s), 0 warning(s)",
    ]


# ----- the real KBs -------------------------------------------------------------------------------------
def test_the_shipped_kb_has_no_lint_errors(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    rc, out, err = run(capsys, "lint")
    assert rc == 0, out + err
    assert re.fullmatch(r"kb lint: \d+ article\(s\), 0 error\(s\), \d+ warning\(s\)", out.splitlines()[-1])


@pytest.mark.corpus
def test_the_real_corpus_lints_without_a_crash(capsys):
    if not CORPUS.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS} (set KB_CORPUS)")
    rc, out, err = run(capsys, "lint", str(CORPUS), "--orphans")
    assert rc in (0, 1) and "Traceback" not in err and not err.startswith("ERROR")
    lines = out.splitlines()
    count = sum(1 for _ in CORPUS.glob("*.md"))
    assert lines[-1].startswith(f"kb lint: {count} article(s), ")
    assert all(LINE.match(line) for line in lines[:-1])
    # Every corpus article is readable UTF-8 with front matter that parses.
    assert not [line for line in lines if re.search(r": KB10[0-2] ", line)]


@pytest.mark.parametrize(
    "config",
    [
        "site_name: t\nnav: [unclosed\n",
        "site_name: t\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:no_such_module.index\n",  # noqa: E501
    ],
)
def test_a_broken_mkdocs_yml_is_an_error_message(tmp_path, monkeypatch, capsys, config):
    write(tmp_path, {"mkdocs.yml": config, "docs/a.md": CLEAN.format(title="A")})
    monkeypatch.chdir(tmp_path)
    rc, out, err = run(capsys, "lint")
    assert (rc, out) == (1, "")
    assert err.startswith("ERROR: mkdocs.yml: cannot read the MkDocs configuration: ") and "Traceback" not in err
