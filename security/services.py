"""A client's rights over their data: a copy of all of it, and its erasure."""

import logging

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model, Q
from django_tasks_db.models import DBTaskResult

from assessments.models import Assessment, MuscleFinding, PatternFinding
from clients.models import Client, Screening
from clients.services import user_sessions_end
from reports.models import RenderedReport, ReportDownload, ReportKind
from security.export import export_zip, historical_assessment_ids, history_querysets
from security.models import AuditEvent

logger = logging.getLogger(__name__)

ERASE_URL_NAME = "security:client_erase"


def client_export(*, client: Client, by: AbstractBaseUser) -> bytes:
    """A zip of data.json (everything held about the client) and their report PDFs.

    Renders PDFs that are not in the cache, so it may take seconds. The request that
    asks for it is recorded in the audit trail as an export by the audit middleware.
    """
    return export_zip(client)


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


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            # The rows are gone already; a file left behind is logged for the admin to remove.
            logger.exception("Could not delete an erased client's report file %s", name)


def client_erase(*, client: Client, by: AbstractBaseUser) -> None:
    """Deletes every row about the client, their portal account, and their report files.

    One transaction; the files go once it has committed, so a failure keeps everything.
    What remains is one audit event saying that `by` erased a client, without naming them.
    """
    with transaction.atomic():
        client = (
            Client.objects.select_for_update(of=("self",)).select_related("portal_user").get(pk=client.pk)
        )
        portal_user = client.portal_user
        assessment_ids = historical_assessment_ids(client.pk)
        history = history_querysets(client.pk, assessment_ids)
        admin_log_targets: dict[type[Model], set[int]] = {
            Client: {client.pk},
            Assessment: assessment_ids,
            PatternFinding: set(history["pattern_finding"].values_list("id", flat=True))
            | _ids(PatternFinding, assessment_id__in=assessment_ids),
            MuscleFinding: set(history["muscle_finding"].values_list("id", flat=True))
            | _ids(MuscleFinding, assessment_id__in=assessment_ids),
            Screening: _ids(Screening, client=client),
            RenderedReport: _ids(RenderedReport, client=client),
            ReportDownload: _ids(ReportDownload, client=client),
            AuditEvent: _ids(AuditEvent, client=client),
        }
        if portal_user is not None:
            admin_log_targets[type(portal_user)] = {portal_user.pk}
        file_names = list(
            RenderedReport.objects.filter(client=client)
            .exclude(file_name="")
            .values_list("file_name", flat=True)
        )

        ReportDownload.objects.filter(client=client).delete()
        RenderedReport.objects.filter(client=client).delete()
        # Findings cascade. Deleting writes "-" history rows, removed just below with the rest.
        Assessment.objects.filter(client=client).delete()
        for queryset in history.values():
            queryset.delete()
        _delete_task_results(client_id=client.pk, assessment_ids=assessment_ids)
        log_condition = _admin_log_condition(admin_log_targets)
        if portal_user is not None:
            log_condition |= Q(user=portal_user)
        LogEntry.objects.filter(log_condition).delete()
        # Screenings and audit events cascade with the client.
        client.delete()
        if portal_user is not None:
            _delete_account(portal_user, client_email=client.email)

        AuditEvent.objects.create(
            user=by, client=None, action=AuditEvent.Action.CHANGE, url_name=ERASE_URL_NAME, path=""
        )
        transaction.on_commit(lambda: _delete_files(file_names))


def _delete_task_results(*, client_id: int, assessment_ids: set[int]) -> None:
    """Queued or finished report renders name the client or their assessments by id."""
    kwargs = "args_kwargs__kwargs__"
    DBTaskResult.objects.filter(
        Q(**{f"{kwargs}kind": ReportKind.PROGRESS, f"{kwargs}object_id": client_id})
        | Q(**{f"{kwargs}kind": ReportKind.SUMMARY, f"{kwargs}object_id__in": list(assessment_ids)}),
        task_path__endswith=".render_report_pdf",
    ).delete()


def _delete_account(user: AbstractBaseUser, *, client_email: str) -> None:
    """The portal account, its sessions and the sign-in records kept under its name."""
    user_sessions_end(user=user)
    names = {user.get_username(), user.email, client_email} - {""}
    by_name = Q(pk__in=[])
    for name in names:
        by_name |= Q(username__iexact=name)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(by_name).delete()
    # Its downloads and admin log rows cascade.
    user.delete()
