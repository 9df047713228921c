from dataclasses import dataclass
from datetime import date

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.test import Client as BrowserClient
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from assessments.models import Assessment, MuscleFinding, PatternFinding
from assessments.services import MuscleFindingData, PatternFindingData, assessment_finalise, assessment_save
from clients.models import Client, Screening
from reports.models import RenderedReport, ReportDownload
from reports.tasks import render_report_pdf
from security.models import AuditEvent
from tests import factories
from tests.conftest import login_as
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

MARKER = "Zqxerasure"


@dataclass
class Erasable:
    client: Client
    email: str
    username: str
    user_id: int
    assessment_ids: set[int]
    pattern_finding_ids: set[int]
    muscle_finding_ids: set[int]
    file_names: list[str]


def _screening(client_record: Client, **answers) -> Screening:
    return Screening.objects.create(
        client=client_record, **{**dict.fromkeys(Screening.QUESTIONS, False), **answers}
    )


def _session(client_record: Client, trainer, *, day: date, pattern, muscle) -> Assessment:
    """An assessment saved, edited and finalised through the service, so history exists."""
    assessment = assessment_save(
        assessment=Assessment(client=client_record),
        header={"session_date": day, "notes": f"{MARKER} first note", "pain_score": 4},
        pattern_findings=[PatternFindingData(pattern_id=pattern.pk, severity=2, note=f"{MARKER} tilt")],
        muscle_findings=[MuscleFindingData(muscle_id=muscle.pk, role="over-active", side="both")],
        expected_version=None,
        by=trainer,
    )
    assessment_save(
        assessment=assessment,
        header={"notes": f"{MARKER} edited note"},
        pattern_findings=[PatternFindingData(pattern_id=pattern.pk, severity=3, note=f"{MARKER} worse")],
        muscle_findings=[],
        expected_version=assessment.version,
        by=trainer,
    )
    return assessment_finalise(assessment=assessment, by=trainer, expected_version=assessment.version)


