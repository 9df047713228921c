"""Reports a trainer is proud to hand over: the studio's letterhead, the trainer's name and
credentials, a summary in plain words, and a portal that names each report it offers."""

import io
import re
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from reports.data import build_progress, build_summary
from reports.services import report_key
from studio.models import Studio, TrainerProfile
from tests import factories
from tests.conftest import login_as
from tests.reports.conftest import read_pdf

STUDIO_NAME = "Harbour Posture Studio"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), "#0b5ed7").save(buffer, format="PNG")
    return buffer.getvalue()


def _text(pdf) -> str:
    # A link's text comes out of the PDF with a space after it.
    return " ".join(pdf.text.split()).replace(" :", ":")


def _download(client, user, url: str):
    login_as(client, user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return read_pdf(b"".join(response.streaming_content))


@pytest.fixture
def branded(trainer):
    studio = Studio.objects.create(
        name=STUDIO_NAME,
        address="1 Quay Street\nPortside",
        phone="01234 567890",
        email="hello@harbour.example",
    )
    studio.logo.save("harbour.png", ContentFile(_png()))
    TrainerProfile.objects.create(user=trainer, display_name="Tom Trainer", credentials="BSc, NASM-CES")
    return studio


@pytest.fixture
def latest_plan(studio):
    plan = factories.PlanFactory(
        assessment=studio.latest,
        published=True,
        start_date=date(2026, 3, 16),
        review_date=date(2026, 4, 13),
    )
    factories.PlanItemFactory(plan=plan, exercise=factories.ExerciseFactory(name="Glute bridge hold"))
    return plan


def test_the_summary_pdf_carries_the_studio_and_the_trainers_signature(
    client, trainer, studio, branded, latest_plan
):
    pdf = _download(client, trainer, reverse("reports:summary_pdf", args=[studio.latest.pk]))
    first_page = " ".join(pdf.page_texts[0].split())

    # The letterhead: name, contact lines and logo on the first page.
    assert first_page.startswith(STUDIO_NAME)
    assert "1 Quay Street · Portside · 01234 567890 · hello@harbour.example" in first_page
    assert len(pdf.reader.pages[0].images) == 1
    # Every page's footer names the studio.
    assert len(pdf.page_texts) >= 2
    assert all(STUDIO_NAME in " ".join(text.split()[-12:]) for text in pdf.page_texts)
    assert "Trainer Tom Trainer, BSc, NASM-CES" in first_page
    assert pdf.reader.metadata.author == "Tom Trainer"


def test_the_summary_says_what_was_found_what_it_means_the_plan_and_the_next_check(
    client, client_user, studio, latest_plan
):
    url = reverse("reports:portal_summary_pdf", args=[studio.latest.pk])
    text = _text(_download(client, client_user, url))

    sections = ["What we found", "What it means", "Your plan", "Next check", "From your trainer"]
    positions = [text.index(section) for section in sections]
    assert positions == sorted(positions)
    found = text[positions[0] : positions[1]]
    assert "Forward pelvis tip: mild" in found
    assert "Sideways head lean (left side): moderate" in found
    assert "Muscles working too hard (over-active) front-of-hip bender (Testus iliacus)" in found
    # No muscle was under-active in this session: no empty heading for them.
    assert "under-active" not in found
    assert "The pelvis tips forward." in text[positions[1] : positions[2]]
    assert "Next check: 13 April 2026" in text[positions[3] : positions[4]]
    assert "Much better." in text[positions[4] :]
    # The glossary: only the terms this session found, each with its public page.
    glossary = text.split("Words used in this report")[-1]
    assert "front-of-hip bender" in glossary and "Sideways head lean" in glossary
    assert "seat muscle" not in glossary
    assert "catalogue/muscles/testus-iliacus/" in glossary
    assert "{#" not in text and "comment" not in text


def test_a_progress_report_of_one_session_does_not_call_itself_progress(
    client, trainer, client_record, studio
):
    url = reverse("reports:progress_pdf", args=[client_record.pk]) + "?end=2026-02-01"
    pdf = _download(client, trainer, url)

    assert "Assessment summary" in pdf.page_texts[0]
    assert not re.search("progress", pdf.text, re.IGNORECASE)
    assert pdf.reader.metadata.title == "Assessment summary: Jane Doe"
    assert "progress" not in pdf.reader.metadata.subject
    # Two sessions are progress again.
    both = build_progress(client_record.pk)
    assert both.header.title == "Progress report: Jane Doe"


def test_the_portal_names_each_report_by_its_kind_and_date(client, client_user, studio, branded):
    login_as(client, client_user)
    page = client.get(reverse("portal:home")).content.decode()
    anchors = re.findall(r"<a [^>]*>(.*?)</a>", page, re.DOTALL)
    links = [" ".join(re.sub("<[^>]+>", "", text).split()) for text in anchors]

    assert "Session summary, 14 March 2026" in links
    assert "Session summary, 14 March 2026 (PDF)" in links
    assert "Session summary, 10 January 2026 (PDF)" in links
    assert any(re.fullmatch(r"Progress report to \d+ \w+ \d{4} \(PDF\)", link) for link in links)
    assert "Read it here" not in page and "Download" not in page
    trainer = " ".join(re.sub("<[^>]+>", "", page.split('data-testid="portal-trainer"')[1]).split())
    assert "Your trainer is Tom Trainer, BSc, NASM-CES, at Harbour Posture Studio." in trainer
    assert "To get in touch: 1 Quay Street · Portside · 01234 567890 · hello@harbour.example" in trainer


def test_a_new_studio_name_or_logo_renders_the_reports_anew(studio, branded):
    before = report_key(build_summary(studio.latest.pk))

    branded.name = "Harbour Movement Studio"
    branded.save()
    renamed = build_summary(studio.latest.pk)
    assert renamed.header.studio_name == "Harbour Movement Studio"
    assert report_key(renamed) != before

    branded.logo.save("harbour-new.png", ContentFile(_png()[:-1] + b"\x01"))
    assert report_key(build_summary(studio.latest.pk)) != report_key(renamed)


def test_the_studio_colour_draws_the_letterhead_rule_and_the_phone_toolbar(client, trainer, studio, branded):
    Studio.objects.filter(pk=branded.pk).update(accent_colour="#6f2dbd")
    login_as(client, trainer)

    page = client.get(reverse("reports:summary", args=[studio.latest.pk])).content.decode()

    assert '<meta name="theme-color" content="#6f2dbd">' in page
    rule = re.search(r'<svg class="studio-rule".*?</svg>', page, re.S).group(0)
    assert 'fill="#6f2dbd"' in rule
    # A new colour is a new report: its PDF is rendered again.
    before = report_key(build_summary(studio.latest.pk))
    Studio.objects.filter(pk=branded.pk).update(accent_colour="#0b5ed7")
    assert report_key(build_summary(studio.latest.pk)) != before
