"""History charts as PNG: rank (1 at the top) and score over time for one or several models.

matplotlib through the object API only (`Figure` + `FigureCanvasAgg`, never pyplot), so no global figure state and
no GUI backend. matplotlib is not thread-safe as a whole (font caches, text layout), so renders are serialised by one
lock: `render_history_png_async` runs a render in a worker thread so the event loop never waits on it, and several
requests simply queue (what a render costs: BENCHMARKS.md, "History charts").

Legible at Discord's preview size: the image is drawn 1200 px wide and shown ~400 px wide, so text is sized in
points on a figure that is always 8 inches wide (the DPI follows the pixel width), thick lines, large markers.
Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies), and every model also has its
own marker so the chart reads in greyscale.

Languages: the words (axis labels, "no data", dates and months) are the answer's language, from the catalogues and
babel. Thai, Chinese and Japanese need a font with their script, which matplotlib does not ship: one installed on
the system is used (the Dockerfile installs them); without one the chart is drawn in English rather than in boxes.

No data: a chart of nothing helps nobody, so `render_history_png` raises `NoHistoryError` (a ValueError whose
message can be shown to a person) when no model has a point; the front end answers in text instead. A model without
points next to models with some draws no line and shows in the legend as '<name>: no data'. A model with one point
is drawn as a larger marker with no line.
"""

from __future__ import annotations

import asyncio
import functools
import io
import logging
import math
import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

import matplotlib
from babel.dates import format_skeleton
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, num2date
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from bot.core.history import History
from bot.core.i18n import DEFAULT, LANGUAGES, day, t
from bot.core.questions import MAX_CHART_MODELS
from bot.core.text import label_title

# Okabe & Ito (2008), most distinct first; yellow last (weak on white).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
MAX_MODELS = MAX_CHART_MODELS  # one Okabe-Ito colour and one marker each
assert len(PALETTE) >= MAX_MODELS and len(MARKERS) >= MAX_MODELS
FIGURE_WIDTH_IN = 8.0  # fixed, so font sizes in points scale with the pixel width

TITLE_PT = 17
LABEL_PT = 14
TICK_PT = 13
LEGEND_PT = 13
MIN_AXES_PT = 110  # both axes together, or the lines are unreadable

log = logging.getLogger(__name__)
_LOCK = threading.RLock()  # a render holds it, and the figure it builds takes it again
_TEXT = TextToPath()

BASE_FONT = "DejaVu Sans"  # matplotlib's own: Latin, Greek, Cyrillic
# Fonts that draw the scripts the base font lacks, best first, as distributions package them (Debian:
# fonts-noto-cjk, fonts-thai-tlwg). A language written in Latin letters needs none.
SCRIPT_FONTS: dict[str, tuple[str, ...]] = {
    "th": ("Noto Sans Thai", "Garuda", "Loma", "Waree", "Tlwg Typo"),
    # matplotlib reads only a font collection's first face: Debian's Noto CJK is the Japanese one, so a Chinese
    # font of its own comes first
    "zh-CN": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK JP"),
    "ja": ("Noto Sans CJK JP", "Source Han Sans JP", "IPAexGothic", "IPAGothic", "TakaoGothic", "Noto Sans CJK SC"),
}


_FALLEN_BACK: set[str] = set()


@functools.cache
def _installed_fonts() -> frozenset[str]:
    return frozenset(f.name for f in font_manager.fontManager.ttflist)


def chart_language(lang: str) -> tuple[str, list[str]]:
    """The language a chart is drawn in and the font families that draw it: `lang`, with a font for its script
    when it needs one and one is installed; else English, so a chart never shows boxes for letters."""
    needed = SCRIPT_FONTS.get(lang)
    if needed is None:
        return lang, [BASE_FONT]
    found = next((name for name in needed if name in _installed_fonts()), None)
    if found is None:
        if lang not in _FALLEN_BACK:  # once per language: every such chart is English until a font is installed
            _FALLEN_BACK.add(lang)
            log.warning("no font for %s charts (any of: %s): they are drawn in English", lang, ", ".join(needed))
        return DEFAULT, [BASE_FONT]
    return lang, [BASE_FONT, found]


