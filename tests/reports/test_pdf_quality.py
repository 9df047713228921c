"""The finalised PDFs as a client prints them or hears them read: tagged (PDF/UA) with a title, a
language, an outline and alternative text for every figure; no row or block split across pages, no
page but the last left more than half empty; nothing left over from seed data or drafts; and the same
data as the HTML pages. Page 1 of each is written as a 70 dpi PNG to the artifacts folder for review."""

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from PIL import Image

from plans.models import Plan
from reports.data import build_progress, build_summary
from reports.pdf import report_html
from studio.models import Studio
from tests import factories
from tests.conftest import login_as
from tests.reports.conftest import PdfFacts, read_pdf

STUDIO_NAME = "Harbour Posture Studio"
EXTRA_SESSIONS = 8
# report.css: `@page { margin: 18mm 16mm 20mm 16mm }`; the footer lives in the bottom margin.
TOP_MARGIN_MM, BOTTOM_MARGIN_MM = 18, 20
REVIEW_DPI = 70
LEFTOVERS = ("seed", "draft", "todo", "lorem")
# Each kept on one page by report.css.
BLOCKS = "finding-block|appendix-entry|session"
TITLES = {"summary": "Session summary: Jane Doe", "progress": "Progress report: Jane Doe"}


@dataclass
class Rendered:
    """One finalised report: its PDF read back, the HTML WeasyPrint laid out, and the trainer's page."""

    name: str
    data: bytes
    pdf: PdfFacts
    pdf_html: str
    page_html: str


def _paragraph(subject: str) -> str:
    return (
        f"{subject} shows when you stand and when you walk. Over a working day it pulls on the muscles "
        "around it, which then tire or tighten. The exercises in your plan ease the tight side and "
        "wake up the sleepy one, a few minutes at a time, so that standing tall takes less effort."
    )


