"""Report pages and PDF downloads for trainers (their clients) and clients (themselves)."""

import math
import time
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from assessments.models import Assessment
from clients.models import Client
from clients.roles import portal_client_required, trainer_required
from imbalances.links import pk_url_maker
from reports.data import Report
from reports.forms import ProgressPeriodForm
from reports.models import RenderedReport, ReportKind
from reports.pdf import pdf_filename
from reports.services import ReportRequest, rendered_report_request, report_download_record
from security.access import require_methods
from security.audit import Action, audit
from studio.models import Studio

HTML_TEMPLATES = {ReportKind.SUMMARY: "reports/summary.html", ReportKind.PROGRESS: "reports/progress.html"}
# While a worker renders a PDF its page asks again this often, for this long at most; then it says
# the PDF is late and offers a reload, which waits as long again.
POLL_EVERY_SECONDS = 2
POLL_FOR = timedelta(minutes=3)
# The polling page sends when it began to wait (epoch seconds), so that each page's wait is bounded.
WAITING_SINCE_HEADER = "X-Report-Waiting-Since"


def _with_query(url: str, request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def _report_page(
    request: HttpRequest,
    report_request: ReportRequest,
    *,
    pdf_url: str,
    summary_url_name: str | None = None,
    clients: QuerySet[Client] | None = None,
    **extra,
) -> HttpResponse:
    """The report as a page; a progress report's session log links each session to its summary
    at `summary_url_name` (the trainer's or the client's). A progress report of a client outside
    `clients` (those the viewer may see) is a 404: its own read of the client checks access."""
    try:
        report = report_request.build(clients=clients)
    except Client.DoesNotExist:
        raise Http404 from None
    audit(request, client_id=report.client_id)
    header = report.header
    # The page's header names the studio the report was read with, rather than reading it again.
    studio = Studio(name=header.studio_name, accent_colour=header.studio_accent, logo=header.studio_logo)
    context = {"report": report, "pdf_url": pdf_url, "studio": studio, **extra}
    if summary_url_name:
        # One reverse() for the log rather than one per row (0.5 ms of a 23-session page).
        summary_url = pk_url_maker(summary_url_name)
        context["session_log"] = [
            (session, summary_url(session.assessment_id)) for session in report.progress.sessions
        ]
    return render(request, HTML_TEMPLATES[report_request.kind], context)


def _waiting_since(request: HttpRequest, now: float) -> float:
    """When the page that polls began to wait (it sends it back with each poll), else now."""
    try:
        since = float(request.headers.get(WAITING_SINCE_HEADER, ""))
    except ValueError:
        return now
    return since if math.isfinite(since) else now


def _pdf_waiting(request: HttpRequest, report: Report, rendered: RenderedReport) -> HttpResponse:
    """While the PDF is not ready: a page that polls (htmx) while a worker renders it, for POLL_FOR
    at most, then says that it is late; or says that the render failed. Either offers the page
    again, which renders anew what failed or was lost."""
    is_htmx = request.headers.get("HX-Request") == "true"
    now = time.time()
    since = _waiting_since(request, now) if is_htmx else now
    if rendered.status == RenderedReport.Status.FAILED:
        state = "failed"
    else:
        state = "late" if now - since > POLL_FOR.total_seconds() else "preparing"
    context = {
        "report": report,
        "state": state,
        "poll_url": request.get_full_path(),
        "poll_seconds": POLL_EVERY_SECONDS,
        "waiting_since": int(since),
    }
    template = "reports/_pdf_preparing.html" if is_htmx else "reports/pdf_preparing.html"
    return render(request, template, context)


def _pdf_download(request: HttpRequest, report_request: ReportRequest) -> HttpResponse:
    """Serve the report's PDF from storage, found by its content key and whole; else render it.

    The report is built once: its key finds the file, and with the immediate task backend
    the same report is rendered. While a real backend's worker renders it, or when it
    failed, answer a page that says so. A person's request (not the page's poll) renders
    again a render that failed: the page's "Try again".
    """
    is_htmx = request.headers.get("HX-Request") == "true"
    report = report_request.build()
    rendered = rendered_report_request(request=report_request, report=report, retry=not is_htmx)
    if rendered.status != RenderedReport.Status.READY:
        return _pdf_waiting(request, report, rendered)
    if is_htmx:
        return render(request, "reports/_pdf_ready.html", {"download_url": request.get_full_path()})
    report_download_record(user=request.user, report=report, rendered=rendered)
    audit(request, client_id=report.client_id, action=Action.DOWNLOAD)
    response = FileResponse(
        default_storage.open(rendered.file_name, "rb"),
        as_attachment=True,
        filename=pdf_filename(report),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    return response


def _assessment(assessments: QuerySet[Assessment], pk: int) -> Assessment:
    """One of `assessments` (the person's own), or 404."""
    return get_object_or_404(assessments.only("pk", "client_id"), pk=pk)


def _trainer_assessment(request: HttpRequest, pk: int) -> Assessment:
    return _assessment(Assessment.objects.for_trainer(request.user), pk)


def _portal_assessment(request: HttpRequest, pk: int) -> Assessment:
    return _assessment(Assessment.objects.for_portal_user(request.user), pk)


def _trainer_client(request: HttpRequest, pk: int) -> Client:
    return get_object_or_404(Client.objects.for_trainer(request.user).only("pk"), pk=pk)


# Pages and PDFs are read with GET (HEAD for link checkers); nothing here changes data.
READ = ("GET", "HEAD")


def _progress_request(client_id: int, form: ProgressPeriodForm) -> ReportRequest:
    data = form.cleaned_data if form.is_valid() else {}
    start, end = data.get("start"), data.get("end")
    return ReportRequest(
        kind=ReportKind.PROGRESS,
        object_id=client_id,
        start=start.isoformat() if start else None,
        end=end.isoformat() if end else None,
        include_drafts=bool(data.get("drafts")),
    )


@trainer_required
@require_methods(*READ, lookup=_trainer_assessment)
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _trainer_assessment(request, pk)
    return _report_page(
        request,
        ReportRequest(kind=ReportKind.SUMMARY, object_id=assessment.pk),
        pdf_url=reverse("reports:summary_pdf", kwargs={"pk": assessment.pk}),
        is_trainer_view=True,
        # A draft's summary is where the trainer finalises it, having seen what the client will.
        finalise_version=None if assessment.is_final else assessment.version,
    )


@trainer_required
@require_methods(*READ, lookup=_trainer_assessment)
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _trainer_assessment(request, pk)
    return _pdf_download(request, ReportRequest(kind=ReportKind.SUMMARY, object_id=assessment.pk))


@trainer_required
@require_methods(*READ, lookup=_trainer_client)
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    form = ProgressPeriodForm(request.GET or None)
    return _report_page(
        request,
        _progress_request(pk, form),
        clients=Client.objects.for_trainer(request.user),
        pdf_url=_with_query(reverse("reports:progress_pdf", kwargs={"pk": pk}), request),
        summary_url_name="reports:summary",
        form=form,
        is_trainer_view=True,
    )


@trainer_required
@require_methods(*READ, lookup=_trainer_client)
def progress_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    client = _trainer_client(request, pk)
    form = ProgressPeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest("Invalid report period.")
    return _pdf_download(request, _progress_request(client.pk, form))


@portal_client_required
@require_methods(*READ, lookup=_portal_assessment)
def portal_summary(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _portal_assessment(request, pk)
    return _report_page(
        request,
        ReportRequest(kind=ReportKind.SUMMARY, object_id=assessment.pk),
        pdf_url=reverse("reports:portal_summary_pdf", kwargs={"pk": assessment.pk}),
    )


@portal_client_required
@require_methods(*READ, lookup=_portal_assessment)
def portal_summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _portal_assessment(request, pk)
    return _pdf_download(request, ReportRequest(kind=ReportKind.SUMMARY, object_id=assessment.pk))


# A client's progress report covers their finalised assessments only, never drafts.
@portal_client_required
@require_safe
def portal_progress(request: HttpRequest) -> HttpResponse:
    client = request.user.client_profile
    return _report_page(
        request,
        ReportRequest(kind=ReportKind.PROGRESS, object_id=client.pk),
        pdf_url=reverse("reports:portal_progress_pdf"),
        summary_url_name="reports:portal_summary",
    )


@portal_client_required
@require_safe
def portal_progress_pdf(request: HttpRequest) -> HttpResponse:
    client = request.user.client_profile
    return _pdf_download(request, ReportRequest(kind=ReportKind.PROGRESS, object_id=client.pk))
