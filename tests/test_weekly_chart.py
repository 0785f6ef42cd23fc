"""The weekly summary's chart: the top 5's histories over the recent weeks only, as a PNG, off the event loop."""

from __future__ import annotations

from bot.charts import build_history_figure, render_top_history_png_async, since
from bot.core.snapshots import reader
from bot.core.weekly import CHART_WEEKS, weekly_summary
from db.store import Store
from tests.test_charts import png_size


def last_week(store: Store):  # type: ignore[no-untyped-def]
    boards = reader(store).accepted("arena-raw", "overall")
    return weekly_summary(store, boards[-3], boards[-1])


def test_the_chart_shows_only_the_recent_weeks_of_the_top_five(shared_store: Store) -> None:
    summary = last_week(shared_store)
    assert summary.chart_since == "2024-10-08"  # CHART_WEEKS before 2024-12-31
    assert CHART_WEEKS == 12
    assert min(p.date for h in since(summary.top, summary.chart_since) for p in h.points) >= "2024-10-08"
    recent = since(summary.top, "2024-12-16")
    assert [h.model for h in recent] == [h.model for h in summary.top]
    assert [p.date for p in recent[0].points] == ["2024-12-16", "2024-12-20", "2024-12-23", "2024-12-31"]
    assert sum(len(h.points) for h in recent) < sum(len(h.points) for h in summary.top)  # older points dropped
    figure = build_history_figure(recent, board_title="Arena")
    assert [len(ax.get_lines()) for ax in figure.axes] == [len(recent), len(recent)]


async def test_the_chart_is_a_png_of_the_usual_size(shared_store: Store) -> None:
    summary = last_week(shared_store)
    png = await render_top_history_png_async(summary.top, first_date=summary.chart_since, board_title="Arena")
    assert png_size(png) == (1200, 675)
