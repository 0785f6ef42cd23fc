"""History charts: valid PNGs of the asked size, one line per model on each axes, legible, never blocking the loop."""

from __future__ import annotations

import asyncio
import struct
import threading
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import ConciseDateFormatter
from matplotlib.text import Text

from bot import charts
from bot.charts import (
    MARKERS,
    MAX_MODELS,
    PALETTE,
    NoHistoryError,
    build_history_figure,
    render_history_png,
    render_history_png_async,
)
from bot.core.history import History, Point, model_history
from db.store import Store

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first; its CRC is checked too."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (kind, length) == (b"IHDR", 13)
    body = data[16 : 16 + length]
    (crc,) = struct.unpack(">I", data[16 + length : 20 + length])
    assert crc == zlib.crc32(kind + body)
    width, height = struct.unpack(">II", body[:8])
    assert data.endswith(b"IEND\xae\x42\x60\x82")
    return width, height


def series(name: str, ranks: list[int], *, start: str = "2024-06-19", every: int = 5) -> History:
    first = date.fromisoformat(start)
    points = [
        Point((first + timedelta(days=every * i)).isoformat(), rank, 1300.0 - 3 * rank) for i, rank in enumerate(ranks)
    ]
    return History(
        "arena-raw",
        "overall",
        name,
        name.casefold(),
        names=[name],
        points=points,
        best_rank=min(ranks, default=None),
        first_seen=points[0].date if points else None,
        last_seen=points[-1].date if points else None,
    )


def lines_per_axes(histories: list[History], **kwargs) -> list[int]:
    fig = build_history_figure(histories, board_title="Arena Text (no style control)", **kwargs)
    return [len(ax.get_lines()) for ax in fig.axes]


@pytest.mark.parametrize(("width", "height"), [(1200, 675), (800, 450), (1000, 563), (1234, 777), (600, 600)])
def test_png_has_the_asked_size(width: int, height: int) -> None:
    data = render_history_png(
        [series("GPT-4o", [1, 1, 2, 3]), series("Claude", [2, 3, 1, 1])],
        board_title="Arena Text (no style control)",
        width_px=width,
        height_px=height,
    )
    assert png_size(data) == (width, height)


def test_one_model_many_models_and_a_lone_point() -> None:
    assert lines_per_axes([series("GPT-4o", [1, 2, 3])]) == [1, 1]
    four = [series(f"Model {i}", [i, i + 1, i + 2] * 13) for i in range(1, 5)]
    assert lines_per_axes(four) == [4, 4]
    assert lines_per_axes([series("o1", [1])]) == [1, 1]
    assert png_size(render_history_png([series("o1", [1])], board_title="Arena Text (no style control)")) == (1200, 675)


def test_the_figure_is_what_the_issue_asks_for() -> None:
    histories = [series("GPT-4o", [1, 1, 2, 5, 13]), series("o1", [1], start="2024-07-09")]
    fig = build_history_figure(histories, board_title="Arena Text (no style control)", score_label="Rating")
    rank_ax, score_ax = fig.axes
    top, bottom = rank_ax.get_ylim()[1], rank_ax.get_ylim()[0]
    assert top < bottom  # inverted: rank 1 at the top
    ticks = [t for t in rank_ax.get_yticks() if top <= t <= bottom]
    assert ticks[0] == 1
    assert all(float(t).is_integer() for t in ticks)
    assert [ax.get_ylabel() for ax in fig.axes] == ["Rank", "Rating"]
    assert isinstance(score_ax.xaxis.get_major_formatter(), ConciseDateFormatter)  # dates on the shared x axis
    assert fig.get_suptitle() == "Arena Text (no style control) · 2024-06-19 – 2024-07-09"

    lines = rank_ax.get_lines()
    assert [line.get_label() for line in lines] == ["GPT-4o", "o1"]
    assert [line.get_color() for line in lines] == list(PALETTE[:2])
    assert [line.get_marker() for line in lines] == list(MARKERS[:2])
    assert lines[0].get_linestyle() == "-"
    assert lines[1].get_linestyle() == "None"  # one point: a marker, no line
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["GPT-4o", "o1"]


def test_the_palette_is_okabe_ito_with_distinct_markers() -> None:
    okabe_ito = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    assert set(PALETTE) == okabe_ito
    assert len(set(MARKERS)) == len(MARKERS) == MAX_MODELS


def test_text_is_legible_at_discord_preview_size() -> None:
    """Discord previews an image ~400 px wide: a third of 1200 px. Text of at least 12 pt on the 8-inch-wide
    figure is at least 12 / 72 * 400 / 8 = 8.3 px there."""
    fig = build_history_figure([series("GPT-4o", [1, 2, 3])], board_title="Arena Text (no style control)")
    FigureCanvasAgg(fig).draw()  # sets the tick labels
    texts = [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
    assert len(texts) > 10
    assert min(t.get_fontsize() for t in texts) >= 12


def test_models_without_points_are_named_not_drawn() -> None:
    histories = [series("GPT-4o", [1, 2]), series("Nothing", [])]
    fig = build_history_figure(histories, board_title="Arena Text (no style control)")
    assert [len(ax.get_lines()) for ax in fig.axes] == [1, 1]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["GPT-4o", "Nothing: no data"]


@pytest.mark.parametrize(
    ("histories", "message"),
    [
        ([], "nothing to chart: no model was given"),
        ([series("Nothing", [])], "nothing to chart: Arena Text (no style control) has no snapshot with Nothing"),
        (
            [series("A", []), series("B", [])],
            "nothing to chart: Arena Text (no style control) has no snapshot with A or B",
        ),
    ],
)
def test_no_data_is_a_friendly_error(histories: list[History], message: str) -> None:
    with pytest.raises(NoHistoryError) as raised:
        render_history_png(histories, board_title="Arena Text (no style control)")
    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)


