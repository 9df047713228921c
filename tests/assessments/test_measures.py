"""Measures on the assessment: offered from the catalogue, checked against their range, kept as
typed when refused, saved per side, and followed over time in the direction each one improves."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import MeasureValue
from assessments.progress import Change, client_progress
from tests import factories
from tests.assessments.conftest import form_data
from tests.conftest import login_as
from tests.reports.conftest import read_pdf


@pytest.fixture
def measures(db):
    angle = factories.MeasureFactory(
        name="Neck angle", slug="neck-angle", unit="°", min_value=0, max_value=90
    )
    reach = factories.MeasureFactory(
        name="Knee reach", slug="knee-reach", unit="cm", min_value=0, max_value=25, per_side=True
    )
    offset = factories.MeasureFactory(
        name="Ear offset", slug="ear-offset", unit="cm", better="lower", min_value=0, max_value=20
    )
    hip_test = factories.MeasureFactory(
        name="Hip test",
        slug="hip-test",
        unit="",
        better="pass",
        min_value=None,
        max_value=None,
        per_side=True,
    )
    return angle, reach, offset, hip_test


@pytest.fixture
def create_url(client_record):
    return reverse("assessments:create", kwargs={"client_pk": client_record.pk})


def _values(assessment_id=None) -> dict:
    rows = MeasureValue.objects.all()
    if assessment_id:
        rows = rows.filter(assessment_id=assessment_id)
    return {(row.measure.slug, row.side): row.value for row in rows}


def test_the_form_offers_each_measure_on_its_sides(client, trainer, create_url, measures):
    login_as(client, trainer)

    html = client.get(create_url).content.decode()

    assert 'name="measure-neck-angle"' in html
    assert 'name="measure-knee-reach-left"' in html and 'name="measure-knee-reach-right"' in html
    assert 'name="measure-knee-reach"' not in html
    assert (
        'name="measure-hip-test-left" value="1"' in html and 'name="measure-hip-test-right" value="0"' in html
    )
    assert "Neck angle (°)" in html


def test_measures_save_per_side_and_come_back_on_the_edit_form(client, trainer, create_url, measures):
    login_as(client, trainer)
    typed = {
        "measure-neck-angle": "44.5",
        "measure-knee-reach-left": "9",
        "measure-knee-reach-right": "11.5",
        "measure-hip-test-left": "0",
        "measure-hip-test-right": "1",
    }

    response = client.post(create_url, {**form_data(), **typed})

    assert response.status_code == 302
    assert _values() == {
        ("neck-angle", ""): Decimal("44.5"),
        ("knee-reach", "left"): Decimal("9"),
        ("knee-reach", "right"): Decimal("11.5"),
        ("hip-test", "left"): Decimal("0"),
        ("hip-test", "right"): Decimal("1"),
    }
    assessment = MeasureValue.objects.first().assessment
    edit = client.get(reverse("assessments:update", args=[assessment.pk])).content.decode()
    assert 'name="measure-neck-angle" value="44.5"' in edit
    assert re.search(r'<input type="radio" name="measure-hip-test-right" value="1"[^>]* checked', edit)
    assert not re.search(r'<input type="radio" name="measure-hip-test-right" value="0"[^>]* checked', edit)

    # Emptied, a measure is no longer taken at that session.
    again = {**form_data(version=assessment.version), **typed, "measure-neck-angle": ""}
    client.post(reverse("assessments:update", args=[assessment.pk]), again)
    assert ("neck-angle", "") not in _values(assessment.pk)
    assert len(_values(assessment.pk)) == 4


def test_a_value_out_of_range_is_refused_next_to_its_field_and_kept(client, trainer, create_url, measures):
    login_as(client, trainer)

    response = client.post(
        create_url,
        {**form_data(notes="Kept too."), "measure-neck-angle": "120", "measure-knee-reach-left": "7"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_measure-neck-angle_error"' in html
    assert "Enter a value from 0° to 90°." in html
    assert 'value="120"' in html and 'value="7"' in html and "Kept too." in html
    assert 'aria-invalid="true"' in html
    assert '<a href="#measures">Measures</a>' in html
    assert not MeasureValue.objects.exists()


def test_a_retired_measure_stays_on_the_assessment_that_holds_it(client, trainer, client_record, measures):
    angle = measures[0]
    assessment = factories.AssessmentFactory(client=client_record)
    factories.MeasureValueFactory(assessment=assessment, measure=angle, value=41)
    angle.is_active = False
    angle.save()
    login_as(client, trainer)

    new_form = client.get(reverse("assessments:create", args=[client_record.pk])).content.decode()
    edit = client.get(reverse("assessments:update", args=[assessment.pk])).content.decode()

    assert 'name="measure-neck-angle"' not in new_form
    assert 'name="measure-neck-angle"' in edit and "retired from the catalogue" in edit


def _sessions(client_record, measures, rows):
    angle, reach, offset, hip_test = measures
    by_slug = {m.slug: m for m in measures}
    for day, values in rows:
        assessment = factories.AssessmentFactory(
            client=client_record, session_date=date(2026, 3, day), final=True
        )
        for (slug, side), value in values.items():
            factories.MeasureValueFactory(
                assessment=assessment, measure=by_slug[slug], side=side, value=value
            )


def test_progress_follows_each_measure_the_way_it_improves(client_record, measures):
    _sessions(
        client_record,
        measures,
        [
            (
                1,
                {
                    ("neck-angle", ""): 40,
                    ("ear-offset", ""): 8,
                    ("hip-test", "left"): 0,
                    ("knee-reach", "right"): 9,
                },
            ),
            (8, {("neck-angle", ""): 46, ("ear-offset", ""): 5, ("hip-test", "left"): 1}),
            (15, {("neck-angle", ""): 45, ("knee-reach", "right"): 9}),
        ],
    )

    rows = {
        (m.measure.slug, m.side): (m.first_label, m.latest_label, m.change, m.change_since_previous)
        for m in client_progress(client_record).measures
    }

    assert rows == {
        ("neck-angle", ""): ("40°", "45°", Change.BETTER, Change.WORSE),
        ("knee-reach", "right"): ("9 cm", "9 cm", Change.SAME, Change.SAME),
        ("ear-offset", ""): ("8 cm", "5 cm", Change.BETTER, Change.BETTER),
        ("hip-test", "left"): ("failed", "passed", Change.BETTER, Change.BETTER),
    }


def test_the_progress_page_and_its_pdf_chart_the_measures(client, trainer, client_record, measures):
    _sessions(
        client_record,
        measures,
        [
            (1, {("neck-angle", ""): 40, ("ear-offset", ""): 8}),
            (8, {("neck-angle", ""): 46, ("ear-offset", ""): 5}),
        ],
    )
    login_as(client, trainer)

    page = client.get(reverse("reports:progress", args=[client_record.pk])).content.decode()
    pdf = read_pdf(
        b"".join(client.get(reverse("reports:progress_pdf", args=[client_record.pk])).streaming_content)
    )

    assert "Measures over time" in page
    assert page.count('data-testid="measure-progress"') == 2
    assert "Neck angle over 2 sessions, from 40° on 1 Mar 2026 to 46° on 8 Mar 2026 (better)." in page
    assert f"{reverse('imbalances:measures')}#measure-neck-angle" in page
    text = " ".join(pdf.text.split())
    assert "Measures over time" in text and "Ear offset" in text and "5 cm" in text


def test_the_session_summary_lists_the_measures_taken(client, trainer, client_record, measures):
    _sessions(
        client_record, measures, [(1, {("knee-reach", "left"): Decimal("9.5"), ("hip-test", "right"): 1})]
    )
    assessment = client_record.assessments.get()
    login_as(client, trainer)

    page = client.get(reverse("reports:summary", args=[assessment.pk])).content.decode()
    pdf = read_pdf(
        b"".join(client.get(reverse("reports:summary_pdf", args=[assessment.pk])).streaming_content)
    )

    assert "Knee reach</a> (left): 9.5 cm" in page
    assert "Hip test</a> (right): passed" in page
    assert "Knee reach (left): 9.5 cm" in " ".join(pdf.text.split())
