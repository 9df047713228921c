import base64
import io
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from assessments.models import Assessment, MeasureValue, MuscleFinding, PatternFinding, Photo
from assessments.services import MuscleFindingData, PatternFindingData, assessment_finalise, assessment_save
from clients.models import AssessmentOverride, Client, MedicalClearance, Screening
from plans.models import Plan, PlanItem, PlanSession
from plans.services import (
    PlanItemData,
    plan_build,
    plan_carry_forward,
    plan_discard,
    plan_publish,
    plan_save,
    session_log,
)
from reports.models import RenderedReport, ReportDownload
from reports.services import rendered_reports_delete
from reports.tasks import render_report_pdf
from security.export import export_document, historical_plan_ids
from security.models import AuditEvent, ClientExport
from security.services import client_export_request
from tests import factories
from tests.conftest import login_as
from tests.factories import PASSWORD
from tests.storage import stored_files

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
    plan_ids: set[int]
    plan_item_ids: set[int]
    plan_session_ids: set[int]
    file_names: list[str]
    export_files: list[str]
    letter_files: list[str]
    photo_files: list[str]
    export_ids: set[int]


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


def _plan(client_record: Client, trainer, *, first: Assessment, latest: Assessment) -> Plan:
    """A plan built, tailored and published through the services, with sessions the client logged,
    and a draft carried forward and discarded: history of a plan that no longer exists."""
    plan, _ = plan_build(assessment=first, by=trainer)
    start = timezone.localdate() - timedelta(days=7)
    plan = plan_save(
        plan=plan,
        fields={"start_date": start, "review_date": start + timedelta(weeks=4), "notes": f"{MARKER} plan"},
        items=[
            PlanItemData(
                exercise_id=factories.ExerciseFactory().pk, sets=2, reps=10, note=f"{MARKER} go gently"
            ),
            PlanItemData(exercise_id=factories.ExerciseFactory().pk, hold_seconds=30, reason="For the tilt"),
        ],
        expected_version=plan.version,
        by=trainer,
    )
    plan = plan_publish(plan=plan, by=trainer)
    portal_user = client_record.portal_user
    session_log(plan=plan, done_on=start + timedelta(days=1), effort=6, note=f"{MARKER} sore", by=portal_user)
    session_log(plan=plan, done_on=start + timedelta(days=4), by=portal_user)
    plan_discard(plan=plan_carry_forward(assessment=latest, by=trainer), by=trainer)
    return plan


