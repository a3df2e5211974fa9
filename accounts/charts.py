"""The usage chart of the dashboard, laid out on the server and drawn as inline SVG.

No chart library and no JavaScript: the template draws the rectangles computed here, so the
page works under a strict Content-Security-Policy and without anything from outside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

# The drawing's own coordinates; the SVG scales to the width of the page.
# The stylesheet enlarges the labels on narrow screens, where the drawing is scaled down.
WIDTH = 640
HEIGHT = 240
LEFT = 64  # room for the y-axis labels, at least; more for long ones (label_room)
RIGHT = 32  # room for the last hour label, centred under the last bar
# A phone shows the drawing at about half size and the stylesheet doubles the labels (22px,
# 24px in the drawing's units), so the room for a label is reckoned at that size: about
# 14 units a digit, 8 a comma, and a margin.
DIGIT_WIDTH = 14
COMMA_WIDTH = 8
LABEL_MARGIN = 12
TOP = 32  # room for the count over the current hour's bar
BOTTOM = 32  # room for the hour labels
LABEL_EVERY_HOURS = 6


@dataclass(frozen=True)
class Bar:
    start: datetime
    count: int
    x: float
    y: float
    width: float
    height: float
    is_current: bool
    show_label: bool

    @property
    def center(self) -> float:
        return self.x + self.width / 2

    @property
    def label_y(self) -> float:
        """Where the count written over the bar sits."""
        return round(self.y - 6, 2)

    @property
    def hour_label(self) -> str:
        return f"{self.start:%H:%M}"


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    ticks: list[Tick]
    maximum: int
    total: int
    left: int = LEFT
    width: int = WIDTH
    height: int = HEIGHT
    right_edge: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM

    @property
    def axis_x(self) -> int:
        """The right edge of the y-axis labels."""
        return self.left - 8

    @property
    def label_y(self) -> int:
        """The baseline of the hour labels under the bars."""
        return self.height - 8

    @property
    def current(self) -> Bar:
        return self.bars[-1]

    def _current_label_fits_centred(self) -> bool:
        # Reckoned at the phone's size (24 units, bold): a little wider than a y-axis label.
        half = label_room(self.current.count) * 1.1 / 2
        return self.current.center + half <= self.width - 4

    @property
    def current_label_x(self) -> float:
        """Where the current hour's count sits: centred over its bar, unless that would cut
        it at the right edge; then it ends at the edge and grows to the left."""
        if self._current_label_fits_centred():
            return self.current.center
        return self.width - 4

    @property
    def current_label_anchor(self) -> str:
        return "middle" if self._current_label_fits_centred() else "end"

    @property
    def summary(self) -> str:
        """The chart in words, for screen readers."""
        return (
            f"Requests per hour over the last {len(self.bars)} hours: {self.total} in all, "
            f"{self.current.count} in the current hour."
        )


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least `value` (and at least 1)."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # not reached


def label_room(value: int) -> int:
    """The width a y-axis label of `value` takes at the phone's size, with its margin."""
    text = f"{value:,}"
    return text.count(",") * COMMA_WIDTH + (len(text) - text.count(",")) * DIGIT_WIDTH


def hourly_bar_chart(history: list[tuple[int, int]]) -> BarChart:
    """Lay out [(hour start in Unix seconds, requests)], oldest first; the last is this hour."""
    maximum = nice_ceiling(max((count for _, count in history), default=0))
    left = max(LEFT, label_room(maximum) + 8 + LABEL_MARGIN)  # 8: the gap to the axis
    plot_width = WIDTH - left - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = HEIGHT - BOTTOM
    slot = plot_width / max(1, len(history))
    bars = []
    for index, (start, count) in enumerate(history):
        height = plot_height * count / maximum
        started = datetime.fromtimestamp(start, tz=UTC)
        is_current = index == len(history) - 1
        bars.append(
            Bar(
                start=started,
                count=count,
                x=round(left + index * slot + slot * 0.15, 2),
                y=round(baseline - height, 2),
                width=round(slot * 0.7, 2),
                height=round(height, 2),
                is_current=is_current,
                show_label=started.hour % LABEL_EVERY_HOURS == 0,
            )
        )
    # Gridlines at 0, the middle (when it is a whole number) and the top.
    values = [0, maximum // 2, maximum] if maximum % 2 == 0 else [0, maximum]
    ticks = [Tick(value=v, y=round(baseline - plot_height * v / maximum, 2)) for v in values]
    return BarChart(
        bars=bars,
        ticks=ticks,
        maximum=maximum,
        total=sum(count for _, count in history),
        left=left,
    )
