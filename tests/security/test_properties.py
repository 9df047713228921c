"""Random data never makes the client or assessment forms raise, and what they accept saves.

Hypothesis sends dictionaries of text, numbers, dates, choice-like words and
missing values under the forms' real field names (and a few made-up ones).
"""

import uuid

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assessments.catalogue import form_patterns
from assessments.forms import AssessmentForm
from assessments.models import Assessment
from assessments.services import assessment_save
from clients.forms import ClientForm
from clients.models import Client
from clients.services import client_create, client_update
from tests.security.urlwalk import World, build_world

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

VALUES = st.one_of(
    st.none(),
    st.text(max_size=600),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(
        ["", "on", "yes", "no", "0", "1", "2", "3", "left", "right", "both", "over-active", "x\x00y"]
    ),
)
CLIENT_FIELDS = [*ClientForm.Meta.fields, "consent", "trainer", "portal_user", "is_archived"]


def form_data(names: list[str], valid: dict[str, str]) -> st.SearchStrategy[dict]:
    """Random values over a valid form, so that both accepted and refused data are common."""
    noise = st.dictionaries(st.sampled_from(names), VALUES, max_size=len(names))
    a_few = st.dictionaries(st.sampled_from(names), VALUES, max_size=3)
    return st.one_of(noise, a_few.map(lambda random: {**valid, **random}))


VALID_CLIENT = {"first_name": "Ann", "last_name": "Lee"}
VALID_ASSESSMENT = {"session_date": "2024-05-01"}


@pytest.fixture
def world(trainer, other_trainer, client_record, other_client_record, admin_user) -> World:
    world = build_world(
        trainer=trainer,
        other_trainer=other_trainer,
        client_record=client_record,
        other_client_record=other_client_record,
        admin_user=admin_user,
    )
    # A lateral pattern with a muscle, so side rules and muscle rows are exercised too.
    from tests import factories

    factories.PatternMuscleFactory(pattern=world.lateral_pattern, side="opposite")
    return world


@PROPERTY_SETTINGS
@given(data=form_data(CLIENT_FIELDS, VALID_CLIENT))
def test_the_client_form_never_raises_and_what_it_accepts_saves(trainer, data):
    form = ClientForm(data=data)
    event(f"valid: {form.is_valid()}")
    if form.is_valid():
        created = client_create(trainer=trainer, data=form.cleaned_data, consent=form.cleaned_data["consent"])
        assert created.trainer == trainer
    else:
        assert form.errors


@PROPERTY_SETTINGS
@given(data=form_data(CLIENT_FIELDS, VALID_CLIENT))
def test_the_client_edit_form_never_raises_and_what_it_accepts_saves(client_record, trainer, data):
    client = Client.objects.get(pk=client_record.pk)
    form = ClientForm(data=data, instance=client)
    if form.is_valid():
        client_update(client=client, data=form.cleaned_data, consent=form.cleaned_data["consent"], by=trainer)
        assert Client.objects.get(pk=client.pk).trainer == trainer


def assessment_field_names(world: World) -> list[str]:
    form = _form(world, Assessment(client=world.client, trainer=world.users["trainer"]))
    names = [*form.header.fields]
    for block in form.blocks:
        names += [block.add_prefix(name) for name in block.fields]
    return [*names, "status", "trainer", f"p{world.retired_pattern.pk}-severity", "p-1-severity"]


def _form(world: World, assessment: Assessment, data: dict | None = None) -> AssessmentForm:
    return AssessmentForm(
        data=data,
        assessment=assessment,
        # A version of its own: this world's catalogue was made by factories, not by the catalogue's
        # services, so the catalogue version did not change with it.
        patterns=form_patterns(version=uuid.uuid4().hex),
        catalogue_version="",
        pattern_findings=list(assessment.pattern_findings.all()) if assessment.pk else [],
        muscle_findings=list(assessment.muscle_findings.all()) if assessment.pk else [],
    )


def _save(form: AssessmentForm, assessment: Assessment, by) -> Assessment:
    return assessment_save(
        assessment=assessment,
        header=form.header_data(),
        pattern_findings=form.pattern_findings(),
        muscle_findings=form.muscle_findings(),
        expected_version=form.expected_version(),
        by=by,
    )


@PROPERTY_SETTINGS
@given(choice=st.data())
def test_the_new_assessment_form_never_raises_and_what_it_accepts_saves(world, choice):
    data = choice.draw(form_data(assessment_field_names(world), VALID_ASSESSMENT))
    assessment = Assessment(client=world.client, trainer=world.users["trainer"])
    form = _form(world, assessment, data)
    event(f"valid: {form.is_valid()}")
    if form.is_valid():
        saved = _save(form, assessment, world.users["trainer"])
        assert saved.status == "draft"
        assert {f.pattern_id for f in saved.pattern_findings.all()} <= {
            world.pattern.pk,
            world.lateral_pattern.pk,
        }


@PROPERTY_SETTINGS
@given(choice=st.data())
def test_the_assessment_edit_form_never_raises_and_what_it_accepts_saves(world, choice):
    data = choice.draw(form_data(assessment_field_names(world), VALID_ASSESSMENT))
    draft = Assessment.objects.get(pk=world.draft.pk)
    # The page carries the current version; a stale one is a designed refusal, tested elsewhere.
    data["version"] = str(draft.version)
    form = _form(world, draft, data)
    if form.is_valid():
        saved = _save(form, draft, world.users["trainer"])
        assert saved.version == Assessment.objects.get(pk=draft.pk).version
        assert saved.status == "draft"