def _date_labels(lang: str) -> FuncFormatter:
    """The date axis as the language writes it (babel): the year on 1 January, the month on the 1st, else the
    day and month ("6月19日", "19 มิ.ย.", "19 jun")."""
    locale = LANGUAGES[lang]

    def label(value: float, _position: int | None = None) -> str:
        d = num2date(value).date()
        skeleton = "y" if (d.month, d.day) == (1, 1) else "MMM" if d.day == 1 else "MMMd"
        return format_skeleton(skeleton, d, locale=locale)

    return FuncFormatter(label)


class NoHistoryError(ValueError):
    """Nothing to draw; the message is for a person."""


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _title(board_title: str, dates: Sequence[date], lang: str) -> str:
    first, last = day(lang, min(dates).isoformat()), day(lang, max(dates).isoformat())
    span = first if first == last else f"{first} – {last}"
    return f"{board_title} · {span}"


def _style_axes(ax: Axes, label: str, fonts: list[str]) -> None:
    ax.set_ylabel(label, fontsize=LABEL_PT)
    # tick labels are made as the chart is drawn, after the figure's fonts are set: they are named here
    ax.tick_params(labelsize=TICK_PT, width=1.2, length=5, labelfontfamily=fonts)
    ax.grid(True, color="#d9d9d9", linewidth=0.9)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _text_width_pt(labels: Sequence[str], size_pt: float) -> float:
    """How wide the longest label is drawn, in points, measured with the font (cheap enough to do per chart)."""
    prop = FontProperties(size=size_pt)
    return max((_TEXT.get_text_width_height_descent(label, prop, ismath=False)[0] for label in labels), default=0.0)


def _rank_ticks(best: int, worst: int) -> list[int]:
    """Round rank ticks (1, 5, 10, ... when the best rank is 1): the round ticks within the range, plus the best rank
    reached when no round tick is close to it, so the top of the axis is labelled without crowding."""
    locator = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=True, min_n_ticks=1)
    ticks = sorted({int(t) for t in locator.tick_values(best, worst) if best <= t <= worst})
    if not ticks:
        return [best]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else max(1, worst - best)
    return [best, *ticks] if ticks[0] - best >= 0.6 * step else ticks


def _tick_labels(ax: Axes) -> list[str]:
    """The y tick labels the axes will draw for its current limits, without drawing anything."""
    low, high = sorted(ax.get_ylim())
    formatter = ax.yaxis.get_major_formatter()
    values = [v for v in ax.yaxis.get_major_locator().tick_values(low, high) if low <= v <= high]
    formatter.set_locs(values)
    return [formatter(v) for v in values]


def build_history_figure(
    histories: Sequence[History],
    *,
    board_title: str,
    width_px: int = 1200,
    height_px: int = 675,
    score_label: str = "Score",
    lang: str = DEFAULT,
) -> Figure:
    """The chart as a matplotlib Figure (not yet rendered), its words in `lang` when it can be drawn in it
    (`chart_language`): two stacked axes sharing the date axis, rank on top
    (inverted, integer ticks) and score below, one line per drawn model on each axis (so each axes holds exactly
    as many lines as there are models with points). Raises NoHistoryError when no model has a point, ValueError
    for more than MAX_MODELS models or a size too small to read (the legend takes a row per two models).

    Margins are computed from the font sizes and the measured tick labels rather than by a layout engine, which
    would measure every tick label again at each draw: same layout, a good part of the render time saved."""
    if len(histories) > MAX_MODELS:
        raise ValueError(f"a chart shows at most {MAX_MODELS} models; {len(histories)} were asked for")
    if width_px < 300:
        raise ValueError(f"a chart needs at least 300 pixels of width, not {width_px}")
    if not histories:
        raise NoHistoryError("nothing to chart: no model was given")
    drawn = [h for h in histories if h.points]
    missing = [h for h in histories if not h.points]
    if not drawn:
        who = " or ".join(h.model for h in missing)
        raise NoHistoryError(f"nothing to chart: {board_title} has no snapshot with {who}")

    lang, fonts = chart_language(lang)
    # text takes its font when it is made, all of it here; rcParams are global, so one figure at a time
    with _LOCK, matplotlib.rc_context({"font.family": fonts}):
        return _figure(drawn, missing, board_title, width_px, height_px, score_label, lang, fonts)


