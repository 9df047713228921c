"""Budgets, the printed table and the JSON file."""

import json
import platform
from datetime import datetime
from pathlib import Path

PAGE_MEDIAN_MS = 10.0
PAGE_P95_MS = 75.0
SUMMARY_S = 0.5
PROGRESS_S = 2.0
CACHED_MS = 50.0  # "served in milliseconds": no render, only the lookup and the file
OUR_SHARE = 0.10


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def page_verdict(row: dict, *, with_load: bool) -> tuple[str, list[str]]:
    """PASS, FAIL, or a word saying why it could not be judged."""
    in_process = row["in_process"]
    if in_process["status"] == "missing":
        return "missing", []
    reasons = []
    if in_process["status"] != "ok":
        reasons.append(f"in-process answers {in_process.get('statuses')}")
    median = in_process.get("median_ms")
    if median is not None and median >= PAGE_MEDIAN_MS:
        reasons.append(f"median {median:.1f} ms >= {PAGE_MEDIAN_MS:.0f} ms")
    load = row.get("load")
    if with_load and load:
        if load["errors"]:
            reasons.append(f"{load['errors']} errors under load {load['statuses']}")
        if load["requests"] < 0.95 * load["planned"]:
            reasons.append(f"only {load['requests']} of {load['planned']} requests answered in time")
        if load["p95_ms"] is None or load["p95_ms"] >= PAGE_P95_MS:
            reasons.append(f"p95 {_ms(load['p95_ms'])} ms >= {PAGE_P95_MS:.0f} ms")
    return ("FAIL" if reasons else "PASS"), reasons


def pdf_verdicts(pdf: dict) -> dict[str, tuple[str, list[str]]]:
    verdicts = {}
    for key, limit in (("summary", SUMMARY_S), ("progress", PROGRESS_S)):
        if key not in pdf:
            verdicts[key] = ("missing", [])
            continue
        row, reasons = pdf[key], []
        if row["first_s"] >= limit:
            reasons.append(f"first render {row['first_s']:.2f} s >= {limit} s")
        if row["our_share"] >= OUR_SHARE:
            reasons.append(f"our share {row['our_share']:.0%} >= {OUR_SHARE:.0%}")
        if row.get("status") != "ok":
            reasons.append(f"download view: {row.get('status')}")
        elif row["cached_ms"] >= CACHED_MS:
            reasons.append(f"cached {row['cached_ms']:.1f} ms >= {CACHED_MS:.0f} ms")
        verdicts[key] = ("FAIL" if reasons else "PASS"), reasons
    return verdicts


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _ratio(value: float | None, base: float | None) -> str:
    return "-" if not value or not base else f"{value / base:.1f}x"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True))]
    lines.append("-|-".join("-" * width for width in widths))
    lines += [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    return "\n".join("| " + line + " |" for line in lines)


def page_table(rows: list[dict], *, rate: float) -> str:
    minimal = rows[0]
    base_in = minimal["in_process"].get("median_ms")
    base_load = (minimal.get("load") or {}).get("p50_ms")
    header = [
        "page",
        "in-process median ms",
        "uncached ms",
        f"p50 ms @{rate:.0f}/s",
        f"p95 ms @{rate:.0f}/s",
        "req/s",
        "worker CPU ms/req",
        "x minimal (in-process / p50)",
        "budget",
    ]
    body = []
    for row in rows:
        load = row.get("load") or {}
        in_process_ratio = _ratio(row["in_process"].get("median_ms"), base_in)
        ratio = f"{in_process_ratio} / {_ratio(load.get('p50_ms'), base_load)}"
        body.append(
            [
                row["page"],
                _ms(row["in_process"].get("median_ms")),
                _ms(row["in_process"].get("uncached_median_ms")),
                _ms(load.get("p50_ms")),
                _ms(load.get("p95_ms")),
                f"{load['rps']:.0f}" if load else "-",
                _ms(load.get("worker_cpu_ms")),
                "-" if row is minimal else ratio,
                row["verdict"],
            ]
        )
    return _table(header, body)


def pdf_table(pdf: dict, verdicts: dict) -> str:
    trivial = pdf["trivial"]["median_s"]
    header = ["PDF", "first render s", "median s", "x trivial", "ours (data+templates)", "cached ms"]
    header.append("budget")
    first = f"{pdf['trivial']['first_s']:.3f}"
    body = [["trivial one-page document", first, f"{trivial:.3f}", "1.0x", "-", "-", "-"]]
    for key, label in (("summary", "session summary"), ("progress", "progress report")):
        if key not in pdf:
            body.append([label, "-", "-", "-", "-", "-", verdicts[key][0]])
            continue
        row = pdf[key]
        if key == "progress":
            label = f"progress report ({row['sessions']} sessions)"
        body.append(
            [
                label,
                f"{row['first_s']:.3f}",
                f"{row['median_s']:.3f}",
                f"{row['median_s'] / trivial:.1f}x",
                f"{row['our_share']:.1%} ({(row['data_s'] + row['templates_s']) * 1000:.0f} ms)",
                _ms(row.get("cached_ms")),
                verdicts[key][0],
            ]
        )
    return _table(header, body)


def write_json(results_dir: Path, document: dict) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(document, indent=2, default=str))
    return path
