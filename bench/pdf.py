"""PDF timings: our share (queries, data, templates) against WeasyPrint's layout, the
download views, and a client's first download right after their trainer finalised.

Everything report-specific is reached through `_reports()` and `_call()`, the places
that know the reports app's public functions.
"""

import inspect
import statistics
import time
from collections.abc import Callable

from django.test import Client as TestClient
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from assessments.models import Assessment, MuscleFinding, PatternFinding
from bench.noise import OtherLoad
from bench.pages import logged_in_client
from bench.studio import Facts
from clients.models import Client

TRIVIAL = "<html><head><title>Ping</title></head><body><h1>Hello</h1><p>One page.</p></body></html>"
RENDERS = 3
CACHED_REQUESTS = 10
# Each on a fresh draft: the first download of a just-finalised assessment happens once.
AFTER_FINALISE_SAMPLES = 3


class BenchOutOfDate(RuntimeError):
    """A reports function the bench calls changed or went: bench/pdf.py must follow it."""


def _call(function: Callable, *args: object, **kwargs: object) -> object:
    """Calls `function`; a signature that no longer fits is an error naming it, not a wrong figure."""
    signature = inspect.signature(function)
    try:
        signature.bind(*args, **kwargs)
    except TypeError as error:
        name = f"{function.__module__}.{function.__qualname__}{signature}"
        raise BenchOutOfDate(f"{name} no longer fits bench/pdf.py: {error}") from None
    return function(*args, **kwargs)


def _reports() -> dict[str, Callable] | None:
    """The reports app's builders and renderers, or None while they do not exist."""
    try:
        from reports import pdf as reports_pdf
        from reports.data import build_progress, build_summary
    except ImportError:
        return None

    def layout(html: str) -> bytes:
        # render_pdf()'s own layout step: tagged PDF/UA, as every report is rendered at finalise.
        return _call(reports_pdf.html_to_pdf, html)

    return {
        "build_summary": build_summary,
        "build_progress": build_progress,
        "report_html": reports_pdf.report_html,
        "layout": layout,
    }