def _figure(
    drawn: list[History],
    missing: list[History],
    board_title: str,
    width_px: int,
    height_px: int,
    score_label: str,
    lang: str,
    fonts: list[str],
) -> Figure:
    dpi = width_px / FIGURE_WIDTH_IN
    height_in = (height_px + 0.01) / dpi  # a hair over: Agg truncates the size to whole pixels
    fig = Figure(figsize=(FIGURE_WIDTH_IN, height_in), dpi=dpi)
    rank_ax, score_ax = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": (3, 2)})

    all_dates: list[date] = []
    ranks: list[int] = []
    handles: list[Line2D] = []
    for i, history in enumerate(drawn):
        days = [_day(p.date) for p in history.points]
        all_dates += days
        ranks += [p.rank for p in history.points]
        single = len(days) == 1
        style = {
            "color": PALETTE[i],
            "marker": MARKERS[i],
            "markersize": 10 if single else 6,
            "linewidth": 2.6,
            "linestyle": "none" if single else "-",
            "markeredgecolor": "#555555" if PALETTE[i] == "#000000" else "white",
            "markeredgewidth": 0.8,
            "zorder": 4 if single else 3 - i / 10,  # lone points and the first-named model on top
        }
        (line,) = rank_ax.plot(days, [p.rank for p in history.points], label=history.model, **style)
        score_ax.plot(days, [p.score for p in history.points], **style)
        handles.append(line)
    for history in missing:  # legend-only entries, not lines on the axes
        handles.append(Line2D([], [], linestyle="none", label=t(lang, "chart.no_data", model=history.model)))

    _style_axes(rank_ax, t(lang, "chart.rank"), fonts)
    _style_axes(score_ax, label_title(score_label, lang), fonts)
    best, worst = min(ranks), max(ranks)
    rank_ax.yaxis.set_major_locator(FixedLocator(_rank_ticks(best, worst)))
    score_ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10], min_n_ticks=2))
    score_ax.yaxis.get_major_formatter().set_useOffset(False)  # "1290", not "+1.28e3"
    pad = max(0.6, (worst - best) * 0.08)
    rank_ax.set_ylim(worst + pad, best - pad)  # inverted: the best rank at the top
    scores = [p.score for h in drawn for p in h.points]
    spread = max(scores) - min(scores)
    score_pad = spread * 0.08 if spread else max(1.0, abs(scores[0]) * 0.01)
    score_ax.set_ylim(min(scores) - score_pad, max(scores) + score_pad)

    first, last = min(all_dates), max(all_dates)
    if first == last:  # one date: give it some room, or the locator has nothing to divide
        first, last = first - timedelta(days=3), last + timedelta(days=3)
    margin = timedelta(days=max(1, (last - first).days * 0.03))
    score_ax.set_xlim(first - margin, last + margin)
    locator = AutoDateLocator(minticks=3, maxticks=7)
    score_ax.xaxis.set_major_locator(locator)
    score_ax.xaxis.set_major_formatter(ConciseDateFormatter(locator) if lang == DEFAULT else _date_labels(lang))
    score_ax.xaxis.get_offset_text().set_fontsize(TICK_PT)

    fig.suptitle(_title(board_title, all_dates, lang), fontsize=TITLE_PT, fontweight="bold", y=1 - 6 / (height_in * 72))
    labels = [h.get_label() for h in handles]
    entry_pt = _text_width_pt(labels, LEGEND_PT) + (2.2 + 0.8) * LEGEND_PT  # text, handle and the gap between
    columns = 2 if len(handles) > 1 and 2 * entry_pt + 1.5 * LEGEND_PT < FIGURE_WIDTH_IN * 72 - 8 else 1
    rows = -(-len(handles) // columns)
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 2 / (height_in * 72)),
        ncols=columns,
        fontsize=LEGEND_PT,
        frameon=False,
        handlelength=2.2,
        columnspacing=1.5,
        borderaxespad=0,
        borderpad=0.2,
    )

    # Margins in points, then as fractions of the figure.
    width_pt, height_pt = FIGURE_WIDTH_IN * 72, height_in * 72
    ticks = _tick_labels(rank_ax) + _tick_labels(score_ax)
    left = 8 + LABEL_PT * 1.3 + 8 + _text_width_pt(ticks, TICK_PT) + 8
    top = 6 + TITLE_PT * 1.35 + 8
    x_labels = 5 + 4 + TICK_PT * 1.25 + TICK_PT * 1.35  # tick, pad, labels, offset line ("2025-Jan")
    bottom = x_labels + rows * LEGEND_PT * 1.45 + 8
    # the last date's label is centred on its tick near the right edge: room for half the widest one
    dates = score_ax.xaxis.get_major_formatter().format_ticks(score_ax.xaxis.get_major_locator()())
    right = max(22, _text_width_pt(dates, TICK_PT) / 2 + 4)
    if height_pt - top - bottom < MIN_AXES_PT:
        needed = math.ceil((top + bottom + MIN_AXES_PT) / 72 * dpi)
        raise ValueError(f"{width_px}x{height_px} is too flat for this chart: make it at least {needed} px high")
    fig.subplots_adjust(
        left=left / width_pt,
        right=1 - right / width_pt,
        top=1 - top / height_pt,
        bottom=bottom / height_pt,
        hspace=16 / ((height_pt - top - bottom) / 2),
    )
    fig.align_ylabels([rank_ax, score_ax])
    return fig


