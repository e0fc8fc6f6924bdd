"""The pictures of the documents, drawn with matplotlib as PNG: bar chart, Zeitplan, process flow."""

from __future__ import annotations

import io
import textwrap

from .figures import BarChart, ProcessChart, Timeline
from .german import MONATE_KURZ

__all__ = ["draw_bar_chart", "draw_process", "draw_timeline", "preload"]

_CHART_COLOR = "#1F3A5F"
_CHART_LIGHT = "#7FA0C4"


def preload() -> None:
    """Import matplotlib and set it up (about half a second, once per process), with what writing a PNG
    loads on first use (the Agg renderer, Pillow's image plugins)."""
    _plt()
    from matplotlib.backends import backend_agg  # noqa: F401
    from PIL import Image

    Image.preinit()


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    family = "Liberation Sans" if "Liberation Sans" in names else "DejaVu Sans"
    plt.rcParams.update({
        "font.family": family,
        "font.size": 9,
        "axes.edgecolor": "#595959",
        "axes.labelcolor": "#262626",
        "xtick.color": "#404040",
        "ytick.color": "#404040",
        "svg.hashsalt": "ikz",
    })
    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200, metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def _finish_axes(fig, ax) -> bytes:
    """The house style of value axes: no top/right frame, light vertical grid; return PNG bytes."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#D9D9D9", linewidth=0.6)
    ax.set_axisbelow(True)
    fig.tight_layout()
    return _png(fig)


def draw_bar_chart(chart: BarChart) -> bytes:
    plt = _plt()
    n = len(chart.values)
    labels = ["\n".join(textwrap.wrap(label, 42)) or label for label in chart.labels]
    height = 0.9 + 0.42 * n + 0.1 * sum(label.count("\n") for label in labels)
    fig, ax = plt.subplots(figsize=(6.3, height))
    ys = list(range(n))[::-1]
    colors = [_CHART_LIGHT if " – " in label else _CHART_COLOR for label in chart.labels]
    ax.barh(ys, chart.values, color=colors, height=0.62)
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlim(0, max(chart.maximum, max(chart.values, default=0)) + 1)
    ax.set_xlabel(chart.xlabel, fontsize=8)
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    for y, v in zip(ys, chart.values):
        ax.text(v + 0.15, y, str(v), va="center", fontsize=8, color="#262626")
    return _finish_axes(fig, ax)


def draw_timeline(chart: Timeline) -> bytes:
    plt = _plt()
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    steps = chart.steps
    n = len(steps)
    fig, ax = plt.subplots(figsize=(6.3, 0.8 + 0.32 * n))
    ys = list(range(n))[::-1]
    for y, s in zip(ys, steps):
        start = mdates.date2num(s.start)
        end = mdates.date2num(s.ende)
        color = _CHART_COLOR if s.erledigt else _CHART_LIGHT
        if s.phase or end - start < 1:
            ax.plot([end], [y], marker="D", markersize=7, color=color, zorder=3)
        else:
            ax.barh(y, end - start, left=start, height=0.5, color=color)
    ax.set_yticks(ys)
    ax.set_yticklabels([f"{s.nummer}  {s.label}" for s in steps], fontsize=7.5)
    if chart.heute is not None:
        x = mdates.date2num(chart.heute)
        lo = min(mdates.date2num(s.start) for s in steps)
        hi = max(mdates.date2num(s.ende) for s in steps)
        if lo <= x <= hi:
            ax.axvline(x, color="#C00000", linestyle="--", linewidth=0.8)
            ax.text(x, n - 0.4, " Stand", color="#C00000", fontsize=7, va="bottom")
    ax.xaxis_date()
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda x, _: f"{MONATE_KURZ[mdates.num2date(x).month - 1]} {mdates.num2date(x).year}"))
    ax.tick_params(axis="x", labelsize=7.5)
    return _finish_axes(fig, ax)


def draw_process(chart: ProcessChart) -> bytes:
    plt = _plt()
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    n = len(chart.stufen)
    fig, ax = plt.subplots(figsize=(6.3, 1.9))
    ax.set_xlim(0, n)
    ax.set_ylim(0, 1)
    ax.axis("off")
    for i, (nummer, text, milestone) in enumerate(chart.stufen):
        x0 = i + 0.06
        w = 0.88
        face = _CHART_COLOR if milestone else "#E4EBF3"
        fg = "white" if milestone else "#1F3A5F"
        ax.add_patch(FancyBboxPatch((x0, 0.14), w, 0.72, boxstyle="round,pad=0.0,rounding_size=0.06",
                                    facecolor=face, edgecolor=_CHART_COLOR, linewidth=0.8))
        ax.text(i + 0.5, 0.7, nummer, ha="center", va="center", color=fg, fontsize=11, fontweight="bold")
        ax.text(i + 0.5, 0.4, text, ha="center", va="center", color=fg, fontsize=7.5, linespacing=1.3)
        if i < n - 1:
            ax.add_patch(FancyArrowPatch((x0 + w, 0.5), (x0 + 1.0 + 0.0, 0.5), arrowstyle="-|>",
                                         mutation_scale=8, color="#595959", linewidth=0.8))
    fig.tight_layout(pad=0.2)
    return _png(fig)
