"""Progress on pages: inline SVG severity charts and the client-page section.

The chart is drawn here, not by a JS library: it works with no script (CSP), in
print, and for screen readers through its <title> and the table beside it.
"""

import functools
from datetime import date

from django import template
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.safestring import mark_safe

from assessments.models import Severity
from assessments.progress import ClientProgress, PatternProgress, client_progress
from clients.models import Client, Screening
from clients.roles import is_trainer
from imbalances.links import slug_url_maker

register = template.Library()

LEVELS = [(value, label) for value, label in reversed(Severity.choices)]


# Room on the left for the severity labels, below for the dates (full size only):
# width, height, left, right, top, bottom.
COMPACT = (240, 80, 58, 12, 10, 8)
FULL = (560, 170, 64, 24, 10, 26)


@functools.cache
def _grid(compact: bool) -> str:
    """The lines and labels of the severity levels: the same for every chart of a size."""
    width, height, left, right, top, bottom = COMPACT if compact else FULL
    plot_h = height - top - bottom
    font = 10 if compact else 12
    lines = []
    for value, label in LEVELS:
        y = round(top + (Severity.SEVERE - value) * plot_h / Severity.SEVERE, 1)
        lines.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y}" y2="{y}" class="chart-grid" '
            f'stroke="#dee2e6" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y}" dy="0.32em" text-anchor="end" class="chart-label" '
            f'font-size="{font}" fill="#495057">{label}</text>'
        )
    return "".join(lines)


@register.simple_tag
def severity_chart(item: PatternProgress, *, compact: bool = False, id_prefix: str = "chart") -> str:
    """An inline SVG of one pattern's severity over the sessions, with its numbers in a table.

    Built as a string rather than from a template: the client page draws many charts
    of dozens of points each, and a template node per point made it the slowest page.
    Every text that comes from the database is escaped.
    """
    width, height, left, right, top, bottom = COMPACT if compact else FULL
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(item.points)
    step = plot_w / (count - 1) if count > 1 else 0
    radius = "3" if compact else "4.5"
    axis_y = height - 6
    chart_id = f"{escape(id_prefix)}-{item.pattern.pk}-{escape(item.side) or 'x'}"
    label = escape(item.label)
    coordinates, circles, rows = [], [], []
    for index, point in enumerate(item.points):
        session = point.session
        x = round(left + (plot_w / 2 if count == 1 else index * step), 1)
        y = round(top + (Severity.SEVERE - point.severity) * plot_h / Severity.SEVERE, 1)
        coordinates.append(f"{x},{y}")
        fill = "#ffffff" if session.is_draft else "#0d6efd"
        circles.append(
            f'<circle cx="{x}" cy="{y}" r="{radius}" stroke="#0d6efd" stroke-width="2" fill="{fill}"/>'
        )
        if not compact:
            circles.append(
                f'<text x="{x}" y="{axis_y}" text-anchor="middle" font-size="10" fill="#495057">'
                f"{session.short_label}</text>"
            )
        draft = " (draft)" if session.is_draft else ""
        rows.append(f'<tr><th scope="row">{session.long_label}{draft}</th><td>{point.label}</td></tr>')
    first, latest = item.points[0], item.points[-1]
    summary = escape(
        f"{item.label}: severity over {count} session{'s' if count != 1 else ''}, "
        f"from {first.label} on {first.session.date:%d %b %Y} "
        f"to {latest.label} on {latest.session.date:%d %b %Y} ({item.change})."
    )
    line = (
        f'<polyline points="{" ".join(coordinates)}" fill="none" stroke="#0d6efd" stroke-width="2" '
        f'class="chart-line"/>'
        if count > 1
        else ""
    )
    return mark_safe(  # noqa: S308 - every text from the database above went through escape().
        f'<figure class="severity-chart{" severity-chart-compact" if compact else ""} mb-2">'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{chart_id}-title" class="severity-svg">'
        f'<title id="{chart_id}-title">{summary}</title>'
        f"{_grid(compact)}{line}{''.join(circles)}</svg>"
        f'<details class="chart-data"><summary class="small">Numbers'
        f'<span class="visually-hidden"> for {label}</span></summary>'
        f'<table class="table table-sm w-auto mb-0">'
        f'<caption class="visually-hidden">{label}: severity by session</caption>'
        f'<thead><tr><th scope="col">Session</th><th scope="col">Severity</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></details></figure>"
    )


@register.simple_tag
def muscle_progress_rows(progress: ClientProgress) -> str:
    """The rows of the muscles table, built as a string for the same reason as the charts:
    a template node, a {% url %} and three date filters per muscle made the page slow.
    Every text from the database is escaped."""
    muscle_url = slug_url_maker("imbalances:muscle")
    total = len(progress.sessions)
    dates: dict[date, str] = {}

    def day(value: date) -> str:
        if value not in dates:
            dates[value] = format_date(value, "j M Y")
        return dates[value]

    def count_cell(found: int, last: date | None) -> str:
        when = f' <small class="text-body-secondary">(last {day(last)})</small>' if last else ""
        return f"<td>{found} of {total}{when}</td>"

    rows = []
    for item in progress.muscles:
        name = escape(item.muscle.name)
        latest = (
            ""
            if item.in_latest_session
            else ' <span class="badge text-bg-success">not at the latest session</span>'
        )
        rows.append(
            '<tr data-testid="muscle-progress">'
            f'<th scope="row"><a href="{escape(muscle_url(item.muscle.slug))}">{name}</a></th>'
            f"{count_cell(item.over_active, item.last_over_active)}"
            f"{count_cell(item.under_active, item.last_under_active)}"
            f"<td>{day(item.last_seen) if item.last_seen else ''}{latest}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - names escaped above; the rest are numbers and dates.


_UNSET = object()


@register.simple_tag(takes_context=True)
def client_assessment_panel(context, client: Client) -> dict:
    """What the client page shows about assessments; empty for anyone but a trainer.

    Three queries: the sessions listed are those of the progress, newest first, and the
    latest screening is the page's own when it has one in context.
    """
    request = context.get("request")
    if request is None or not is_trainer(request.user) or client.trainer_id != request.user.pk:
        return {}
    progress = client_progress(client, include_drafts=True)
    screening = context.get("screening", _UNSET)
    if screening is _UNSET:
        screening = Screening.objects.filter(client=client).order_by("-screened_on", "-created_at").first()
    return {
        "assessments": [
            {"session": session, "url": reverse("assessments:detail", kwargs={"pk": session.assessment_id})}
            for session in reversed(progress.sessions)
        ],
        "progress": progress,
        "screening": screening,
    }
