"""`python -m bench [--small]`: build (or reuse) the bench studio, measure, print, save JSON.

Exits 0 even when a budget fails (the table says FAIL) unless BENCH_STRICT=1.
"""

import argparse
import gc
import os
import platform
import shutil
import signal
import sys
import tempfile
import time

from bench.database import RESULTS_DIR, bench_database, mark_done, marker, recreate
from bench.sizes import FULL, SMALL


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--small", action="store_true", help="a tiny studio, to try the tool in a minute")
    parser.add_argument("--rate", type=float, default=300.0, help="requests per second under load")
    parser.add_argument("--requests", type=int, help="requests per page under load (3000; 900 with --small)")
    parser.add_argument("--threads", type=int, default=32, help="load connections")
    parser.add_argument("--repeat", type=int, default=50, help="timed in-process requests per page")
    parser.add_argument("--no-load", action="store_true", help="skip gunicorn and the load")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF measurements")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the studio even if it exists")
    return parser.parse_args(argv)


def _environment(database_url: str, static_root: str, media_root: str) -> dict[str, str]:
    """Production-like settings for this process and for gunicorn (which lacks 'testserver')."""
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "off",
        "CONN_MAX_AGE": "60",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": static_root,
        "MEDIA_ROOT": media_root,
        "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
    }
    os.environ.update(env)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    return {**os.environ, **env}


def _stop_on_sigterm(signum: int, frame: object) -> None:
    # Unwind like Ctrl-C, so that gunicorn and the temporary folders are cleaned up.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    size = SMALL if args.small else FULL
    total_requests = args.requests or (900 if args.small else 3000)
    database = bench_database(small=args.small)
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    media_root = tempfile.mkdtemp(prefix="bench-media-")
    try:
        server_env = _environment(database.url, static_root, media_root)
        return _run(args, size, database, server_env, total_requests)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        shutil.rmtree(media_root, ignore_errors=True)


def _run(args, size, database, server_env: dict[str, str], total_requests: int) -> int:
    print(f"Benchmark studio ({size.name}) in {database.label}", flush=True)
    reuse = not args.regenerate and marker(database) == size.name
    if not reuse:
        recreate(database)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from bench import load, pages, pdf, report, serve, studio

    call_command("migrate", verbosity=0)
    if reuse:
        print("  reusing the studio generated earlier", flush=True)
    else:
        started = time.perf_counter()
        studio.generate(size)
        mark_done(connection, size.name)
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    facts = studio.facts()
    print(f"  {facts.counts}", flush=True)

    rows = [{"page": page.key, "page_def": page} for page in [pages.MINIMAL, *pages.main_pages(facts)]]
    print(f"In-process: {args.repeat} requests per page after a warm-up", flush=True)
    for row in rows:
        started = time.perf_counter()
        row["in_process"] = result = pages.measure_in_process(row["page_def"], facts, repeat=args.repeat)
        median = "missing" if result["status"] == "missing" else f"median {result['median_ms']:.1f} ms"
        print(f"  {row['page']}: {median} ({time.perf_counter() - started:.0f} s)", flush=True)

    pdf_results = {"status": "skipped"}
    if not args.no_pdf:
        print("PDF rendering", flush=True)
        pdf_results = pdf.measure(facts)

    if not args.no_load:
        # Sessions made now, before the server starts: a fresh one per load connection.
        cookies = {
            persona: [pages.session_cookie(persona, facts) for _ in range(args.threads)]
            for persona in ("trainer", "client")
        }
        connections.close_all()
        # The in-process phase left this process full of objects; without this the load
        # threads would pause for garbage collections that walk them all, and those pauses
        # would count as server latency.
        gc.collect()
        gc.freeze()
        log_path = RESULTS_DIR / "gunicorn.log"
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        print(f"Under load: {total_requests} requests per page at {args.rate:.0f}/s", flush=True)
        with serve.gunicorn(env=server_env, log_path=log_path) as server:
            for row in rows:
                page = row["page_def"]
                if row["in_process"]["status"] == "missing":
                    continue
                paths = [row["in_process"]["path"]]
                if page.method == "POST":
                    paths = [_draft_path(page, pk) for pk in facts.draft_assessment_ids] or paths
                target = load.Target(
                    paths=paths,
                    method=page.method,
                    expected_status=page.expected_status,
                    cookies=cookies.get(page.persona, []),
                )
                # A short warm-up so every worker has its connection and templates loaded.
                load.run(target, port=server.port, rate=args.rate, total=20, max_seconds=3, threads=2)
                cpu_before = serve.cpu_seconds(server.pid)
                row["load"] = load.run(
                    target,
                    port=server.port,
                    rate=args.rate,
                    total=total_requests,
                    max_seconds=total_requests / args.rate * 2,
                    threads=args.threads,
                )
                result = row["load"]
                # What one answer costs the web workers: the figure that sizes a deployment.
                cpu = serve.cpu_seconds(server.pid) - cpu_before
                result["worker_cpu_ms"] = cpu / result["requests"] * 1000 if result["requests"] else None
                print(
                    f"  {page.key}: {result['requests']} answered, p95 {result['p95_ms'] or 0:.1f} ms, "
                    f"{result['rps']:.0f}/s, {result['errors']} errors",
                    flush=True,
                )

    return _report(args, size, database, facts, rows, pdf_results, report)


def _draft_path(page, pk: int) -> str:
    from django.urls import reverse

    return reverse(page.url_name, kwargs={"pk": pk})


def _report(args, size, database, facts, rows, pdf_results, report) -> int:
    import django

    failures = []
    for row in rows[1:]:
        row["verdict"], row["reasons"] = report.page_verdict(row, with_load=not args.no_load)
        failures += [f"{row['page']}: {reason}" for reason in row["reasons"]]
    rows[0]["verdict"], rows[0]["reasons"] = "-", []
    print()
    print(report.page_table(rows, rate=args.rate))
    verdicts = {}
    if pdf_results.get("status") == "ok":
        verdicts = report.pdf_verdicts(pdf_results)
        for key, (_, reasons) in verdicts.items():
            failures += [f"{key} PDF: {reason}" for reason in reasons]
        print()
        print(report.pdf_table(pdf_results, verdicts))
    elif pdf_results.get("status") == "missing":
        print("\nPDF: the reports app's builders are missing; only the trivial document was measured.")
    missing = [row["page"] for row in rows if row["verdict"] == "missing"]
    machine = {
        "cpu": report.cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database.label,
        "server": "gunicorn, 2 sync workers, DEBUG off, CONN_MAX_AGE=60",
    }
    print(f"\nMachine: {machine['cores']} cores, {machine['cpu']}; {machine['database']}; studio {size.name}")
    if missing:
        print("Missing pages (not built yet): " + ", ".join(missing))
    for failure in failures:
        print(f"FAIL {failure}")
    print("Budgets: " + ("FAIL" if failures else "all PASS"))
    for row in rows:
        row.pop("page_def")
    path = report.write_json(
        RESULTS_DIR,
        {
            "size": size.name,
            "machine": machine,
            "counts": facts.counts,
            "load": {"rate": args.rate, "threads": args.threads, "enabled": not args.no_load},
            "pages": rows,
            "pdf": pdf_results,
            "failures": failures,
        },
    )
    print(f"Results: {path}")
    strict = os.environ.get("BENCH_STRICT", "") not in ("", "0")
    return 1 if strict and failures else 0


if __name__ == "__main__":
    sys.exit(main())