def test_too_many_models_or_too_small_an_image() -> None:
    with pytest.raises(ValueError, match="at most 8 models"):
        render_history_png([series(f"M{i}", [i]) for i in range(9)], board_title="Arena Text (no style control)")
    with pytest.raises(ValueError, match="too flat"):
        render_history_png([series(f"M{i}", [i]) for i in range(8)], board_title="X", width_px=1200, height_px=300)
    eight = render_history_png(
        [series(f"Model {i}", [i, i + 1]) for i in range(8)], board_title="Arena Text (no style control)"
    )
    assert png_size(eight) == (1200, 675)


def test_real_arena_histories(store: Store) -> None:
    keys = ["gpt-4o-2024-05-13", "claude 3.5 sonnet (20240620)", "gemini-1.5-pro-002", "o1-2024-12-17"]
    histories = [model_history(store, "arena-raw", "overall", key) for key in keys]
    fig = build_history_figure(histories, board_title="Arena Text (no style control)", score_label="Rating")
    assert [len(ax.get_lines()) for ax in fig.axes] == [4, 4]
    assert [len(line.get_xdata()) for line in fig.axes[0].get_lines()] == [39, 38, 17, 1]
    assert fig.get_suptitle() == "Arena Text (no style control) · 2024-06-19 – 2024-12-31"
    assert png_size(render_history_png(histories, board_title="Arena Text (no style control)")) == (1200, 675)


async def test_rendering_in_a_thread_leaves_the_loop_free() -> None:
    histories = [series(f"Model {i}", list(range(1, 40))) for i in range(4)]
    ticks = 0
    done = asyncio.Event()

    async def heartbeat() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0)  # let it start
    before = ticks
    data = await render_history_png_async(histories, board_title="Arena Text (no style control)")
    done.set()
    await beat
    assert png_size(data) == (1200, 675)
    assert ticks - before >= 3  # the loop kept running while the chart was drawn (it takes well over 15 ms)
    assert data == render_history_png(histories, board_title="Arena Text (no style control)")


def test_concurrent_renders_are_safe_and_identical() -> None:
    histories = [series("GPT-4o", [1, 1, 2, 3, 5]), series("Claude", [2, 2, 1, 1, 1])]
    expected = render_history_png(histories, board_title="Arena Text (no style control)")
    threads: set[int] = set()

    def render(_: int) -> bytes:
        threads.add(threading.get_ident())
        return render_history_png(histories, board_title="Arena Text (no style control)")

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(render, range(4)))
    assert all(r == expected for r in results)
    assert len(threads) > 1


@pytest.mark.parametrize("name", [r"$\foo$", "price $5 and $6", r"a_{b}^c $x$"])
def test_a_name_with_dollars_is_drawn_as_written(name: str) -> None:
    """Before: matplotlib read "$\\foo$" as mathtext and the chart (and on Discord, the answer) failed."""
    png = render_history_png([series(name, [3, 2, 1])], board_title="Arena Text")
    assert png_size(png) == (1200, 675)


def test_a_chart_says_its_words_in_the_answers_language() -> None:
    """Spanish needs no other font: its labels, "no data", the title's dates and the months are Spanish."""
    histories = [series("GPT-4o", [1, 2, 3], every=20), series("Gone", [])]
    fig = build_history_figure(histories, board_title="Arena Text", score_label="Rating", lang="es-ES")
    rank_ax, score_ax = fig.axes
    assert (rank_ax.get_ylabel(), score_ax.get_ylabel()) == ("Puesto", "Puntuación")
    assert fig.get_suptitle() == "Arena Text · 19 jun 2024 – 29 jul 2024"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["GPT-4o", "Gone: sin datos"]
    FigureCanvasAgg(fig).draw()
    months = {t.get_text() for t in score_ax.get_xticklabels()}
    assert "jul" in months and not any("Jul" in m for m in months), months


@pytest.mark.parametrize(("installed", "drawn_in"), [(set(), "en"), ({"Garuda"}, "th")])
def test_thai_is_drawn_only_with_a_font_for_it(
    monkeypatch: pytest.MonkeyPatch, installed: set[str], drawn_in: str
) -> None:
    """Without a Thai font the chart is English rather than boxes; with one, Thai in that font."""
    monkeypatch.setattr(charts, "_installed_fonts", lambda: frozenset(installed | {"DejaVu Sans"}))
    assert charts.chart_language("th")[0] == drawn_in
    fig = build_history_figure([series("GPT-4o", [1, 2])], board_title="Arena Text", lang="th")
    assert fig.axes[0].get_ylabel() == ("อันดับ" if drawn_in == "th" else "Rank")
    if drawn_in == "th":
        assert fig.axes[0].yaxis.label.get_fontfamily() == ["DejaVu Sans", "Garuda"]
    assert charts.chart_language("es-ES") == ("es-ES", ["DejaVu Sans"])  # Latin letters: the base font


@pytest.mark.parametrize("lang", ["th", "zh-CN", "ja"])
def test_with_a_font_installed_no_glyph_is_missing(lang: str) -> None:
    """On a machine with the fonts (the Docker image installs them) every letter is drawn, none as a box."""
    if charts.chart_language(lang)[0] != lang:
        pytest.skip(f"no font for {lang} on this machine: its charts are drawn in English")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        png = render_history_png([series("GPT-4o", [1, 2, 3], every=20)], board_title="Arena Text", lang=lang)
    assert png_size(png) == (1200, 675)
