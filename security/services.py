"""A client's rights over their data: a copy of all of it, and its erasure."""

import logging
import secrets
import tempfile

from django.contrib.admin.models import LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.models import Assessment, MuscleFinding, PatternFinding, Photo
from assessments.photos import photo_file_names
from clients.models import AssessmentOverride, Client, MedicalClearance, Screening
from clients.services import storage_delete, user_sessions_end
from plans.models import Plan, PlanItem, PlanSession
from reports.models import RenderedReport, ReportDownload, ReportKind
from reports.services import rendered_reports_delete
from security.export import (
    export_zip,
    historical_assessment_ids,
    historical_plan_ids,
    history_querysets,
    login_names,
    login_record_querysets,
)
from security.models import AuditEvent, ClientExport

logger = logging.getLogger(__name__)

ERASE_URL_NAME = "security:client_erase"


def client_export_request(*, client: Client, by: AbstractBaseUser) -> ClientExport:
    """Queues the building of a zip of everything held about the client; returns the export.

    While one is being prepared, that one is returned and nothing more is queued, so
    repeated clicks cost one build. With the immediate task backend (development and
    tests) the zip is built before this returns.
    """
    # security.tasks imports this module for the build it runs.
    from security.tasks import build_client_export

    with transaction.atomic():
        # Locked, so two requests at once cannot both find nothing in progress.
        _lock_client(client.pk)
        preparing = ClientExport.objects.in_progress().filter(client=client).first()
        if preparing is not None:
            return preparing
        # Downloads no longer offered would otherwise stay in storage for good.
        _exports_delete(
            ClientExport.objects.filter(client=client).exclude(pk__in=ClientExport.objects.offered())
        )
        export = ClientExport.objects.create(client=client, requested_by=by)
    build_client_export.enqueue(export_id=export.pk)
    export.refresh_from_db()
    return export


def _lock_client(client_id: int) -> bool:
    """Locks the client's row until the transaction ends (as erasure does); False when it is gone."""
    return Client.objects.select_for_update().filter(pk=client_id).exists()


def _export_file_name(export: ClientExport) -> str:
    # Unguessable, and under the client's id so that a stray file can be traced to them.
    return f"exports/{export.client_id}/{secrets.token_urlsafe(16)}.zip"


