"""Activity counts and the sparkline drawn from them."""

from __future__ import annotations

from eyelet_gui.components.sparkline import sparkline_svg
from eyelet_gui.state.live.activity import HISTORY_MINUTES, Activity

T0 = 1_800_000_000.0  # a minute boundary


def test_counts_per_second_and_per_minute() -> None:
    activity = Activity()
    for offset in (0.1, 0.2, 30.0, 70.0, 125.5, 125.6, 125.7):
        activity.record(T0 + offset)
    assert activity.last_at == T0 + 125.7
    assert activity.last_minute(T0 + 126) == 4, 'the changes at 70 s, 125.5, 125.6 and 125.7 s'
    assert activity.per_minute(T0 + 126)[-3:] == [3, 1, 3]
    assert len(activity.per_minute(T0 + 126)) == HISTORY_MINUTES
    assert activity.last_minute(T0 + 500) == 0
    assert activity.per_minute(T0 + HISTORY_MINUTES * 60 + 200) == [0] * HISTORY_MINUTES


def test_memory_stays_bounded_at_high_rates() -> None:
    activity = Activity()
    for n in range(100_000):
        activity.record(T0 + n / 1000)
    assert activity.last_minute(T0 + 100) == 60_000
    assert len(activity._seconds) == 60  # one bucket a second, whatever the rate


def test_sparkline_is_numbers_only() -> None:
    assert sparkline_svg([0, 2, 1], width=10, height=6) == (
        '<svg width="10" height="6" viewBox="0 0 10 6" role="img">'
        '<polyline points="0.0,5.0 5.0,1.0 10.0,3.0" fill="none" stroke="currentColor" stroke-width="1.5"/></svg>')
    assert 'points="0.0,5.0 10.0,5.0"' in sparkline_svg([0, 0], width=10, height=6)
