"""The report's plots: one horizontal bar chart per `Table` with a `plot`, drawn server-side.

matplotlib with the Agg backend (no display, no pyplot state shared between threads), SVG
output with text as paths (no font is loaded by the page, and nothing in a label can act as
markup), `$` never read as mathematics. Each bar is a `<g id="bar-<row>-<series>">` so a test
can read the plotted lengths back and compare them with the table's numbers.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from .reports import Table

# Calm colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphics).
COLOURS = ("#1f5f8b", "#b3541e")
LABEL_CHARS = 40
RC: dict[str, Any] = {"svg.fonttype": "path", "svg.hashsalt": "kb-desk", "font.size": 9, "text.parse_math": False}


def _label(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "\u2026"


def _plotted_rows(table: Table) -> list[list[Any]]:
    return [r for r in table.rows if all(r[c] is not None for c in table.values)] if table.plot else []


def plotted(tables: list[Table]) -> set[str]:
    """The plot names of the tables that have something to draw."""
    return {t.plot for t in tables if t.plot and _plotted_rows(t)}


def svg(table: Table) -> str | None:
    """The plot of `table` as SVG text, or None when the table has no row to plot."""
    rows = _plotted_rows(table)
    if not rows:
        return None
    rows = rows[:30]
    with matplotlib.rc_context(RC):  # type: ignore[arg-type]
        fig = Figure(figsize=(6.4, 0.45 + 0.32 * len(rows)), layout="constrained")
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        ys = list(range(len(rows)))
        left = [0.0] * len(rows)
        for s, col in enumerate(table.values):
            vals = [float(r[col]) for r in rows]
            bars = ax.barh(ys, vals, left=left, color=COLOURS[s % len(COLOURS)], label=table.columns[col])
            for i, bar in enumerate(bars):
                bar.set_gid(f"bar-{i}-{s}")
            left = [a + b for a, b in zip(left, vals)]
        ax.set_yticks(ys, [_label(r[table.labels]) for r in rows])
        ax.invert_yaxis()
        if table.percent:
            ax.set_xlim(0, 100)
        ax.set_xlabel(", ".join(table.columns[c] for c in table.values))
        ax.spines[["top", "right"]].set_visible(False)
        if len(table.values) > 1:
            ax.legend(loc="lower right", frameon=False)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()
