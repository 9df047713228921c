"""PDF timings: our share (queries, data, templates) against WeasyPrint's layout, and the cache.

Everything report-specific is reached through `_reports()`, the one place that
knows the reports app's public functions.
"""

import statistics
import time
from collections.abc import Callable

from django.test import Client as TestClient
from django.urls import NoReverseMatch, reverse

from bench.pages import logged_in_client
from bench.studio import Facts

TRIVIAL = "<html><head><title>Ping</title></head><body><h1>Hello</h1><p>One page.</p></body></html>"
RENDERS = 3
CACHED_REQUESTS = 10


def _reports() -> dict[str, Callable] | None:
    """The reports app's builders and renderers, or None while they do not exist."""
    try:
        from reports import pdf as reports_pdf
        from reports.data import build_progress, build_summary
    except ImportError:
        return None

    def layout(html: str, report: object) -> bytes:
        # The same options render_pdf() uses for this kind of report (tagged or not).
        tags = getattr(reports_pdf, "PDF_TAGS", None)
        if isinstance(tags, dict):
            return reports_pdf.html_to_pdf(html, tagged=tags[type(report)])
        return reports_pdf.html_to_pdf(html)

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
        layout_s, pdf = _seconds(lambda html=html, report=report: functions["layout"](html, report))
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


def _cached(client: TestClient, url_name: str, pk: int) -> dict:
    """The download view once (renders into the cache if needed), then served from the cache."""
    try:
        path = reverse(url_name, kwargs={"pk": pk})
    except NoReverseMatch:
        return {"status": "missing"}

    def fetch() -> int:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
        response.close()
        return response.status_code

    first_s, status = _seconds(fetch)
    timings = []
    for _ in range(CACHED_REQUESTS):
        seconds, status = _seconds(fetch)
        timings.append(seconds)
    return {
        "status": "ok" if status == 200 else f"HTTP {status}",
        "path": path,
        "view_first_s": first_s,
        "cached_ms": statistics.median(timings) * 1000,
    }


def measure(facts: Facts) -> dict:
    functions = _reports()
    result: dict = {"trivial": _trivial()}
    if functions is None:
        result["status"] = "missing"
        return result
    result["status"] = "ok"
    client = logged_in_client("trainer", facts)
    result["summary"] = _render(lambda: functions["build_summary"](facts.summary_assessment_id), functions)
    result["summary"].update(_cached(client, "reports:summary_pdf", facts.summary_assessment_id))
    result["progress"] = _render(lambda: functions["build_progress"](facts.progress_client_id), functions)
    result["progress"]["sessions"] = facts.progress_sessions
    result["progress"].update(_cached(client, "reports:progress_pdf", facts.progress_client_id))
    return result