def _with_everything(client_record: Client, trainer, admin_user, settings, capture) -> None:
    """Screening, sessions with history, downloads, renders, audit, logins, admin log, a task."""
    pattern = factories.PatternFactory()
    muscle = factories.MuscleFactory()
    screening = _screening(client_record, recorded_by=trainer, chest_pain=True)
    first = _session(client_record, trainer, day=date(2026, 2, 1), pattern=pattern, muscle=muscle)
    # A measure taken at the first session and corrected, so its history holds two versions.
    measured = factories.MeasureValueFactory(assessment=first, value=40)
    measured.value = 42
    measured.save()
    latest = _session(client_record, trainer, day=date(2026, 3, 1), pattern=pattern, muscle=muscle)
    draft = factories.AssessmentFactory(client=client_record, notes=f"{MARKER} draft")
    plan = _plan(client_record, trainer, first=first, latest=latest)

    desk = BrowserClient()
    desk.force_login(trainer)
    assert desk.get(reverse("clients:detail", kwargs={"pk": client_record.pk})).status_code == 200
    # A reason to assess before the clearance came, then the doctor's clearance with a letter.
    anyway = desk.post(
        reverse("clients:assess_anyway", kwargs={"pk": client_record.pk}),
        {"reason": f"{MARKER} asked to go ahead"},
    )
    assert anyway.status_code == 302
    letter = SimpleUploadedFile("letter.pdf", f"%PDF-1.7 {MARKER}".encode(), content_type="application/pdf")
    cleared = desk.post(
        reverse("clients:clearance", kwargs={"pk": client_record.pk, "screening_pk": screening.pk}),
        {"cleared_on": screening.screened_on.isoformat(), "cleared_by": f"Dr. {MARKER}", "letter": letter},
    )
    assert cleared.status_code == 302
    # Posture photos of the draft, with the client's consent: two kept, one taken and removed.
    Client.objects.filter(pk=client_record.pk).update(
        photo_consent_given_at=timezone.now(), photo_consent_recorded_by=trainer
    )
    photos = desk.post(
        reverse("assessments:photos", kwargs={"pk": draft.pk}),
        {"front": [_photo_upload(), _photo_upload()], "left": _photo_upload()},
    )
    assert photos.status_code == 302
    removed = draft.photos.filter(view="left").get()
    with capture(execute=True):
        assert desk.post(reverse("assessments:photo_delete", kwargs={"pk": removed.pk})).status_code == 302
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

    for obj in (client_record, first, plan, portal_user):
        LogEntry.objects.create(
            user=admin_user,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=CHANGE,
            change_message=f"Changed {obj}",
        )

    # A download of all their data, built at once by the immediate task backend.
    assert (
        desk.post(reverse("security:client_export", kwargs={"client_pk": client_record.pk})).status_code
        == 302
    )

    # Tasks queued for workers name the client, their assessment and export by id, and their e-mail.
    immediate = settings.TASKS
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    render_report_pdf.enqueue(
        kind="progress", object_id=client_record.pk, start=None, end=None, include_drafts=False
    )
    render_report_pdf.enqueue(kind="summary", object_id=first.pk, start=None, end=None, include_drafts=False)
    client_export_request(client=client_record, by=trainer)
    # A reset asked for at their e-mail: a queued mail, and rate-limit counters in the cache.
    assert BrowserClient().post(reverse("password_reset"), {"email": client_record.email}).status_code == 302
    settings.TASKS = immediate


def _photo_upload() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 60), "red").save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def _photo_files(client_record: Client) -> list[str]:
    photos = Photo.objects.filter(assessment__client=client_record)
    return [name for photo in photos for name in (photo.image.name, photo.thumbnail.name)]


@pytest.fixture
def erasable(trainer, admin_user, settings, django_capture_on_commit_callbacks) -> Erasable:
    client_record = factories.ClientFactory(
        trainer=trainer,
        first_name="Zara",
        last_name=MARKER,
        with_portal=True,
        health_notes=f"{MARKER}'s knee",
        phone="+44 7700 900123",
    )
    _with_everything(client_record, trainer, admin_user, settings, django_capture_on_commit_callbacks)
    ids = set(Assessment.objects.filter(client=client_record).values_list("pk", flat=True))
    plan_ids = historical_plan_ids(client_record.pk)
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
        plan_ids=plan_ids,
        plan_item_ids=set(PlanItem.history.filter(plan_id__in=plan_ids).values_list("id", flat=True)),
        plan_session_ids=set(PlanSession.history.filter(plan_id__in=plan_ids).values_list("id", flat=True)),
        file_names=list(
            RenderedReport.objects.filter(client=client_record).values_list("file_name", flat=True)
        ),
        export_ids=set(ClientExport.objects.filter(client=client_record).values_list("pk", flat=True)),
        export_files=list(
            ClientExport.objects.filter(client=client_record)
            .exclude(file_name="")
            .values_list("file_name", flat=True)
        ),
        letter_files=_letters(client_record),
        photo_files=_photo_files(client_record),
    )


def _letters(client_record: Client) -> list[str]:
    return list(
        MedicalClearance.objects.filter(screening__client=client_record).values_list("letter", flat=True)
    )


