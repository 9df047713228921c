"""Severity-over-time charts as plain numbers that a template turns into SVG.

Our own SVG renders faster in WeasyPrint than pygal or matplotlib output and
looks the same in the browser and the PDF.
"""

from dataclasses import dataclass
from datetime import date

from assessments.models import Severity

WIDTH = 320
HEIGHT = 120
LEFT = 70  # room for the severity labels
RIGHT = 10
TOP = 10
BOTTOM = 24  # room for the date labels


@dataclass(frozen=True)
class ChartDot:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class ChartAxisLabel:
    x: float
    y: float
    text: str
    anchor: str = "end"


@dataclass(frozen=True)
class SeverityChart:
    width: int
    height: int
    polyline: str
    dots: list[ChartDot]
    y_labels: list[ChartAxisLabel]
    x_labels: list[ChartAxisLabel]
    gridlines: list[float]
    plot_left: int
    plot_right: int
    description: str


def _y(severity: int) -> float:
    plot_height = HEIGHT - TOP - BOTTOM
    return round(TOP + plot_height * (1 - severity / Severity.SEVERE), 1)


def severity_chart(points: list[tuple[date, int]]) -> SeverityChart:
    """Place each (session date, severity) along a time axis; one point sits in the middle."""
    plot_width = WIDTH - LEFT - RIGHT
    first, last = points[0][0], points[-1][0]
    span = (last - first).days
    coordinates = []
    for index, (day, severity) in enumerate(points):
        if span:
            x = LEFT + plot_width * (day - first).days / span
        elif len(points) > 1:
            x = LEFT + plot_width * index / (len(points) - 1)
        else:
            x = LEFT + plot_width / 2
        coordinates.append((round(x, 1), _y(severity), f"{day:%d %b %Y}: {Severity(severity).label}"))
    label_y = HEIGHT - 6
    if last == first:
        x_labels = [ChartAxisLabel(coordinates[0][0], label_y, f"{first:%d %b %Y}", "middle")]
    else:
        x_labels = [
            ChartAxisLabel(coordinates[0][0], label_y, f"{first:%d %b %Y}", "start"),
            ChartAxisLabel(coordinates[-1][0], label_y, f"{last:%d %b %Y}", "end"),
        ]
    return SeverityChart(
        width=WIDTH,
        height=HEIGHT,
        polyline=" ".join(f"{x},{y}" for x, y, _ in coordinates),
        dots=[ChartDot(x, y, label) for x, y, label in coordinates],
        y_labels=[ChartAxisLabel(LEFT - 6, _y(value) + 4, label) for value, label in Severity.choices],
        x_labels=x_labels,
        gridlines=[_y(value) for value in Severity.values],
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        description="; ".join(label for _, _, label in coordinates),
    )
