"""Progress on pages: inline SVG severity charts and the client-page section.

The chart is drawn here, not by a JS library: it works with no script (CSP), in
print, and for screen readers through its <title> and the table beside it.
"""

from django import template

from assessments.models import Assessment, Severity
from assessments.progress import PatternProgress, client_progress
from clients.models import Client, Screening
from clients.roles import is_trainer

register = template.Library()

LEVELS = [(value, label) for value, label in reversed(Severity.choices)]


@register.inclusion_tag("assessments/_severity_chart.html")
def severity_chart(item: PatternProgress, *, compact: bool = False, id_prefix: str = "chart") -> dict:
    # Room on the left for the severity labels, below for the dates (full size only).
    if compact:
        width, height, left, right, top, bottom = 240, 80, 58, 12, 10, 8
    else:
        width, height, left, right, top, bottom = 560, 170, 64, 24, 10, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(item.points)

    def x(index: int) -> float:
        return left + (plot_w / 2 if count == 1 else index * plot_w / (count - 1))

    def y(severity: int) -> float:
        return top + (Severity.SEVERE - severity) * plot_h / Severity.SEVERE

    points = [
        {
            "x": round(x(i), 1),
            "y": round(y(point.severity), 1),
            "label": point.label,
            "date": point.session.date,
            "draft": point.session.is_draft,
        }
        for i, point in enumerate(item.points)
    ]
    first, latest = item.points[0], item.points[-1]
    summary = (
        f"{item.label}: severity over {count} session{'s' if count != 1 else ''}, "
        f"from {first.label} on {first.session.date:%d %b %Y} "
        f"to {latest.label} on {latest.session.date:%d %b %Y} ({item.change})."
    )
    return {
        "item": item,
        "chart_id": f"{id_prefix}-{item.pattern.pk}-{item.side or 'x'}",
        "width": width,
        "height": height,
        "left": left,
        "plot_right": width - right,
        "compact": compact,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "levels": [{"y": round(y(value), 1), "label": label} for value, label in LEVELS],
        "summary": summary,
        "axis_y": height - 6,
    }


@register.simple_tag(takes_context=True)
def client_assessment_panel(context, client: Client) -> dict:
    """What the client page shows about assessments; empty for anyone but a trainer."""
    request = context.get("request")
    if request is None or not is_trainer(request.user) or client.trainer_id != request.user.pk:
        return {}
    assessments = list(Assessment.objects.filter(client=client).order_by("-session_date", "-created_at"))
    screening = Screening.objects.filter(client=client).order_by("-screened_on", "-created_at").first()
    return {
        "assessments": assessments,
        "progress": client_progress(client, include_drafts=True),
        "screening": screening,
    }