def _with_everything(client_record: Client, trainer, admin_user, settings) -> None:
    """Screening, sessions with history, downloads, renders, audit, logins, admin log, a task."""
    pattern = factories.PatternFactory()
    muscle = factories.MuscleFactory()
    _screening(client_record, recorded_by=trainer, chest_pain=True)
    first = _session(client_record, trainer, day=date(2026, 2, 1), pattern=pattern, muscle=muscle)
    _session(client_record, trainer, day=date(2026, 3, 1), pattern=pattern, muscle=muscle)
    factories.AssessmentFactory(client=client_record, notes=f"{MARKER} draft")

    desk = BrowserClient()
    desk.force_login(trainer)
    assert desk.get(reverse("clients:detail", kwargs={"pk": client_record.pk})).status_code == 200
    assert desk.get(reverse("reports:summary_pdf", kwargs={"pk": first.pk})).status_code == 200
    assert desk.get(reverse("reports:progress_pdf", kwargs={"pk": client_record.pk})).status_code == 200

    portal_user = client_record.portal_user
    phone = BrowserClient()
    wrong = phone.post(reverse("login"), {"username": portal_user.username, "password": "not it"})
    assert wrong.status_code == 200
    signed_in = phone.post(reverse("login"), {"username": portal_user.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert phone.get(reverse("reports:portal_progress_pdf")).status_code == 200
    failed = BrowserClient()
    failed.post(reverse("login"), {"username": portal_user.username, "password": "still not it"})

    for obj in (client_record, first, portal_user):
        LogEntry.objects.create(
            user=admin_user,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=CHANGE,
            change_message=f"Changed {obj}",
        )

    # Renders queued for workers name the client and their assessment by id.
    immediate = settings.TASKS
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    render_report_pdf.enqueue(
        kind="progress", object_id=client_record.pk, start=None, end=None, include_drafts=False
    )
    render_report_pdf.enqueue(kind="summary", object_id=first.pk, start=None, end=None, include_drafts=False)
    settings.TASKS = immediate


@pytest.fixture
def erasable(trainer, admin_user, settings) -> Erasable:
    client_record = factories.ClientFactory(
        trainer=trainer,
        first_name="Zara",
        last_name=MARKER,
        with_portal=True,
        health_notes=f"{MARKER}'s knee",
        phone="+44 7700 900123",
    )
    _with_everything(client_record, trainer, admin_user, settings)
    ids = set(Assessment.objects.filter(client=client_record).values_list("pk", flat=True))
    return Erasable(
        client=client_record,
        email=client_record.email,
        username=client_record.portal_user.username,
        user_id=client_record.portal_user_id,
        assessment_ids=ids,
        pattern_finding_ids=set(
            PatternFinding.history.filter(assessment_id__in=ids).values_list("id", flat=True)
        ),
        muscle_finding_ids=set(
            MuscleFinding.history.filter(assessment_id__in=ids).values_list("id", flat=True)
        ),
        file_names=list(
            RenderedReport.objects.filter(client=client_record).values_list("file_name", flat=True)
        ),
    )


@pytest.fixture
def bystander(other_client_record, other_trainer, admin_user, settings) -> Client:
    """Another trainer's client with the same kinds of data, which must survive."""
    _with_everything(other_client_record, other_trainer, admin_user, settings)
    return other_client_record


def _all_models():
    return apps.get_models(include_auto_created=True)


def _row_text(row) -> str:
    values = [str(getattr(row, field.attname)) for field in row._meta.concrete_fields]
    if isinstance(row, Session):
        values.append(str(row.get_decoded()))
    return " ".join(values)


def _counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in _all_models()}


def _erase_url(client_record: Client) -> str:
    return reverse("security:client_erase", kwargs={"client_pk": client_record.pk})


def _erase(django_client, client_record: Client, typed: str, capture):
    with capture(execute=True):
        return django_client.post(_erase_url(client_record), {"full_name": typed})


def test_the_fixture_really_holds_everything(erasable):
    """Guards the erasure test: each kind of row it must remove is there to begin with."""
    client_record = erasable.client
    assert Screening.objects.filter(client=client_record).exists()
    assert Assessment.history.filter(client_id=client_record.pk, history_type="~").exists()
    assert PatternFinding.history.filter(assessment_id__in=erasable.assessment_ids).count() >= 4
    assert ReportDownload.objects.filter(client=client_record, user_id=erasable.user_id).exists()
    assert ReportDownload.objects.filter(client=client_record).exclude(user_id=erasable.user_id).exists()
    assert len(erasable.file_names) >= 2
    assert all(default_storage.exists(name) for name in erasable.file_names)
    assert AuditEvent.objects.filter(client=client_record).count() >= 3
    assert apps.get_model("axes", "AccessLog").objects.filter(username=erasable.username).exists()
    assert apps.get_model("axes", "AccessAttempt").objects.filter(username=erasable.username).exists()
    live_users = {s.get_decoded().get("_auth_user_id") for s in Session.objects.all()}
    assert str(erasable.user_id) in live_users
    assert LogEntry.objects.count() == 3
    assert DBTaskResult.objects.count() == 2


def test_erasing_leaves_no_trace_of_the_client_in_any_table(
    client, trainer, erasable, django_capture_on_commit_callbacks
):
    login_as(client, trainer)

    response = _erase(
        client, erasable.client, f"  zara {MARKER.lower()} ", django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("clients:list")
    needles = [MARKER.lower(), erasable.email.lower(), erasable.username.lower()]
    for model in _all_models():
        for row in model._base_manager.all():
            text = _row_text(row).lower()
            for needle in needles:
                assert needle not in text, f"{model._meta.label} row {row.pk} still holds {needle!r}"
    _assert_nothing_points_at(erasable)
    assert not any(default_storage.exists(name) for name in erasable.file_names)
    assert not get_user_model().objects.filter(pk=erasable.user_id).exists()


def _assert_nothing_points_at(erasable: Erasable) -> None:
    erased = {
        Client: {erasable.client.pk},
        Assessment: erasable.assessment_ids,
        PatternFinding: erasable.pattern_finding_ids,
        MuscleFinding: erasable.muscle_finding_ids,
        get_user_model(): {erasable.user_id},
    }
    for model in _all_models():
        # A historical row's own id is the id of the object it is a version of.
        tracked = getattr(model, "instance_type", None)
        for row in model._base_manager.all():
            if tracked in erased:
                assert row.id not in erased[tracked], f"{model._meta.label} keeps a version of {row.id}"
            for field in row._meta.concrete_fields:
                target = field.related_model
                if field.is_relation and target in erased:
                    value = getattr(row, field.attname)
                    assert value not in erased[target], f"{model._meta.label}.{field.name} -> {value}"
    log = LogEntry.objects.all()
    for model, ids in erased.items():
        kind = ContentType.objects.get_for_model(model)
        assert not log.filter(content_type=kind, object_id__in=[str(i) for i in ids]).exists()


def test_the_portal_account_is_signed_out_and_gone(
    client, trainer, erasable, django_capture_on_commit_callbacks
):
    phone = BrowserClient()
    phone.force_login(erasable.client.portal_user)
    login_as(client, trainer)

    _erase(client, erasable.client, f"Zara {MARKER}", django_capture_on_commit_callbacks)

    response = phone.get(reverse("portal:home"))
    assert response.status_code == 302
    live_users = {s.get_decoded().get("_auth_user_id") for s in Session.objects.all()}
    assert str(erasable.user_id) not in live_users


def test_it_says_who_was_erased_and_keeps_an_unnamed_record(
    client, trainer, erasable, django_capture_on_commit_callbacks
):
    login_as(client, trainer)

    response = _erase(client, erasable.client, f"Zara {MARKER}", django_capture_on_commit_callbacks)

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"All data about Zara {MARKER} was erased."
    ]
    event = AuditEvent.objects.get(url_name="security:client_erase")
    assert (event.user, event.client, event.action, event.path) == (trainer, None, "change", "")
    assert not AuditEvent.objects.filter(client_id=erasable.client.pk).exists()


def test_another_clients_data_is_untouched(
    client, trainer, erasable, bystander, django_capture_on_commit_callbacks
):
    other_files = list(RenderedReport.objects.filter(client=bystander).values_list("file_name", flat=True))
    login_as(client, trainer)
    before = _counts()

    _erase(client, erasable.client, f"Zara {MARKER}", django_capture_on_commit_callbacks)

    after = _counts()
    bystander.refresh_from_db()
    assert bystander.portal_user is not None
    assert Assessment.history.filter(client_id=bystander.pk).count() > 0
    assert all(default_storage.exists(name) for name in other_files)
    assert ReportDownload.objects.filter(client=bystander).count() == 3
    assert AuditEvent.objects.filter(client=bystander).count() >= 3
    assert LogEntry.objects.count() == 3
    assert DBTaskResult.objects.count() == 2
    changed = {label for label in before if before[label] != after[label]}
    # Only tables that held something of the erased client changed.
    assert changed <= {
        "clients.Client",
        "clients.Screening",
        "assessments.Assessment",
        "assessments.PatternFinding",
        "assessments.MuscleFinding",
        "assessments.HistoricalAssessment",
        "assessments.HistoricalPatternFinding",
        "assessments.HistoricalMuscleFinding",
        "reports.ReportDownload",
        "reports.RenderedReport",
        "security.AuditEvent",
        "auth.User",
        "sessions.Session",
        "admin.LogEntry",
        "axes.AccessLog",
        "axes.AccessAttempt",
        "axes.AccessFailureLog",
        "axes.AccessAttemptExpiration",
        "django_tasks_database.DBTaskResult",
    }
    assert after["auth.User"] == before["auth.User"] - 1


def test_the_confirmation_page_explains_what_goes(client, trainer, erasable):
    login_as(client, trainer)

    response = client.get(_erase_url(erasable.client))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Type the client&#x27;s full name to confirm" in text
    assert "3 assessments" in text
    assert erasable.username in text


@pytest.mark.parametrize("typed", ["Zara", f"Zara {MARKER}x", "", f"{MARKER} Zara"])
def test_a_wrong_name_erases_nothing(client, trainer, erasable, typed, django_capture_on_commit_callbacks):
    login_as(client, trainer)
    before = _counts()

    response = _erase(client, erasable.client, typed, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert response.context["form"].errors["full_name"]
    assert f'value="{typed}"' in response.content.decode() or not typed
    after = _counts()
    # Viewing the form again is audited like any view; nothing else changes.
    assert {label for label in before if before[label] != after[label]} <= {"sessions.Session"}
    assert all(default_storage.exists(name) for name in erasable.file_names)


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_trainer_gets_404_and_nothing_changes(
    client, other_trainer, erasable, method, django_capture_on_commit_callbacks
):
    login_as(client, other_trainer)
    before = _counts()

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, method)(_erase_url(erasable.client), {"full_name": f"Zara {MARKER}"})

    assert response.status_code == 404
    assert Client.objects.filter(pk=erasable.client.pk).exists()
    assert {label for label, n in _counts().items() if before[label] != n} <= {"sessions.Session"}


@pytest.mark.parametrize("persona_name", ["client", "other_client"])
def test_clients_cannot_reach_it(client, persona, client_record, persona_name):
    login_as(client, persona[persona_name])

    get = client.get(_erase_url(client_record))
    post = client.post(_erase_url(client_record), {"full_name": "Jane Doe"})

    assert (get.status_code, post.status_code) == (403, 403)
    assert Client.objects.filter(pk=client_record.pk).exists()


def test_it_requires_login(client, client_record):
    response = client.post(_erase_url(client_record), {"full_name": "Jane Doe"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Client.objects.filter(pk=client_record.pk).exists()


def test_an_admin_may_erase_any_client(client, admin_user, client_record, django_capture_on_commit_callbacks):
    login_as(client, admin_user)

    response = _erase(client, client_record, "jane doe", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert not Client.objects.filter(pk=client_record.pk).exists()