def _seconds(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _trivial() -> dict:
    from weasyprint import HTML

    first, _ = _seconds(lambda: HTML(string=TRIVIAL).write_pdf())
    warm = [_seconds(lambda: HTML(string=TRIVIAL).write_pdf())[0] for _ in range(5)]
    return {"first_s": first, "median_s": statistics.median(warm)}


def _render(build: Callable[[], object], functions: dict) -> dict:
    """Renders anew (never from the cache) RENDERS times, timing each phase."""
    runs = []
    for _ in range(RENDERS):
        data_s, report = _seconds(build)
        html_s, html = _seconds(lambda report=report: functions["report_html"](report))
        layout_s, pdf = _seconds(lambda html=html: functions["layout"](html))
        runs.append({"data_s": data_s, "html_s": html_s, "layout_s": layout_s, "bytes": len(pdf)})
    first = runs[0]
    total = first["data_s"] + first["html_s"] + first["layout_s"]
    median_total = statistics.median(run["data_s"] + run["html_s"] + run["layout_s"] for run in runs)
    ours = statistics.median(
        (run["data_s"] + run["html_s"]) / (run["data_s"] + run["html_s"] + run["layout_s"]) for run in runs
    )
    return {
        "first_s": total,
        "median_s": median_total,
        "data_s": first["data_s"],
        "templates_s": first["html_s"],
        "weasyprint_s": first["layout_s"],
        "our_share": ours,
        "bytes": first["bytes"],
        "runs": runs,
    }


def _download(client: TestClient, path: str) -> str:
    """GETs `path` to the last byte; "ok" for a PDF, else what came instead."""
    response = client.get(path)
    if response.streaming:
        b"".join(response.streaming_content)
    response.close()
    content_type = response.get("Content-Type", "")
    if response.status_code == 200 and content_type == "application/pdf":
        return "ok"
    return f"HTTP {response.status_code} {content_type or 'without a content type'}, not a PDF"


def _cached(client: TestClient, url_name: str, pk: int) -> dict:
    """The download view once (renders into the cache if needed), then served from the cache."""
    try:
        path = reverse(url_name, kwargs={"pk": pk})
    except NoReverseMatch:
        return {"status": "missing"}
    first_s, status = _seconds(lambda: _download(client, path))
    timings = []
    for _ in range(CACHED_REQUESTS):
        seconds, status = _seconds(lambda: _download(client, path))
        timings.append(seconds)
    return {
        "status": status,
        "path": path,
        "view_first_s": first_s,
        "cached_ms": statistics.median(timings) * 1000,
    }


def _fresh_draft(portal_user_id: int) -> Assessment:
    """A new draft for the portal user's client, with the findings of their latest session.

    Made with the ORM in the bench database: a new assessment has a report no one rendered yet.
    """
    client = Client.objects.get(portal_user_id=portal_user_id)
    latest = Assessment.objects.filter(client=client).order_by("-session_date", "-pk").first()
    draft = Assessment.objects.create(
        client=client,
        trainer_id=client.trainer_id,
        session_date=timezone.localdate(),
        notes=latest.notes if latest else "",
    )
    for model in (PatternFinding, MuscleFinding):
        fields = [field.attname for field in model._meta.concrete_fields if not field.primary_key]
        model.objects.bulk_create(
            model(**{**{name: getattr(row, name) for name in fields}, "assessment_id": draft.pk})
            for row in model.objects.filter(assessment=latest)
        )
    return draft


def _ready(assessment_id: int) -> bool:
    """Whether the summary PDF is already rendered: looked up by its content key, as the views do."""
    try:
        from reports.data import build_summary
        from reports.services import rendered_report_find, report_key
    except ImportError as error:
        raise BenchOutOfDate(f"{error}: bench/pdf.py must follow the reports app") from None
    key = _call(report_key, _call(build_summary, assessment_id))
    return _call(rendered_report_find, key=key) is not None


def _after_finalise_once(trainer: TestClient, portal: TestClient, portal_user_id: int) -> dict:
    draft = _fresh_draft(portal_user_id)
    try:
        finalise = reverse("assessments:finalise", kwargs={"pk": draft.pk})
        download = reverse("reports:portal_summary_pdf", kwargs={"pk": draft.pk})
        finalise_s, response = _seconds(lambda: trainer.post(finalise, {"version": draft.version}))
        draft.refresh_from_db()
        if not draft.is_final:
            return {"status": f"finalise answered HTTP {response.status_code} and left a draft"}
        # Asked before the download, which would otherwise render it: a few queries, no render.
        ready = _ready(draft.pk)
        download_s, status = _seconds(lambda: _download(portal, download))
        return {
            "status": status,
            "finalise_s": finalise_s,
            "ready_at_finalise": ready,
            "download_s": download_s,
        }
    finally:
        # Gone again, with its findings and summary PDFs: every run measures the studio as generated.
        Assessment.objects.filter(pk=draft.pk).delete()


def _after_finalise(facts: Facts) -> dict:
    """The portal client's first download of a summary their trainer has just finalised."""
    try:
        reverse("assessments:finalise", kwargs={"pk": 1})
        reverse("reports:portal_summary_pdf", kwargs={"pk": 1})
    except NoReverseMatch:
        return {"status": "missing"}
    trainer, portal = logged_in_client("trainer", facts), logged_in_client("client", facts)
    try:
        samples = [
            _after_finalise_once(trainer, portal, facts.portal_user_id) for _ in range(AFTER_FINALISE_SAMPLES)
        ]
    except BenchOutOfDate as error:
        return {"status": f"bench out of date: {error}"}
    failed = [sample["status"] for sample in samples if sample["status"] != "ok"]
    if failed:
        return {"status": failed[0], "samples": samples}
    return {
        "status": "ok",
        "download_ms": statistics.median(sample["download_s"] for sample in samples) * 1000,
        "finalise_ms": statistics.median(sample["finalise_s"] for sample in samples) * 1000,
        "ready_at_finalise": all(sample["ready_at_finalise"] for sample in samples),
        "samples": samples,
    }


def _noted(measure: Callable[[], dict]) -> dict:
    """The measurement, with what other processes used meanwhile."""
    with OtherLoad() as other:
        result = measure()
    return {**result, "other_cores": other.cores}


def measure(facts: Facts) -> dict:
    functions = _reports()
    result: dict = {"trivial": _noted(_trivial)}
    if functions is None:
        result["status"] = "missing"
        return result
    result["status"] = "ok"
    client = logged_in_client("trainer", facts)

    def summary() -> dict:
        rendered = _render(lambda: functions["build_summary"](facts.summary_assessment_id), functions)
        return {**rendered, **_cached(client, "reports:summary_pdf", facts.summary_assessment_id)}

    def progress() -> dict:
        rendered = _render(lambda: functions["build_progress"](facts.progress_client_id), functions)
        downloads = _cached(client, "reports:progress_pdf", facts.progress_client_id)
        return {**rendered, **downloads, "sessions": facts.progress_sessions}

    result["summary"] = _noted(summary)
    result["progress"] = _noted(progress)
    result["after_finalise"] = _noted(lambda: _after_finalise(facts))
    return result
