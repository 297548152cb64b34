"""`kb desk report --out DIR`: the report as a static folder for writers without a desk login.

DIR gets `index.html`, the plots as `*.svg`, `desk.css` and `favicon.svg`: nothing is loaded from another
host and no script is needed. The folder is written beside DIR and swapped in whole, so a
failure leaves the previous report as it was; a DIR that holds something other than a
previous report (no `.kb-desk-report` mark) is refused rather than replaced.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

from kbcore.problems import KbError

from ..storage import Store
from . import plots, reports

HERE = Path(__file__).resolve().parent
MARK = ".kb-desk-report"
ASSETS = ("desk.css", "favicon.svg")


def write(out: Path, store: Store, policy: dict[str, Any], catalog_path: Path | None, at: dt.datetime) -> list[str]:
    """Write the report folder; returns the file names written."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARK).is_file())):
        raise KbError(f"{out}: exists and is not a previous desk report; give an empty or new folder")
    rep = reports.build(store, policy, *reports.load_catalog(catalog_path), at=at)
    tables = [t for s in rep.sections for t in s.tables]
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
    html = env.get_template("report_static.html").render(report=rep, images="", plotted=plots.plotted(tables))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        files = {"index.html": html}
        for t in tables:
            image = plots.svg(t)
            if image is not None and t.plot:
                files[t.plot] = image
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        for asset in ASSETS:
            shutil.copy(HERE / "static" / asset, tmp / asset)
        (tmp / MARK).write_text("written by kb desk report\n", encoding="utf-8")
        old = out.with_name(f".{out.name}.old")
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted([*files, *ASSETS])
