"""Progress and summary reports as a reader gets them: real PDFs read back, and the pages."""

import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from assessments.progress import PatternProgress, PatternRef, Point
from reports.charts import LEFT, RIGHT, WIDTH, severity_chart
from reports.models import ReportDownload
from tests import factories
from tests.conftest import login_as
from tests.reports.conftest import read_pdf

SITE = "https://studio.example.com"


def _download(client, user, url: str) -> bytes:
    login_as(client, user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_progress_pdf_says_who_what_and_explains_every_finding(client, trainer, client_record, studio):
    pdf = read_pdf(_download(client, trainer, reverse("reports:progress_pdf", args=[client_record.pk])))

    for expected in ["Jane Doe", "Alice Archer", "Forward pelvis tip", "Sideways head lean"]:
        assert expected in pdf.text
    assert "front-of-hip bender" in pdf.text and "seat muscle" in pdf.text
    assert "better" in pdf.text and "worse" in pdf.text
    assert "First visit." in pdf.text and "Much better." in pdf.text
    # Finalised only unless a draft preview is asked for.
    assert "Unfinished draft note." not in pdf.text
    assert "DRAFT" not in pdf.text
    assert "page 1 of" in pdf.page_texts[0]


def test_every_finding_links_to_an_appendix_entry_that_exists(client, trainer, client_record, studio):
    pdf = read_pdf(_download(client, trainer, reverse("reports:progress_pdf", args=[client_record.pk])))

    anchors = {
        f"pattern-{studio.tilt.slug}",
        f"pattern-{studio.chin.slug}",
        f"muscle-{studio.hip_flexor.slug}",
        f"muscle-{studio.glutes.slug}",
    }
    assert anchors <= set(pdf.internal_links)
    assert anchors <= pdf.destinations
    assert set(pdf.internal_links) <= pdf.destinations
    # Each session's finding links too: 2 sessions x 2 patterns, plus the summary table and charts.
    assert pdf.internal_links.count(f"pattern-{studio.tilt.slug}") >= 4


def test_appendix_entries_link_to_the_public_catalogue(client, trainer, client_record, studio):
    pdf = read_pdf(_download(client, trainer, reverse("reports:progress_pdf", args=[client_record.pk])))

    assert sorted(pdf.external_links) == sorted(
        [
            f"{SITE}/catalogue/patterns/{studio.tilt.slug}/",
            f"{SITE}/catalogue/patterns/{studio.chin.slug}/",
            f"{SITE}/catalogue/muscles/{studio.hip_flexor.slug}/",
            f"{SITE}/catalogue/muscles/{studio.glutes.slug}/",
        ]
    )
    assert "The pelvis tips forward." in pdf.text


def test_pdf_carries_metadata_and_an_outline(client, trainer, client_record, studio):
    pdf = read_pdf(_download(client, trainer, reverse("reports:progress_pdf", args=[client_record.pk])))

    metadata = pdf.reader.metadata
    assert metadata.title == "Progress report: Jane Doe"
    assert metadata.author == "Alice Archer"
    assert "progress" in metadata.subject
    assert metadata["/CreationDate"].startswith("D:20")
    top = pdf.reader.outline
    titles = [top[0].title] + [item.title for item in top[1]]
    assert titles[0] == "Progress report"
    assert {"Session log", "Words used in this report", "Severity over time"} <= set(titles)


def test_summary_pdf_shows_one_session(client, trainer, client_record, studio):
    response_pdf = _download(client, trainer, reverse("reports:summary_pdf", args=[studio.first.pk]))
    pdf = read_pdf(response_pdf)

    assert "Session summary" in pdf.text
    assert "10 January 2026" in pdf.text
    assert "Pain score: 6 out of 10" in pdf.text
    assert "First visit." in pdf.text and "Much better." not in pdf.text
    assert {f"pattern-{studio.tilt.slug}", f"muscle-{studio.glutes.slug}"} <= set(pdf.internal_links)
    assert set(pdf.internal_links) <= pdf.destinations
    assert pdf.reader.metadata.author == "Alice Archer"


def test_pdf_is_an_attachment_named_after_client_kind_and_date(client, trainer, client_record, studio):
    login_as(client, trainer)

    summary = client.get(reverse("reports:summary_pdf", args=[studio.first.pk]))
    progress = client.get(reverse("reports:progress_pdf", args=[client_record.pk]))

    assert summary["Content-Disposition"] == 'attachment; filename="jane-doe-summary-2026-01-10.pdf"'
    assert progress["Content-Disposition"].startswith('attachment; filename="jane-doe-progress-20')
    assert summary["Cache-Control"] == "no-store, private"
    assert progress["Cache-Control"] == "no-store, private"


def test_trainer_draft_preview_says_draft_on_every_page(client, trainer, client_record, studio):
    url = reverse("reports:progress_pdf", args=[client_record.pk]) + "?drafts=1"
    pdf = read_pdf(_download(client, trainer, url))

    assert "Unfinished draft note." in pdf.text
    assert len(pdf.page_texts) >= 2
    assert all("DRAFT" in text for text in pdf.page_texts)


def test_summary_of_a_draft_is_marked_draft(client, trainer, studio):
    pdf = read_pdf(_download(client, trainer, reverse("reports:summary_pdf", args=[studio.draft.pk])))

    assert all("DRAFT" in text for text in pdf.page_texts)


def test_client_gets_their_progress_without_drafts(client, client_user, studio):
    url = reverse("reports:portal_progress_pdf") + "?drafts=1"
    pdf = read_pdf(_download(client, client_user, url))

    assert "Jane Doe" in pdf.text and "First visit." in pdf.text
    assert "Unfinished draft note." not in pdf.text
    assert "DRAFT" not in pdf.text


def test_client_cannot_get_a_draft_summary(client, client_user, studio):
    login_as(client, client_user)

    assert client.get(reverse("reports:portal_summary_pdf", args=[studio.draft.pk])).status_code == 404
    assert client.get(reverse("reports:portal_summary", args=[studio.draft.pk])).status_code == 404
    assert client.get(reverse("reports:portal_summary_pdf", args=[studio.first.pk])).status_code == 200


@pytest.mark.parametrize("who", ["trainer", "client"])
def test_every_download_is_recorded(client, persona, studio, who):
    user = persona[who]
    url = (
        reverse("reports:summary_pdf", args=[studio.first.pk])
        if who == "trainer"
        else reverse("reports:portal_summary_pdf", args=[studio.first.pk])
    )

    _download(client, user, url)
    _download(client, user, url)

    downloads = ReportDownload.objects.filter(user=user)
    assert downloads.count() == 2
    record = downloads.first()
    assert (record.kind, record.client_id, record.assessment_id) == (
        "summary",
        studio.first.client_id,
        studio.first.pk,
    )
    assert len(record.cache_key) == 64


def test_html_page_shows_the_same_report(client, trainer, client_record, studio):
    login_as(client, trainer)

    response = client.get(reverse("reports:progress", args=[client_record.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Forward pelvis tip" in page and "front-of-hip bender" in page
    assert f'href="#pattern-{studio.tilt.slug}"' in page
    assert f'id="pattern-{studio.tilt.slug}"' in page
    assert "<svg" in page and "<polyline" in page
    assert reverse("reports:progress_pdf", args=[client_record.pk]) in page


def test_progress_period_limits_the_sessions(client, trainer, client_record, studio):
    login_as(client, trainer)

    response = client.get(reverse("reports:progress", args=[client_record.pk]), {"start": "2026-02-01"})

    report = response.context["report"]
    assert [s.session_date.isoformat() for s in report.progress.sessions] == ["2026-03-14"]
    assert "start=2026-02-01" in response.context["pdf_url"]


def test_the_progress_page_leaves_drafts_out_until_the_preview_is_switched_on(
    client, trainer, client_record, studio
):
    login_as(client, trainer)
    url = reverse("reports:progress", args=[client_record.pk])

    page = client.get(url)
    preview = client.get(url, {"drafts": "1"})

    # The session log links each session to its own summary, where its notes are.
    draft_summary = reverse("reports:summary", args=[studio.draft.pk])
    assert draft_summary not in page.text and "DRAFT" not in page.text
    assert reverse("reports:summary", args=[studio.latest.pk]) in page.text
    assert 'role="switch"' in page.text and "Preview with drafts" in page.text
    assert "drafts" not in page.context["pdf_url"]
    assert draft_summary in preview.text and "DRAFT" in preview.text
    assert "Hollow points are drafts" in preview.text
    assert "drafts=1" in preview.context["pdf_url"]


def test_the_portal_progress_page_never_shows_drafts(client, client_user, studio):
    login_as(client, client_user)

    response = client.get(reverse("reports:portal_progress"), {"drafts": "1"})

    assert reverse("reports:portal_summary", args=[studio.first.pk]) in response.text
    assert reverse("reports:portal_summary", args=[studio.draft.pk]) not in response.text
    assert "draft" not in response.text.lower()
    assert "Preview with drafts" not in response.text


def test_each_chart_has_a_summary_and_a_table_of_its_numbers(client, trainer, client_record, studio):
    login_as(client, trainer)

    page = client.get(reverse("reports:progress", args=[client_record.pk])).text

    assert page.count('<svg class="chart"') == 3  # two patterns and pain
    assert 'aria-labelledby="severity-forward-pelvis-tip-x-title"' in page
    assert (
        '<title id="severity-forward-pelvis-tip-x-title">Forward pelvis tip: severity over 2 sessions, '
        "from severe on 10 Jan 2026 to mild on 14 Mar 2026 (better).</title>"
    ) in page
    assert "Sideways head lean (left): severity over 2 sessions" in page
    assert (
        "Pain over 2 sessions, from 6 out of 10 on 10 Jan 2026 to 2 out of 10 on 14 Mar 2026 (better)."
        in page
    )
    assert '<tr><th scope="row">14 Mar 2026</th><td>mild</td></tr>' in page
    assert '<tr><th scope="row">14 Mar 2026</th><td>2</td></tr>' in page


def test_the_report_tells_each_change_and_keeps_muscle_sides(client, trainer, client_record, studio):
    factories.MuscleFindingFactory(
        assessment=studio.latest, muscle=studio.glutes, role="over-active", side="right"
    )
    login_as(client, trainer)

    response = client.get(reverse("reports:progress", args=[client_record.pk]))

    rows = {(m.muscle.lay_name, m.side): m for m in response.context["report"].progress.muscles}
    assert set(rows) == {("front-of-hip bender", "both"), ("seat muscle", "both"), ("seat muscle", "right")}
    assert (rows[("seat muscle", "both")].latest_label, rows[("seat muscle", "right")].latest_label) == (
        "not found",
        "over-active",
    )
    page = response.text
    assert page.count('data-testid="muscle-progress"') == 3
    assert "over-active in 2 of 2" in page and "under-active in 1 of 2" in page
    # the head lean, mild to moderate
    assert '<td class="trend trend-worse" data-label="Since the first session">worse</td>' in page


def test_the_chart_spaces_sessions_by_date():
    tilt = PatternRef(1, "tilt", "Tilt", "", "Hips", 0, 0)
    days = [date(2026, 1, 1), date(2026, 1, 3), date(2026, 3, 2)]
    item = PatternProgress(pattern=tilt, side="", points=[Point(day, False, 1) for day in days])

    chart = severity_chart(item)

    xs = [dot.x for dot in chart.dots]
    assert xs[0] == LEFT and xs[-1] == WIDTH - RIGHT
    # Two days apart sit close, two months apart far: in proportion to the days.
    assert (xs[1] - xs[0]) / (xs[2] - xs[0]) == pytest.approx(2 / 60, abs=0.01)
    assert [label.text for label in chart.x_labels] == ["1 Jan 2026", "2 Mar 2026"]
    # A gridline across the plot at each severity, level with its label.
    rows = [label.y - 4 for label in chart.y_labels]
    assert chart.gridlines == " ".join(f"M{LEFT} {y}H{WIDTH - RIGHT}" for y in rows)
    assert len(rows) == 4


@pytest.mark.parametrize(
    ("drafts", "lines", "circles"),
    [
        # Every session on the line, dotted by its markers; no dot drawn apart.
        ([False, False, False], 1, []),
        # A draft's dot drawn hollow over its marker, at the draft's place.
        ([False, False, True], 1, ["#ffffff"]),
        # One session: no line to carry markers, so its dot is drawn alone.
        ([False], 0, ["#1f5f8b"]),
        ([True], 0, ["#ffffff"]),
    ],
)
def test_the_chart_dots_each_session_once_and_drafts_hollow(drafts, lines, circles):
    tilt = PatternRef(1, "tilt", "Tilt", "", "Pelvis", 1, 1)
    days = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)][: len(drafts)]
    points = [Point(day, is_draft, 2) for day, is_draft in zip(days, drafts, strict=True)]
    chart = severity_chart(PatternProgress(pattern=tilt, side="", points=points))

    svg = render_to_string("reports/_chart.html", {"chart": chart}).split("</svg>")[0]

    polylines = re.findall(r'<polyline points="([^"]+)"[^>]*marker-mid="url\(#([^)]+)\)"', svg)
    assert len(polylines) == lines
    if lines:
        ((points_drawn, marker),) = polylines
        assert len(points_drawn.split()) == len(drafts)
        assert f'<marker id="{marker}"' in svg
    outside_markers = re.sub(r"<marker .*?</marker>", "", svg, flags=re.DOTALL)
    drawn = re.findall(r'<circle cx="([\d.]+)" cy="[\d.]+" r="3" [^>]*fill="(#\w+)"/>', outside_markers)
    assert [fill for _, fill in drawn] == circles
    loose = [dot for dot in chart.dots if dot.is_draft or not lines]
    assert [float(x) for x, _ in drawn] == [dot.x for dot in loose]


def test_a_backwards_period_is_refused_for_the_pdf(client, trainer, client_record, studio):
    login_as(client, trainer)

    response = client.get(
        reverse("reports:progress_pdf", args=[client_record.pk]), {"start": "2026-03-01", "end": "2026-01-01"}
    )

    assert response.status_code == 400


def test_summary_pdf_is_tagged_for_screen_readers(client, trainer, studio):
    pdf = read_pdf(_download(client, trainer, reverse("reports:summary_pdf", args=[studio.first.pk])))

    root = pdf.reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
