"""Plugin options: every bad option of a plugin reported at once, with bounds and did-you-mean,
through a real `mkdocs build` (no traceback, no site)."""

from __future__ import annotations

from testkit.project import build, make_project


def test_every_bad_kb_option_is_reported_at_once(tmp_path):
    bad = {"section_page_size": 0, "nav_window": 0, "related_count": -3, "navv_window": 5}
    cfg = make_project(tmp_path, include_shipped=False, plugin_options={"kb": bad})
    res = build(cfg)
    err = res.stdout + res.stderr
    assert res.returncode != 0
    assert "Plugin 'kb' option 'section_page_size': must be at least 10, got 0" in err
    assert "Plugin 'kb' option 'nav_window': must be at least 3, got 0" in err
    assert "Plugin 'kb' option 'related_count': must be at least 0, got -3" in err
    assert "Traceback" not in err and "ZeroDivisionError" not in err
    assert not (tmp_path / "site").exists()


def test_a_misspelt_option_is_named_with_a_did_you_mean(tmp_path):
    cfg = make_project(tmp_path, include_shipped=False, plugin_options={"kb": {"navv_window": 5}})
    res = build(cfg, strict=True)
    err = res.stdout + res.stderr
    assert res.returncode != 0  # under --strict the warning fails the build
    assert "Plugin 'kb' option 'navv_window': unknown option (did you mean 'nav_window'?)" in err
