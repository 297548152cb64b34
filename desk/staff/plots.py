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
from matplotlib.ticker import MaxNLocator

from .reports import Table

# Calm colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphics).
COLOURS = ("#1f5f8b", "#b3541e")
LABEL_CHARS = 40
RC: dict[str, Any] = {"svg.fonttype": "path", "svg.hashsalt": "kb-desk", "font.size": 9, "text.parse_math": False}


def _label(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "\u2026"


def _number(row: list[Any], table: Table) -> str:
    total = sum(float(row[c]) for c in table.values)
    return f"{total:g} %" if table.percent else f"{total:g}"


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
        legend = 0.3 if len(table.values) > 1 else 0.0
        fig = Figure(figsize=(6.4, 0.75 + legend + 0.32 * len(rows)), layout="constrained")
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
        # the number at the end of each bar (a 0 % bar is otherwise invisible)
        ax.bar_label(bars, labels=[_number(r, table) for r in rows], padding=3, fontsize=8)
        if not table.percent:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_yticks(ys, [_label(r[table.labels]) for r in rows])
        ax.invert_yaxis()
        ax.set_xlabel(", ".join(table.columns[c] for c in table.values))
        ax.spines[["top", "right"]].set_visible(False)
        if table.percent:
            ax.set_xlim(0, 112)  # room for the label of a 100 % bar
            ax.set_xticks(range(0, 101, 20))
        else:
            ax.set_xlim(0, max(left) * 1.12 or 1)
        if len(table.values) > 1:
            fig.legend(loc="outside lower center", ncols=len(table.values), frameon=False)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()
