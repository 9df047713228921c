"""Charts of a series over time as plain numbers; `reports/_chart.html` draws them as SVG.

Our own SVG renders faster in WeasyPrint than pygal or matplotlib output, needs no
script (CSP) and looks the same in the browser and the PDF.
"""

import math
from dataclasses import dataclass

from assessments.models import Severity
from assessments.progress import MeasureProgress, PatternProgress, Point, Series

WIDTH = 320
HEIGHT = 120
LEFT = 70  # room for the value labels
RIGHT = 10
TOP = 10
BOTTOM = 24  # room for the date labels
PAIN_LEVELS = [(0, "0"), (5, "5"), (10, "10")]


@dataclass(frozen=True)
class ChartDot:
    x: float
    y: float
    is_draft: bool
    date_label: str
    value_label: str


@dataclass(frozen=True)
class ChartAxisLabel:
    x: float
    y: float
    text: str
    anchor: str = "end"


@dataclass(frozen=True)
class Chart:
    key: str  # unique on a page: the id of the chart's accessible title
    name: str
    summary: str  # the accessible name: what a sighted reader takes from the line
    value_name: str
    width: int
    height: int
    polyline: str
    dots: list[ChartDot]
    y_labels: list[ChartAxisLabel]
    x_labels: list[ChartAxisLabel]
    gridlines: str  # one SVG path: a horizontal line at each level

    @property
    def loose_dots(self) -> list[ChartDot]:
        """The dots the line's markers do not draw: drafts (hollow, over the marker) and the point
        of a chart with no line."""
        if not self.polyline:
            return self.dots
        return [dot for dot in self.dots if dot.is_draft]


def _day(point: Point) -> str:
    return f"{point.session_date.day} {point.session_date:%b %Y}"


def _sessions(count: int) -> str:
    return f"{count} session{'' if count == 1 else 's'}"


def severity_chart(item: PatternProgress) -> Chart:
    first, latest = item.points[0], item.points[-1]
    summary = (
        f"{item.label}: severity over {_sessions(len(item.points))}, from {item.first_label} on "
        f"{_day(first)} to {item.latest_label} on {_day(latest)} ({item.change})."
    )
    key = f"severity-{item.pattern.slug}-{item.side or 'x'}"
    levels = [(level.value, level.label) for level in Severity]
    return _chart(item, key=key, name=item.label, summary=summary, value_name="Severity", levels=levels)


def pain_chart(pain: Series) -> Chart:
    first, latest = pain.points[0], pain.points[-1]
    summary = (
        f"Pain over {_sessions(len(pain.points))}, from {first.value} out of 10 on {_day(first)} "
        f"to {latest.value} out of 10 on {_day(latest)} ({pain.change})."
    )
    return _chart(
        pain, key="pain", name="Pain", summary=summary, value_name="Pain (0 to 10)", levels=PAIN_LEVELS
    )


def measure_chart(item: MeasureProgress) -> Chart:
    measure = item.measure
    first, latest = item.points[0], item.points[-1]
    summary = (
        f"{item.label} over {_sessions(len(item.points))}, from {item.first_label} on {_day(first)} "
        f"to {item.latest_label} on {_day(latest)} ({item.change})."
    )
    if measure.is_test:
        levels = [(0, "failed"), (1, "passed")]
    else:
        # The axis spans the values taken, not the measure's whole range, so that a change shows.
        values = [point.value for point in item.points]
        low, high = math.floor(min(values)), math.ceil(max(values))
        if low == high:
            low, high = low - 1, high + 1
        levels = [(low, measure.show(low)), (high, measure.show(high))]
    key = f"measure-{measure.slug}-{item.side or 'x'}"
    return _chart(
        item,
        key=key,
        name=item.label,
        summary=summary,
        value_name=measure.name,
        levels=levels,
        show=measure.show,
    )


def _chart(
    series: Series,
    *,
    key: str,
    name: str,
    summary: str,
    value_name: str,
    levels: list[tuple[int, str]],
    show=str,
) -> Chart:
    """Place each point along a time axis: sessions two days apart sit close, two months
    apart far. Sessions on one day are spread evenly; a single one sits in the middle.
    The value axis runs from the lowest level to the highest; `show` names a value no level names."""
    points = series.points
    labels = dict(levels)
    bottom_value, top_value = min(labels), max(labels)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def y(value) -> float:
        return round(TOP + plot_height * (1 - float(value - bottom_value) / (top_value - bottom_value)), 1)

    first, last = points[0].session_date, points[-1].session_date
    span = (last - first).days
    dots = []
    for index, point in enumerate(points):
        if span:
            x = LEFT + plot_width * (point.session_date - first).days / span
        elif len(points) > 1:
            x = LEFT + plot_width * index / (len(points) - 1)
        else:
            x = LEFT + plot_width / 2
        value_label = labels.get(point.value) or show(point.value)
        dots.append(ChartDot(round(x, 1), y(point.value), point.is_draft, _day(point), value_label))
    label_y = HEIGHT - 6
    if span:
        x_labels = [
            ChartAxisLabel(dots[0].x, label_y, dots[0].date_label, "start"),
            ChartAxisLabel(dots[-1].x, label_y, dots[-1].date_label, "end"),
        ]
    else:
        x_labels = [ChartAxisLabel(LEFT + plot_width / 2, label_y, dots[0].date_label, "middle")]
    return Chart(
        key=key,
        name=name,
        summary=summary,
        value_name=value_name,
        width=WIDTH,
        height=HEIGHT,
        polyline=" ".join(f"{dot.x},{dot.y}" for dot in dots) if len(dots) > 1 else "",
        dots=dots,
        y_labels=[ChartAxisLabel(LEFT - 6, y(value) + 4, label) for value, label in levels],
        x_labels=x_labels,
        gridlines=" ".join(f"M{LEFT} {y(value)}H{WIDTH - RIGHT}" for value, _ in levels),
    )