@pytest.fixture
def bystander(
    other_client_record, other_trainer, admin_user, settings, django_capture_on_commit_callbacks
) -> Client:
    """Another trainer's client with the same kinds of data, which must survive."""
    _with_everything(
        other_client_record, other_trainer, admin_user, settings, django_capture_on_commit_callbacks
    )
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
    plan = Plan.objects.get(client=client_record)
    assert plan.is_current
    assert Plan.history.filter(client_id=client_record.pk, history_type="~").exists()
    # The discarded draft is gone but for its history, which erasure must find too.
    assert len(erasable.plan_ids) == 2
    assert Plan.history.filter(client_id=client_record.pk, history_type="-").exists()
    assert PlanItem.history.filter(plan_id__in=erasable.plan_ids).exclude(plan_id=plan.pk).exists()
    assert plan.items.count() == 2
    assert plan.sessions.count() == 2
    assert PlanSession.history.filter(plan=plan, history_user=client_record.portal_user).count() == 2
    assert ReportDownload.objects.filter(client=client_record, user_id=erasable.user_id).exists()
    assert ReportDownload.objects.filter(client=client_record).exclude(user_id=erasable.user_id).exists()
    assert len(erasable.file_names) >= 2
    assert all(default_storage.exists(name) for name in erasable.file_names)
    assert AuditEvent.objects.filter(client=client_record).count() >= 3
    assert apps.get_model("axes", "AccessLog").objects.filter(username=erasable.username).exists()
    assert apps.get_model("axes", "AccessAttempt").objects.filter(username=erasable.username).exists()
    live_users = {s.get_decoded().get("_auth_user_id") for s in Session.objects.all()}
    assert str(erasable.user_id) in live_users
    assert LogEntry.objects.count() == 4
    assert DBTaskResult.objects.count() == 4
    assert len(erasable.export_files) == 1
    assert all(default_storage.exists(name) for name in erasable.export_files)
    assert ClientExport.objects.filter(client=client_record, status="pending").exists()
    assert AssessmentOverride.objects.filter(client=client_record).exists()
    assert len(erasable.letter_files) == 1
    assert all(default_storage.exists(name) for name in erasable.letter_files)
    assert len(erasable.photo_files) == 4
    assert all(default_storage.exists(name) for name in erasable.photo_files)
    assert Photo.history.filter(assessment_id__in=erasable.assessment_ids, history_type="-").exists()


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
    assert not any(
        default_storage.exists(name)
        for name in erasable.file_names + erasable.export_files + erasable.letter_files + erasable.photo_files
    )
    assert not get_user_model().objects.filter(pk=erasable.user_id).exists()