def render_history_png(
    histories: Sequence[History],
    *,
    board_title: str,
    width_px: int = 1200,
    height_px: int = 675,
    score_label: str = "Score",
    lang: str = DEFAULT,
) -> bytes:
    """The chart as PNG bytes of exactly width_px x height_px, in `lang` when it can be drawn in it. Blocking (see
    BENCHMARKS.md): from async code use `render_history_png_async`."""
    # Names are shown as written: "$\\foo$" in a model name is text, not mathtext (which would fail the chart).
    with _LOCK, matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        fig = build_history_figure(
            histories, board_title=board_title, width_px=width_px, height_px=height_px, score_label=score_label,
            lang=lang,
        )  # fmt: skip
        buffer = io.BytesIO()
        FigureCanvasAgg(fig).print_png(buffer)
    return buffer.getvalue()


async def render_history_png_async(
    histories: Sequence[History],
    *,
    board_title: str,
    width_px: int = 1200,
    height_px: int = 675,
    score_label: str = "Score",
    lang: str = DEFAULT,
) -> bytes:
    """`render_history_png` in a worker thread, so the event loop (and the Discord heartbeat) never blocks."""
    return await asyncio.to_thread(
        render_history_png,
        list(histories),
        board_title=board_title,
        width_px=width_px,
        height_px=height_px,
        score_label=score_label,
        lang=lang,
    )


def since(histories: Sequence[History], first_date: str) -> list[History]:
    """The histories with only their points from `first_date` on: a weekly digest charts the recent weeks of its
    top models, not their whole lives (a model with no point since then shows as 'no data')."""
    return [replace(h, points=[p for p in h.points if p.date >= first_date]) for h in histories]


async def render_top_history_png_async(
    histories: Sequence[History],
    *,
    first_date: str,
    board_title: str,
    score_label: str = "Score",
    lang: str = DEFAULT,
) -> bytes:
    """The history chart of a board's top models from `first_date` on, in a worker thread (the weekly digest's
    image)."""
    return await render_history_png_async(
        since(histories, first_date), board_title=board_title, score_label=score_label, lang=lang
    )