@pytest.fixture
def realistic(client_record, studio):
    """Jane Doe after ten finalised sessions (and one draft) with four patterns, five muscles, a
    measure, pain scores and notes, a published plan of four exercises, and a branded studio."""
    Studio.objects.create(name=STUDIO_NAME, address="1 Quay Street\nPortside", phone="01234 567890")
    hips, back = factories.RegionFactory(name="Lower back"), factories.RegionFactory(name="Upper back")
    patterns = [
        studio.tilt,
        studio.chin,
        factories.PatternFactory(region=back, name="Rounded shoulders", description=_paragraph("A stoop")),
        factories.PatternFactory(region=hips, name="Flat lower back", description=_paragraph("A flat back")),
    ]
    for pattern in patterns[:2]:
        pattern.description = _paragraph(pattern.name)
        pattern.save()
    muscles = [
        studio.hip_flexor,
        studio.glutes,
        factories.MuscleFactory(name="Testus pectoralis", lay_name="chest muscle"),
        factories.MuscleFactory(name="Testus rhomboideus", lay_name="between-the-shoulder-blades muscle"),
        factories.MuscleFactory(name="Testus hamstring", lay_name="back-of-thigh muscle"),
    ]
    for muscle in muscles:
        muscle.description = _paragraph(f"The {muscle.lay_name}")
        muscle.save()
    reach = factories.MeasureFactory(name="Shoulder reach", slug="shoulder-reach", unit="cm", max_value=60)
    for week in range(1, EXTRA_SESSIONS + 1):
        session = factories.AssessmentFactory(
            client=client_record,
            session_date=date(2026, 1, 10) + timedelta(weeks=week),
            final=True,
            notes=f"Week {week}: steadier on one leg, and the stairs feel easier.",
            pain_score=max(6 - week // 2, 1),
        )
        for index, pattern in enumerate(patterns):
            factories.PatternFindingFactory(
                assessment=session, pattern=pattern, severity=1 + (week + index) % 3
            )
        for index, muscle in enumerate(muscles):
            role = "over-active" if (week + index) % 2 else "under-active"
            factories.MuscleFindingFactory(assessment=session, muscle=muscle, role=role)
        factories.MeasureValueFactory(assessment=session, measure=reach, value=20 + week)
    for pattern in patterns[2:]:
        factories.PatternFindingFactory(assessment=studio.latest, pattern=pattern, severity=1)
    for muscle in muscles[2:]:
        factories.MuscleFindingFactory(assessment=studio.latest, muscle=muscle, role="under-active")
    plan = factories.PlanFactory(
        assessment=studio.latest,
        published=True,
        start_date=date(2026, 3, 16),
        review_date=date(2026, 4, 13),
        notes="Do it after your walk.",
    )
    for position, name in enumerate(
        ["Hip flexor foam roll", "Glute bridge hold", "Wall angel", "Chin tuck"], start=1
    ):
        factories.PlanItemFactory(
            plan=plan,
            position=position,
            exercise=factories.ExerciseFactory(name=name),
            note="Slowly, and stop if it hurts.",
        )
    for week in range(12):
        factories.PlanSessionFactory(plan=plan, done_on=plan.start_date + timedelta(weeks=week, days=1))
    assert Plan.objects.filter(client=client_record, status=Plan.Status.PUBLISHED).count() == 1
    return studio


def _get(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def reports(client, trainer, client_record, realistic) -> list[Rendered]:
    """The finalised session summary of the latest session and the progress report, as downloaded."""
    login_as(client, trainer)
    latest = realistic.latest.pk
    kinds = [
        ("summary", "reports:summary", latest, lambda: build_summary(latest)),
        ("progress", "reports:progress", client_record.pk, lambda: build_progress(client_record.pk)),
    ]
    rendered = []
    for name, url_name, pk, build in kinds:
        data = _get(client, reverse(f"{url_name}_pdf", args=[pk]))
        page = _get(client, reverse(url_name, args=[pk])).decode()
        rendered.append(Rendered(name, data, read_pdf(data), report_html(build()), page))
    return rendered


def _words(text: str) -> list[str]:
    """Words only: how a PDF spaces, wraps and bullets its text plays no part."""
    return re.findall(r"\w+", html.unescape(text).lower())


def _strip_tags(markup: str) -> str:
    return re.sub(r"<[^>]+>", " ", markup)


def _structure(reader) -> list[tuple[str, str | None, str | None]]:
    """(tag, alternative text, parent tag) of every element of the PDF's structure tree."""
    found = []

    def walk(node, parent: str | None) -> None:
        tag = str(node.get("/S"))
        found.append((tag, node.get("/Alt"), parent))
        kids = node.get("/K")
        kids = kids.get_object() if kids is not None else []
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and "/S" in kid:
                walk(kid, tag)

    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    for top in root["/K"]:
        walk(top.get_object(), None)
    return found


def _outline_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        titles.extend(_outline_titles(item) if isinstance(item, list) else [item.title])
    return titles


def test_every_pdf_is_tagged_with_title_language_and_outline(reports):
    for report in reports:
        reader = report.pdf.reader
        catalog = reader.trailer["/Root"]

        assert catalog["/MarkInfo"]["/Marked"].value is True, report.name
        assert "/StructTreeRoot" in catalog
        assert catalog["/Lang"] == "en"
        assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
        assert reader.metadata.title == TITLES[report.name]
        assert f"<title>{TITLES[report.name]}</title>" in report.pdf_html
        tags = [tag for tag, _, _ in _structure(reader)]
        assert {"/H1", "/H2", "/P", "/Table", "/TR", "/TD", "/L", "/LI", "/Link"} <= set(tags)
        headings = [_strip_tags(h) for h in re.findall(r"<h2\b[^>]*>(.*?)</h2>", report.pdf_html)]
        assert _outline_titles(reader.outline) == [
            _strip_tags(re.search(r"<h1\b[^>]*>(.*?)</h1>", report.pdf_html).group(1)),
            *(html.unescape(" ".join(heading.split())) for heading in headings),
        ]


def _svg_titles(markup: str, css_class: str = "") -> list[str]:
    """The <title> each inline svg opens with (of one class, or all): what WeasyPrint tags as its Alt."""
    found = re.findall(
        rf'<svg\b[^>]*class="{css_class}[^"]*"[^>]*>\s*<title\b[^>]*>(.*?)</title>', markup, re.S
    )
    return [html.unescape(title) for title in found]


def test_every_figure_carries_its_alternative_text(reports):
    for report in reports:
        alts = [alt for tag, alt, _ in _structure(report.pdf.reader) if tag == "/Figure"]

        # Every inline svg and img is a Figure, decoration too: each needs words.
        assert len(alts) == report.pdf_html.count("<svg") + report.pdf_html.count("<img"), report.name
        assert all(alts), f"a figure without alternative text in the {report.name}: {alts}"
        assert set(_svg_titles(report.pdf_html)) <= set(alts)
    progress = reports[1]
    charts = _svg_titles(progress.pdf_html, "chart")
    # Four pattern charts, the measure and pain: each says what it shows in words.
    assert len(charts) == 6
    assert set(charts) <= {alt for tag, alt, _ in _structure(progress.pdf.reader) if tag == "/Figure"}
    assert any(chart.startswith("Pain over 10 sessions, from 6 out of 10 on 10 Jan 2026") for chart in charts)


def test_no_table_row_session_or_finding_block_splits_across_pages(reports):
    for report in reports:
        structure = _structure(report.pdf.reader)
        # A box split across two pages is tagged once on each page.
        body_rows = sum(1 for tag, _, parent in structure if tag == "/TR" and parent == "/TBody")
        # The charts' tables of numbers are not printed (report.css): the session log has them.
        printed = re.sub(r'<details class="chart-data">.*?</details>', "", report.pdf_html, flags=re.S)
        html_rows = sum(
            len(re.findall(r"<tr\b", body)) for body in re.findall(r"<tbody>(.*?)</tbody>", printed, re.S)
        )
        assert body_rows == html_rows > 0, report.name
        articles = sum(1 for tag, _, _ in structure if tag == "/Art")
        assert articles == report.pdf_html.count("<article")
        blocks = re.findall(
            rf'<(div|li|article) class="[^"]*\b(?:{BLOCKS})\b[^"]*"[^>]*>(.*?)</\1>',
            report.pdf_html,
            re.S,
        )
        assert len(blocks) >= 8, report.name
        pages = [" ".join(_words(text)) for text in report.pdf.page_texts]
        for _, block in blocks:
            words = " ".join(_words(_strip_tags(block)))
            assert any(words in page for page in pages), f"split across pages in the {report.name}: {words}"


def _page_images(data: bytes, *, dpi: int) -> list[Image.Image]:
    document = pdfium.PdfDocument(data)
    try:
        return [page.render(scale=dpi / 72).to_pil() for page in document]
    finally:
        document.close()


def _filled(image: Image.Image, *, dpi: int) -> float:
    """How far down the page's content area the content reaches, from 0 (blank) to 1 (full)."""
    top, bottom = (round(mm / 25.4 * dpi) for mm in (TOP_MARGIN_MM, BOTTOM_MARGIN_MM))
    area = image.convert("L").crop((0, top, image.width, image.height - bottom))
    ink = area.point(lambda value: 255 if value < 245 else 0).getbbox()
    return 0.0 if ink is None else ink[3] / area.height


def test_no_page_but_the_last_is_more_than_half_empty(reports):
    for report in reports:
        images = _page_images(report.data, dpi=REVIEW_DPI)
        assert len(images) >= 2, report.name  # else this test would check nothing
        fills = [_filled(image, dpi=REVIEW_DPI) for image in images]
        assert all(fill >= 0.5 for fill in fills[:-1]), f"{report.name}: pages filled {fills}"
        assert fills[-1] > 0


def test_the_first_page_holds_the_letterhead_and_more_than_a_title(reports):
    for report in reports:
        first_page = " ".join(_words(report.pdf.page_texts[0]))
        first_section = _strip_tags(re.search(r"<h2\b[^>]*>(.*?)</h2>", report.pdf_html).group(1))
        assert " ".join(_words(STUDIO_NAME)) in first_page, report.name
        assert " ".join(_words(first_section)) in first_page, report.name
        assert "jane doe" in first_page


def test_page_one_of_each_pdf_is_saved_for_review(reports, artifacts_dir):
    for report in reports:
        path = artifacts_dir / f"report-{report.name}-page1.png"
        path.unlink(missing_ok=True)

        _page_images(report.data, dpi=REVIEW_DPI)[0].save(path)

        with Image.open(path) as image:
            # A4 at 70 dpi.
            assert image.size == (579, 819)
            assert image.convert("L").getextrema()[0] < 100  # not blank


def test_a_finalised_report_says_nothing_left_over_from_seeds_or_drafts(reports):
    for report in reports:
        words = set(_words(report.pdf.text))
        leftovers = {word for word in words for leftover in LEFTOVERS if word.startswith(leftover)}
        assert not leftovers, f"{report.name}: {leftovers}"
        # The draft's note is the client's data too, but not in a finalised report.
        assert "unfinished" not in words


def _rows(page_html: str, testid: str) -> list[list[str]]:
    found = re.findall(rf'<(tr|li)\b[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', page_html, re.S)
    return [_words(_strip_tags(row)) for _, row in found]


@pytest.mark.parametrize(
    "name, testids",
    [
        ("summary", ["found-pattern", "plan-item"]),
        ("progress", ["pattern-progress", "muscle-progress", "measure-progress", "plan-item"]),
    ],
)
def test_the_pdf_holds_the_same_data_as_the_html_page(reports, name, testids):
    (report,) = [report for report in reports if report.name == name]
    pages = [set(_words(text)) for text in report.pdf.page_texts]
    for testid in testids:
        rows = _rows(report.page_html, testid)
        assert rows, f"no {testid} on the {name} page"
        assert len(rows) == len(_rows(report.pdf_html, testid))
        for row in rows:
            # Each row's words on one page: the same values, and the row kept whole.
            assert any(set(row) <= page for page in pages), f"{name}: {' '.join(row)}"
    sessions = re.findall(r"(\d{1,2} (?:January|February|March) 2026)", report.page_html)
    assert set(sessions) <= set(re.findall(r"(\d{1,2} (?:January|February|March) 2026)", report.pdf.text))