def _assert_nothing_points_at(erasable: Erasable) -> None:
    erased = {
        Client: {erasable.client.pk},
        Assessment: erasable.assessment_ids,
        PatternFinding: erasable.pattern_finding_ids,
        MuscleFinding: erasable.muscle_finding_ids,
        Plan: erasable.plan_ids,
        PlanItem: erasable.plan_item_ids,
        PlanSession: erasable.plan_session_ids,
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
    other_files += ClientExport.objects.filter(client=bystander, status="ready").values_list(
        "file_name", flat=True
    )
    other_files += _letters(bystander)
    other_files += _photo_files(bystander)
    assert _letters(bystander)
    assert _photo_files(bystander)
    login_as(client, trainer)
    before = _counts()

    _erase(client, erasable.client, f"Zara {MARKER}", django_capture_on_commit_callbacks)

    after = _counts()
    bystander.refresh_from_db()
    assert bystander.portal_user is not None
    assert Assessment.history.filter(client_id=bystander.pk).count() > 0
    assert Plan.objects.get(client=bystander).sessions.count() == 2
    assert Plan.history.filter(client_id=bystander.pk).count() > 0
    assert all(default_storage.exists(name) for name in other_files)
    assert ReportDownload.objects.filter(client=bystander).count() == 3
    assert AuditEvent.objects.filter(client=bystander).count() >= 3
    assert LogEntry.objects.count() == 4
    assert DBTaskResult.objects.count() == 4
    assert ClientExport.objects.filter(client=bystander).count() == 2
    changed = {label for label in before if before[label] != after[label]}
    # Only tables that held something of the erased client changed.
    assert changed <= {
        "clients.Client",
        "clients.Screening",
        "clients.MedicalClearance",
        "clients.AssessmentOverride",
        "assessments.Assessment",
        "assessments.PatternFinding",
        "assessments.MuscleFinding",
        "assessments.HistoricalAssessment",
        "assessments.HistoricalPatternFinding",
        "assessments.HistoricalMuscleFinding",
        "assessments.MeasureValue",
        "assessments.HistoricalMeasureValue",
        "assessments.Photo",
        "assessments.HistoricalPhoto",
        "plans.Plan",
        "plans.PlanItem",
        "plans.PlanSession",
        "plans.HistoricalPlan",
        "plans.HistoricalPlanItem",
        "plans.HistoricalPlanSession",
        "reports.ReportDownload",
        "reports.RenderedReport",
        "security.AuditEvent",
        "security.ClientExport",
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
    assert "1 corrective plan with" in text
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


# What the export showed is what erasure removes: sign-ins, admin log, audit rows; nobody else's.


def _login_rows() -> dict[str, set[tuple]]:
    rows = {
        model._meta.label: set(model.objects.values_list("pk", "username", "attempt_time"))
        for model in (AccessLog, AccessAttempt, AccessFailureLog)
    }
    rows["admin.LogEntry"] = set(LogEntry.objects.values_list("pk", "user_id", "action_time"))
    rows["security.AuditEvent"] = set(AuditEvent.objects.values_list("pk", "url_name", "at"))
    return rows


def test_erasure_removes_the_sign_ins_and_audit_rows_the_export_listed_and_no_one_elses(
    client, trainer, erasable, bystander, django_capture_on_commit_callbacks
):
    portal_user = erasable.client.portal_user
    AccessFailureLog.objects.create(username=erasable.email.upper(), ip_address="10.0.0.9")
    AccessFailureLog.objects.create(username=bystander.email, ip_address="10.0.0.9")
    LogEntry.objects.create(
        user=portal_user,
        content_type=ContentType.objects.get_for_model(Client),
        object_id=str(bystander.pk),
        object_repr="touched by the erased client's account",
        action_flag=CHANGE,
    )
    document = export_document(erasable.client)
    before = _login_rows()
    login_as(client, trainer)

    _erase(client, erasable.client, f"Zara {MARKER}", django_capture_on_commit_callbacks)

    after = _login_rows()
    removed = {label: before[label] - after[label] for label in before}
    listed_sign_ins = {(r["username"], r["at"]) for r in document["login_records"]}
    removed_sign_ins = {
        (username, at)
        for label in ("axes.AccessLog", "axes.AccessAttempt", "axes.AccessFailureLog")
        for _, username, at in removed[label]
    }
    assert len(document["login_records"]) >= 3
    assert removed_sign_ins == listed_sign_ins
    assert {at for _, _, at in removed["admin.LogEntry"]} >= {e["at"] for e in document["admin_log"]}
    assert len(document["admin_log"]) == 1
    assert {(url_name, at) for _, url_name, at in removed["security.AuditEvent"]} == {
        (e["url_name"], e["at"]) for e in document["audit_events"]
    }
    assert len(document["audit_events"]) >= 3
    # Nothing else went, and the only row added is the erasure's own unnamed record.
    for label in ("axes.AccessLog", "axes.AccessAttempt", "axes.AccessFailureLog", "security.AuditEvent"):
        assert before[label] - removed[label] <= after[label], label
    assert [url for _, url, _ in after["security.AuditEvent"] - before["security.AuditEvent"]] == [
        "security:client_erase"
    ]
    assert AccessFailureLog.objects.filter(username=bystander.email).exists()
    assert AccessAttempt.objects.filter(username=bystander.portal_user.username).exists()
    assert AuditEvent.objects.filter(client=bystander).count() >= 3


def test_a_client_without_a_portal_account_loses_the_sign_ins_kept_at_their_e_mail(
    client, trainer, client_record, other_client_record, django_capture_on_commit_callbacks
):
    former_account = client_record.portal_user
    client_record.portal_user = None
    client_record.save()
    # Gone, so that their e-mail names no account: a typed e-mail that does name one is
    # counted under that account's username instead.
    former_account.delete()
    BrowserClient().post(reverse("login"), {"username": client_record.email, "password": "guess"})
    BrowserClient().post(reverse("login"), {"username": other_client_record.email, "password": "guess"})
    assert len(export_document(client_record)["login_records"]) == 1
    login_as(client, trainer)

    _erase(client, client_record, "Jane Doe", django_capture_on_commit_callbacks)

    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [
        other_client_record.portal_user.username
    ]


# Files: a rendered report deleted in the admin takes its file with it.


def _render(client_record: Client, assessment: Assessment) -> RenderedReport:
    name = default_storage.save(f"reports/cache/{assessment.pk}.pdf", ContentFile(b"%PDF-1.7"))
    return RenderedReport.objects.create(
        key=f"{assessment.pk:064d}",
        kind="summary",
        client=client_record,
        assessment=assessment,
        status="ready",
        file_name=name,
    )


def test_deleting_rendered_reports_in_the_admin_deletes_their_files(
    client, admin_user, client_record, django_capture_on_commit_callbacks
):
    one, two, kept = (
        _render(client_record, factories.AssessmentFactory(client=client_record, final=True))
        for _ in range(3)
    )
    login_as(client, admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        single = client.post(reverse("admin:reports_renderedreport_delete", args=[one.pk]), {"post": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        bulk = client.post(
            reverse("admin:reports_renderedreport_changelist"),
            {"action": "delete_selected", "_selected_action": [str(two.pk)], "post": "yes"},
        )

    assert (single.status_code, bulk.status_code) == (302, 302)
    assert list(RenderedReport.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not default_storage.exists(one.file_name)
    assert not default_storage.exists(two.file_name)
    assert default_storage.exists(kept.file_name)


def test_a_rolled_back_delete_keeps_the_file(client_record):
    report = _render(client_record, factories.AssessmentFactory(client=client_record, final=True))

    with pytest.raises(RuntimeError), transaction.atomic():
        rendered_reports_delete(reports=RenderedReport.objects.filter(pk=report.pk))
        raise RuntimeError("something after the delete failed")

    assert RenderedReport.objects.filter(pk=report.pk).exists()
    assert default_storage.exists(report.file_name)


# Every place that can hold a client's data, and proof that erasure empties each.


def _names(erasable: Erasable) -> Q:
    by_name = Q(pk__in=[])
    for name in (erasable.email, erasable.username):
        by_name |= Q(username__iexact=name)
    return by_name


def _sessions_of(user_id: int) -> int:
    return sum(s.get_decoded().get("_auth_user_id") == str(user_id) for s in Session.objects.all())


def _held_by_model(erasable: Erasable) -> dict[str, Callable[[], int]]:
    """For each model that can hold a client's data: how many of its rows are the erased client's."""
    client_id, user_id, ids = erasable.client.pk, erasable.user_id, erasable.assessment_ids
    export_ids, plan_ids = erasable.export_ids, erasable.plan_ids
    about = Q(content_type=ContentType.objects.get_for_model(Client), object_id=str(client_id)) | Q(
        content_type=ContentType.objects.get_for_model(get_user_model()), object_id=str(user_id)
    )
    kwargs = "args_kwargs__kwargs__"
    tasks = (
        Q(**{f"{kwargs}kind": "progress", f"{kwargs}object_id": client_id})
        | Q(**{f"{kwargs}kind": "summary", f"{kwargs}object_id__in": list(ids)})
        | Q(**{f"{kwargs}export_id__in": list(export_ids)})
        | Q(**{f"{kwargs}email__iexact": erasable.email})
    )
    user_model = get_user_model()
    return {
        "admin.LogEntry": LogEntry.objects.filter(Q(user_id=user_id) | about).count,
        "auth.User": user_model.objects.filter(pk=user_id).count,
        "auth.User_groups": user_model.groups.through.objects.filter(user_id=user_id).count,
        "auth.User_user_permissions": user_model.user_permissions.through.objects.filter(
            user_id=user_id
        ).count,
        "sessions.Session": lambda: _sessions_of(user_id),
        "axes.AccessLog": AccessLog.objects.filter(_names(erasable)).count,
        "axes.AccessAttempt": AccessAttempt.objects.filter(_names(erasable)).count,
        "axes.AccessFailureLog": AccessFailureLog.objects.filter(_names(erasable)).count,
        "axes.AccessAttemptExpiration": AccessAttemptExpiration.objects.filter(
            access_attempt__in=AccessAttempt.objects.filter(_names(erasable))
        ).count,
        "django_tasks_database.DBTaskResult": DBTaskResult.objects.filter(tasks).count,
        "clients.Client": Client.objects.filter(pk=client_id).count,
        "clients.Screening": Screening.objects.filter(client_id=client_id).count,
        "clients.MedicalClearance": MedicalClearance.objects.filter(screening__client_id=client_id).count,
        "clients.AssessmentOverride": AssessmentOverride.objects.filter(client_id=client_id).count,
        "assessments.Assessment": Assessment.objects.filter(pk__in=ids).count,
        "assessments.HistoricalAssessment": Assessment.history.filter(client_id=client_id).count,
        "assessments.PatternFinding": PatternFinding.objects.filter(assessment_id__in=ids).count,
        "assessments.HistoricalPatternFinding": PatternFinding.history.filter(assessment_id__in=ids).count,
        "assessments.MuscleFinding": MuscleFinding.objects.filter(assessment_id__in=ids).count,
        "assessments.HistoricalMuscleFinding": MuscleFinding.history.filter(assessment_id__in=ids).count,
        "assessments.MeasureValue": MeasureValue.objects.filter(assessment_id__in=ids).count,
        "assessments.HistoricalMeasureValue": MeasureValue.history.filter(assessment_id__in=ids).count,
        "assessments.Photo": Photo.objects.filter(assessment_id__in=ids).count,
        "assessments.HistoricalPhoto": Photo.history.filter(assessment_id__in=ids).count,
        "plans.Plan": Plan.objects.filter(client_id=client_id).count,
        "plans.HistoricalPlan": Plan.history.filter(client_id=client_id).count,
        "plans.PlanItem": PlanItem.objects.filter(plan_id__in=plan_ids).count,
        "plans.HistoricalPlanItem": PlanItem.history.filter(plan_id__in=plan_ids).count,
        "plans.PlanSession": PlanSession.objects.filter(plan_id__in=plan_ids).count,
        "plans.HistoricalPlanSession": PlanSession.history.filter(plan_id__in=plan_ids).count,
        "reports.RenderedReport": RenderedReport.objects.filter(client_id=client_id).count,
        "reports.ReportDownload": ReportDownload.objects.filter(
            Q(client_id=client_id) | Q(user_id=user_id)
        ).count,
        "security.AuditEvent": AuditEvent.objects.filter(Q(client_id=client_id) | Q(user_id=user_id)).count,
        "security.ClientExport": ClientExport.objects.filter(client_id=client_id).count,
    }


# Models that hold nothing of any one client, and why.
HOLDS_NO_CLIENT_DATA = {
    "auth.Permission": "the rights that exist, the same for everyone",
    "auth.Group": "roles such as trainers, named for nobody",
    "auth.Group_permissions": "which rights a role has",
    "contenttypes.ContentType": "the names of models",
    "imbalances.Region": "the public catalogue",
    "imbalances.Muscle": "the public catalogue",
    "imbalances.Pattern": "the public catalogue",
    "imbalances.PatternMuscle": "the public catalogue",
    "imbalances.Source": "the public catalogue",
    "imbalances.Observation": "the public catalogue",
    "imbalances.Pattern_sources": "the public catalogue",
    "imbalances.Measure": "the public catalogue",
    "imbalances.Measure_sources": "the public catalogue",
    "imbalances.Exercise": "the public catalogue",
    "imbalances.Exercise_muscles": "the public catalogue",
    "imbalances.Exercise_patterns": "the public catalogue",
    "imbalances.Exercise_sources": "the public catalogue",
    "imbalances.CatalogueImport": "who imported which catalogue pack: no client's data",
    "studio.Studio": "the studio's name, branding and contact details",
    "studio.TrainerProfile": "a trainer's display name and credentials",
}


def _cache_entries() -> list[tuple[str, str]]:
    """(key, value as text) of every entry of every configured cache."""
    entries: list[tuple[str, str]] = []
    for alias, config in django_settings.CACHES.items():
        cache = caches[alias]
        if isinstance(cache, DatabaseCache):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT cache_key, value FROM {connection.ops.quote_name(config['LOCATION'])}"
                )
                rows = cursor.fetchall()
            entries += [(key, repr(pickle.loads(base64.b64decode(value)))) for key, value in rows]
        elif isinstance(cache, LocMemCache):
            # The test reads the backend's own store: no public API lists a cache's keys.
            entries += [(key, repr(pickle.loads(value))) for key, value in cache._cache.items()]
        else:
            pytest.fail(f"cache {alias!r} ({type(cache).__name__}): teach this test to read it")
    return entries


def test_every_model_is_classified(erasable):
    held = _held_by_model(erasable)
    labels = {model._meta.label for model in _all_models()}

    assert not held.keys() & HOLDS_NO_CLIENT_DATA.keys()
    unclassified = sorted(labels - held.keys() - HOLDS_NO_CLIENT_DATA.keys())
    assert not unclassified, f"say whether these hold a client's data, in test_erasure.py: {unclassified}"
    assert not (held.keys() | HOLDS_NO_CLIENT_DATA.keys()) - labels, "classified models that no longer exist"


def test_erasure_empties_every_model_file_and_cache_entry_that_held_the_client(
    client, trainer, erasable, bystander, django_capture_on_commit_callbacks
):
    portal_user = erasable.client.portal_user
    # What an admin might give a portal account, and what django-axes keeps when so configured.
    portal_user.groups.add(Group.objects.create(name="newsletter"))
    portal_user.user_permissions.add(Permission.objects.get(codename="view_pattern"))
    AccessFailureLog.objects.create(username=erasable.username, ip_address="10.0.0.9")
    factories.MuscleFindingFactory(assessment=Assessment.objects.get(client=erasable.client, status="draft"))
    AccessAttemptExpiration.objects.create(
        access_attempt=AccessAttempt.objects.filter(username=erasable.username).first(),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    held = _held_by_model(erasable)
    assert {label for label, count in held.items() if not count()} == set(), "the fixture misses a place"
    files_before = stored_files()
    client_files = (
        set(erasable.file_names)
        | set(erasable.export_files)
        | set(erasable.letter_files)
        | set(erasable.photo_files)
    )
    assert client_files <= files_before
    assert any(name.startswith(f"exports/{erasable.client.pk}/") for name in client_files)
    assert any(name.startswith(f"photos/{erasable.client.pk}/") for name in client_files)
    assert _cache_entries(), "the reset request left no cache entry to look at"
    login_as(client, trainer)

    _erase(client, erasable.client, f"Zara {MARKER}", django_capture_on_commit_callbacks)

    left = {label: count() for label, count in held.items()}
    assert {label: n for label, n in left.items() if n} == {}
    files_after = stored_files()
    assert files_after == files_before - client_files
    # Each file left is named by a row of the client who stays.
    named = set(RenderedReport.objects.filter(client=bystander).values_list("file_name", flat=True))
    named |= set(ClientExport.objects.filter(client=bystander).values_list("file_name", flat=True))
    named |= set(_letters(bystander))
    named |= set(_photo_files(bystander))
    assert files_after <= named
    needles = [erasable.email.lower(), erasable.username.lower(), MARKER.lower()]
    for key, value in _cache_entries():
        for needle in needles:
            assert needle not in key.lower(), f"cache key {key} names the erased client"
            assert needle not in value.lower(), f"cache entry {key} holds {needle!r}"