def client_export_build(*, export_id: int) -> ClientExport | None:
    """Builds the export's zip into storage and marks it ready. None when it (or its client) is gone.

    Renders the PDFs not stored yet: for a task, not a request. On an error the export is
    marked failed and the error raised again, for the task backend to record.
    """
    export = ClientExport.objects.select_related("client__portal_user").filter(pk=export_id).first()
    if export is None:
        return None
    ClientExport.objects.filter(pk=export.pk).update(status=ClientExport.Status.RUNNING)
    name = _export_file_name(export)
    try:
        # The zip is whole in the spool before its file in storage is created.
        with tempfile.TemporaryFile() as spool:
            export_zip(export.client, spool)
            size = spool.tell()
            spool.seek(0)
            name = default_storage.save(name, File(spool))
    except Client.DoesNotExist:
        return None  # erased while it was being built
    except Exception:
        # A save that failed partway (a full disk) leaves no partial file; the name is this build's own.
        storage_delete([name])
        ClientExport.objects.filter(pk=export.pk).update(
            status=ClientExport.Status.FAILED, finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        # Erasure locks the client first: either it finds this file named on the export,
        # or this finds the export gone and removes the file itself.
        _lock_client(export.client_id)
        marked = ClientExport.objects.filter(pk=export.pk).update(
            status=ClientExport.Status.READY, file_name=name, byte_size=size, finished_at=timezone.now()
        )
    if not marked:
        default_storage.delete(name)
        return None
    export.refresh_from_db()
    return export


def _ids(model: type[Model], **filters) -> set[int]:
    return set(model._default_manager.filter(**filters).values_list("pk", flat=True))


def _admin_log_condition(targets: dict[type[Model], set[int]]) -> Q:
    """Admin log rows about any of these objects (their object_repr holds names)."""
    condition = Q(pk__in=[])
    content_types = ContentType.objects.get_for_models(*targets)
    for model, ids in targets.items():
        if ids:
            condition |= Q(content_type=content_types[model], object_id__in=[str(pk) for pk in ids])
    return condition


def _exports_delete(exports: QuerySet[ClientExport]) -> None:
    """Deletes the exports' rows now and their files once the transaction commits."""
    names = list(exports.exclude(file_name="").values_list("file_name", flat=True))
    exports.delete()
    transaction.on_commit(lambda: storage_delete(names))


def client_erase(*, client: Client, by: AbstractBaseUser) -> None:
    """Deletes every row about the client, their portal account, their report files, their
    posture photos and the letters of their medical clearances.

    One transaction; the files go once it has committed, so a failure keeps everything.
    What remains is one audit event saying that `by` erased a client, without naming them.
    """
    with transaction.atomic():
        client = (
            Client.objects.select_for_update(of=("self",)).select_related("portal_user").get(pk=client.pk)
        )
        portal_user = client.portal_user
        assessment_ids = historical_assessment_ids(client.pk)
        plan_ids = historical_plan_ids(client.pk)
        history = history_querysets(client.pk, assessment_ids, plan_ids)
        admin_log_targets: dict[type[Model], set[int]] = {
            Client: {client.pk},
            Assessment: assessment_ids,
            PatternFinding: set(history["pattern_finding"].values_list("id", flat=True))
            | _ids(PatternFinding, assessment_id__in=assessment_ids),
            MuscleFinding: set(history["muscle_finding"].values_list("id", flat=True))
            | _ids(MuscleFinding, assessment_id__in=assessment_ids),
            Photo: set(history["photo"].values_list("id", flat=True))
            | _ids(Photo, assessment_id__in=assessment_ids),
            Plan: plan_ids,
            PlanItem: set(history["plan_item"].values_list("id", flat=True))
            | _ids(PlanItem, plan_id__in=plan_ids),
            PlanSession: set(history["plan_session"].values_list("id", flat=True))
            | _ids(PlanSession, plan_id__in=plan_ids),
            Screening: _ids(Screening, client=client),
            MedicalClearance: _ids(MedicalClearance, screening__client=client),
            AssessmentOverride: _ids(AssessmentOverride, client=client),
            RenderedReport: _ids(RenderedReport, client=client),
            ReportDownload: _ids(ReportDownload, client=client),
            AuditEvent: _ids(AuditEvent, client=client),
        }
        if portal_user is not None:
            admin_log_targets[type(portal_user)] = {portal_user.pk}
        export_ids = _ids(ClientExport, client=client)
        login_records = login_record_querysets(client)

        ReportDownload.objects.filter(client=client).delete()
        rendered_reports_delete(reports=RenderedReport.objects.filter(client=client))
        _exports_delete(ClientExport.objects.filter(client=client))
        # Photos' files go once the rows that name them are gone and that has committed.
        photo_files = photo_file_names(Photo.objects.filter(assessment__client=client))
        # Items and sessions cascade with their plans, findings and photos with their assessments;
        # plans protect the assessment they answer, so they go first. Deleting writes "-" history
        # rows, removed just below with the rest.
        Plan.objects.filter(client=client).delete()
        Assessment.objects.filter(client=client).delete()
        for queryset in history.values():
            queryset.delete()
        _delete_task_results(
            client_id=client.pk,
            assessment_ids=assessment_ids,
            export_ids=export_ids,
            emails=login_names(client),
        )
        LogEntry.objects.filter(_admin_log_condition(admin_log_targets)).delete()
        # What the export lists as their sign-ins and their own admin log.
        for queryset in login_records.values():
            queryset.delete()
        # Screenings with their clearances, overrides and audit events cascade with the client;
        # the doctors' letters go once that has committed, as the report files do.
        letters = list(
            MedicalClearance.objects.filter(screening__client=client)
            .exclude(letter="")
            .values_list("letter", flat=True)
        )
        client.delete()
        transaction.on_commit(lambda: storage_delete(letters + photo_files))
        if portal_user is not None:
            # Their sessions end; their downloads cascade.
            user_sessions_end(user=portal_user)
            portal_user.delete()

        AuditEvent.objects.create(
            user=by, client=None, action=AuditEvent.Action.CHANGE, url_name=ERASE_URL_NAME, path=""
        )


def _delete_task_results(
    *, client_id: int, assessment_ids: set[int], export_ids: set[int], emails: set[str]
) -> None:
    """Queued or finished tasks name the client, their assessments or exports by id, or their e-mail."""
    kwargs = "args_kwargs__kwargs__"
    renders = Q(**{f"{kwargs}kind": ReportKind.PROGRESS, f"{kwargs}object_id": client_id}) | Q(
        **{f"{kwargs}kind": ReportKind.SUMMARY, f"{kwargs}object_id__in": list(assessment_ids)}
    )
    resets = Q(pk__in=[])
    for email in emails:
        resets |= Q(**{f"{kwargs}email__iexact": email})
    DBTaskResult.objects.filter(
        Q(renders, task_path__endswith=".render_report_pdf")
        | Q(**{f"{kwargs}export_id__in": list(export_ids)}, task_path__endswith=".build_client_export")
        | Q(resets, task_path__endswith=".password_reset_send")
    ).delete()
