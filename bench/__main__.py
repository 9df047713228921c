"""`python -m bench [--small]`: build (or reuse) the bench studio, measure, print, save JSON.

Exits 0 even when a budget fails (the table says FAIL) unless BENCH_STRICT=1, which
also fails a run with NOISY rows: a budget measured on a busy machine is not shown to hold.
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

from bench.database import RESULTS_DIR, bench_database, mark_done, marker, recreate, settle
from bench.noise import OtherLoad
from bench.process import environment
from bench.sizes import FULL, SMALL

RATES = "50,100,150,200,300,400,600"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--small", action="store_true", help="a tiny studio, to try the tool in a minute")
    parser.add_argument("--rates", default=RATES, help=f"rising requests per second under load ({RATES})")
    parser.add_argument(
        "--step-seconds", type=float, help="load at each rate, in seconds (5; 2 with --small)"
    )
    parser.add_argument("--threads", type=int, default=32, help="load connections")
    parser.add_argument("--repeat", type=int, default=50, help="timed in-process requests per page")
    parser.add_argument("--no-load", action="store_true", help="skip gunicorn and the load")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF measurements")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the studio even if it exists")
    return parser.parse_args(argv)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    # Unwind like Ctrl-C, so that gunicorn and the temporary folders are cleaned up.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    size = SMALL if args.small else FULL
    args.rates = sorted(float(rate) for rate in args.rates.split(","))
    args.step_seconds = args.step_seconds or (2.0 if args.small else 5.0)
    database = bench_database(small=args.small)
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    media_root = tempfile.mkdtemp(prefix="bench-media-")
    try:
        server_env = environment(database.url, static_root, media_root)
        return _run(args, size, database, server_env)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        shutil.rmtree(media_root, ignore_errors=True)


def _run(args, size, database, server_env: dict[str, str]) -> int:
    print(f"Benchmark studio ({size.name}) in {database.label}", flush=True)
    reuse = not args.regenerate and marker(database) == size.name
    if not reuse:
        recreate(database)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import pages, pdf, studio

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # rate-limit counters, as `make serve` makes
    if reuse:
        print("  reusing the studio generated earlier", flush=True)
        from reports.models import RenderedReport

        # The PDFs an earlier run rendered went with its temporary media folder: without their
        # rows, the first download of each renders it as it would be, without a warning.
        RenderedReport.objects.all().delete()
    else:
        started = time.perf_counter()
        studio.generate(size)
        mark_done(connection, size.name)
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    settle(connection)
    call_command("collectstatic", interactive=False, verbosity=0)
    facts = studio.facts()
    print(f"  {facts.counts}", flush=True)

    rows = [
        {"page": page.key, "page_def": page, "budget_ms": page.budget_ms}
        for page in [pages.MINIMAL, *pages.main_pages(facts)]
    ]
    print(f"In-process: {args.repeat} requests per page after a warm-up", flush=True)
    for row in rows:
        started = time.perf_counter()
        with OtherLoad() as other:
            row["in_process"] = result = pages.measure_in_process(row["page_def"], facts, repeat=args.repeat)
        result["other_cores"] = other.cores
        median = "missing" if result["status"] == "missing" else f"median {result['median_ms']:.1f} ms"
        seconds = time.perf_counter() - started
        print(f"  {row['page']}: {median}, other load {other.cores:.2f} cores ({seconds:.0f} s)", flush=True)

    pdf_results = {"status": "skipped"}
    if not args.no_pdf:
        print("PDF rendering", flush=True)
        pdf_results = pdf.measure(facts)
        after = pdf_results.get("after_finalise", {})
        if after.get("status") == "ok":
            ready = "yes" if after["ready_at_finalise"] else "no"
            print(
                f"  client's first summary download after finalise: {after['download_ms']:.0f} ms "
                f"(finalise {after['finalise_ms']:.0f} ms; PDF ready at finalise: {ready})",
                flush=True,
            )

    if not args.no_load:
        _under_load(args, facts, rows, server_env)

    return _report(args, size, database, facts, rows, pdf_results)


def _under_load(args, facts, rows: list[dict], server_env: dict[str, str]) -> None:
    from django.db import connections

    from bench import load, pages, serve

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
    rates = ", ".join(f"{rate:g}" for rate in args.rates)
    print(
        f"Under load: {rates} requests/s in turn, {args.step_seconds:g} s each, "
        f"until p95 reaches {load.P95_LIMIT_MS:g} ms or the rate is not achieved",
        flush=True,
    )
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
            load.run(target, port=server.port, rate=args.rates[0], total=20, max_seconds=3, threads=2)
            row["load"] = result = load.step_up(
                target,
                port=server.port,
                rates=args.rates,
                seconds=args.step_seconds,
                threads=args.threads,
                cpu=lambda: serve.cpu_seconds(server.pid),
            )
            steps = ", ".join(
                f"{step['rate']:g}/s {step['p95_ms'] or 0:.0f} ms"
                + ("" if step["rps"] >= load.ACHIEVED * step["rate"] else f" ({step['rps']:.0f} answered/s)")
                + (f" ({step['errors']} errors)" if step["errors"] else "")
                for step in result["steps"]
            )
            cores = max(step["other_cores"] for step in result["steps"])
            held = f"{result['held_rate']:g}/s" if result["held_rate"] else "no rate"
            print(f"  {page.key}: holds {held}; p95 at {steps}; other load {cores:.2f} cores", flush=True)


def _draft_path(page, pk: int) -> str:
    from django.urls import reverse

    return reverse(page.url_name, kwargs={"pk": pk})


def _report(args, size, database, facts, rows: list[dict], pdf_results: dict) -> int:
    import django

    from bench import report

    judged = []  # (what, verdict, other cores, reasons)
    for row in rows:
        row["other_cores"] = report.other_cores(row)
        row["verdict"], row["reasons"] = report.page_verdict(row)
        judged.append((row["page"], row["verdict"], row["other_cores"], row["reasons"]))
    print()
    print(report.page_table(rows, rates=args.rates))
    if pdf_results.get("status") == "ok":
        verdicts = report.pdf_verdicts(pdf_results)
        for key, (verdict, reasons) in verdicts.items():
            cores = pdf_results.get(key, {}).get("other_cores")
            judged.append((report.PDF_LABELS[key], verdict, cores, reasons))
        print()
        print(report.pdf_table(pdf_results, verdicts))
    elif pdf_results.get("status") == "missing":
        print("\nPDF: the reports app's builders are missing; only the trivial document was measured.")
    failures = [
        f"{what}: {reason}" for what, verdict, _, reasons in judged if verdict == "FAIL" for reason in reasons
    ]
    noisy = [
        report.noisy_note(what, cores, reasons)
        for what, verdict, cores, reasons in judged
        if verdict == "NOISY"
    ]
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
    slower = report.slower_machine_note(rows)
    if slower:
        print(slower)
    if missing:
        print("Missing pages (not built yet): " + ", ".join(missing))
    for line in [*(f"FAIL {failure}" for failure in failures), *noisy]:
        print(line)
    if failures:
        print("Budgets: FAIL" + (f", and {len(noisy)} NOISY" if noisy else ""))
    elif noisy:
        print(f"Budgets: no FAIL, but {len(noisy)} NOISY (not judged): run again on a quiet machine")
    else:
        print("Budgets: all PASS")
    for row in rows:
        row.pop("page_def")
    path = report.write_json(
        RESULTS_DIR,
        {
            "size": size.name,
            "machine": machine,
            "counts": facts.counts,
            "load": {
                "enabled": not args.no_load,
                "rates": args.rates,
                "step_seconds": args.step_seconds,
                "threads": args.threads,
            },
            "pages": rows,
            "pdf": pdf_results,
            "failures": failures,
            "noisy": noisy,
            "slower_machine": slower,
        },
    )
    print(f"Results: {path}")
    strict = os.environ.get("BENCH_STRICT", "") not in ("", "0")
    return 1 if strict and (failures or noisy) else 0


if __name__ == "__main__":
    sys.exit(main())
