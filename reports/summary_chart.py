"""A bar chart (PNG) of registration and acknowledgement rates per agency, or per unit.

Rendered with matplotlib's Agg canvas on a Figure object (no pyplot global state, so it is
safe in a worker thread), in DejaVu Sans: it ships with matplotlib and has every Vietnamese
glyph, so names like "Sở Kế hoạch và Đầu tư" render without missing-glyph boxes.
"""

from __future__ import annotations

import textwrap
from io import BytesIO

from domain.summary import SummaryRow
from domain.text import strip_invisible
from locales import _, format_percent
from reports.summary_common import SummaryReport

FONT = "DejaVu Sans"
COLORS = ("#1f5fa8", "#e07b1a", "#3a9d4a", "#8e44ad", "#c0392b")
LABEL_WIDTH = 38
TITLE_WIDTH = 90  # characters per title line at 12 pt on a 10-inch figure


def _label(name: str) -> str:
    name = strip_invisible(name)
    return name if len(name) <= LABEL_WIDTH else name[: LABEL_WIDTH - 1] + "…"


def _series(report: SummaryReport, rows: tuple[SummaryRow, ...]
            ) -> list[tuple[str, list[float | None]]]:
    """(legend, rate per row); None: no rate (nobody, or outside the campaign's scope)."""
    series: list[tuple[str, list[float | None]]] = [
        (_("Registration rate"), [r.registration_rate for r in rows])]
    for campaign in report.campaigns:
        name = (_("Acknowledgement rate") if len(report.campaigns) == 1
                else _("Acknowledgement rate {campaign}").format(campaign=campaign.key))
        series.append((name, [campaign.rate(r) for r in rows]))
    return series


def summary_chart(report: SummaryReport) -> bytes:
    """PNG bytes; rows in the summary's order, top to bottom."""
    # Imported here: matplotlib takes half a second to import, which every start of the bot
    # (and every restart after a crash) would otherwise pay before answering anybody.
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = report.chart_rows
    series = _series(report, rows)
    count = max(len(rows), 1)
    bar = 0.8 / len(series)
    # Names are shown as written: "$…$" in an agency's name must not be read as mathtext
    # (which drew it as a formula, or failed on "$\\frac$" and lost every file of the scope).
    with matplotlib.rc_context({"font.family": FONT, "font.size": 10,
                                "text.parse_math": False}):
        figure = Figure(figsize=(10, 1.6 + count * (0.28 + 0.22 * len(series))), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        for index, (name, values) in enumerate(series):
            positions = [i + index * bar for i in range(len(rows))]
            bars = axes.barh(positions, [(v or 0) * 100 for v in values], height=bar,
                             color=COLORS[index % len(COLORS)], label=name)
            axes.bar_label(bars, labels=["—" if v is None else format_percent(v)
                                         for v in values], padding=3, fontsize=8)
        axes.set_yticks([i + bar * (len(series) - 1) / 2 for i in range(len(rows))])
        axes.set_yticklabels([_label(r.agency.name) for r in rows])
        axes.invert_yaxis()
        axes.set_xlim(0, 112)
        axes.set_xticks(range(0, 101, 20))
        axes.set_xticklabels([f"{x}%" for x in range(0, 101, 20)])
        axes.set_xlabel(_("Share of staff (%)"))
        title = _("Registration and acknowledgement rates: {scope}, {year}").format(
            scope=report.scope_name, year=report.summary.year)
        figure.suptitle(textwrap.fill(title, TITLE_WIDTH), fontsize=12, fontweight="bold")
        axes.legend(loc="lower right", fontsize=9)
        axes.grid(axis="x", alpha=0.3)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        buffer = BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
