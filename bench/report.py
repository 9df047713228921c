"""Budgets, the printed tables and the JSON file.

A row measured while other processes used more than noise.NOISY_CORES is NOISY: it
is neither PASS nor FAIL, and its reasons say what it would have been.
"""

import json
import platform
from datetime import datetime
from pathlib import Path

from bench.load import P95_LIMIT_MS
from bench.noise import NOISY_CORES, is_noisy

SUMMARY_S = 0.5
PROGRESS_S = 2.0
CACHED_MS = 50.0  # "served in milliseconds": no render, only the lookup and the file
AFTER_FINALISE_MS = 30.0  # the PDF was rendered at finalise: the client only fetches the file
OUR_SHARE = 0.10
# The minimal view's in-process median in the README's latest results. A run whose minimal view is
# far slower was taken on a slower machine, or in a slow spell of this one (seen: 0.3-0.5 ms, with
# every page three to four times slower, its database round trips more than its Python).
README_MINIMAL_MS = 0.13
SLOWER_FACTOR = 1.5
PDF_LABELS = {
    "summary": "session summary, tagged (PDF/UA)",
    "progress": "progress report, tagged (PDF/UA)",
    "after_finalise": "client's first summary download after finalise",
}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _most(readings: list[float | None]) -> float | None:
    known = [reading for reading in readings if reading is not None]
    return max(known) if known else None


def other_cores(row: dict) -> float | None:
    """The most other processes used during any of the page's measurements."""
    steps = (row.get("load") or {}).get("steps", [])
    return _most([row["in_process"].get("other_cores"), *(step["other_cores"] for step in steps)])


def _verdict(reasons: list[str], cores: float | None, *, budgeted: bool = True) -> str:
    if is_noisy(cores):
        return "NOISY"
    if not budgeted and not reasons:
        return "-"
    return "FAIL" if reasons else "PASS"


def page_verdict(row: dict) -> tuple[str, list[str]]:
    """PASS, FAIL, NOISY, or "missing" for a page that does not exist yet; with the reasons."""
    in_process = row["in_process"]
    if in_process["status"] == "missing":
        return "missing", []
    reasons = []
    if in_process["status"] != "ok":
        reasons.append(f"in-process answers {in_process.get('statuses')}")
    median, budget = in_process.get("median_ms"), row["budget_ms"]
    if budget is not None and median is not None and median >= budget:
        reasons.append(f"median {median:.1f} ms >= {budget:g} ms")
    for step in (row.get("load") or {}).get("steps", []):
        if step["errors"]:
            reasons.append(f"{step['errors']} errors at {step['rate']:g}/s {step['statuses']}")
    return _verdict(reasons, row["other_cores"], budgeted=budget is not None), reasons


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
        verdicts[key] = _verdict(reasons, row["other_cores"]), reasons
    row = pdf.get("after_finalise", {"status": "missing"})
    if row["status"] == "missing":
        verdicts["after_finalise"] = ("missing", [])
    elif row["status"] != "ok":
        verdicts["after_finalise"] = "FAIL", [row["status"]]
    else:
        reasons = []
        if row["download_ms"] >= AFTER_FINALISE_MS:
            reasons.append(f"first download {row['download_ms']:.0f} ms >= {AFTER_FINALISE_MS:.0f} ms")
            if not row["ready_at_finalise"]:
                reasons.append("the PDF was not rendered at finalise: the download rendered it")
        verdicts["after_finalise"] = _verdict(reasons, row["other_cores"]), reasons
    return verdicts


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _cores(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ratio(value: float | None, base: float | None) -> str:
    return "-" if not value or not base else f"{value / base:.1f}x"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True))]
    lines.append("-|-".join("-" * width for width in widths))
    lines += [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    return "\n".join("| " + line + " |" for line in lines)


def _held(load: dict, rates: list[float]) -> tuple[str, dict | None]:
    """The rate held, as shown ("600+" when the top rate held), and the step it was measured in."""
    if not load:
        return "-", None
    steps = load["steps"]
    held = next((step for step in steps if step["rate"] == load["held_rate"]), None)
    if held is None:
        return f"<{rates[0]:g}", steps[0] if steps else None
    return f"{held['rate']:g}" + ("+" if load["all_held"] else ""), held


def page_table(rows: list[dict], *, rates: list[float]) -> str:
    base = rows[0]["in_process"].get("median_ms")
    header = [
        "page",
        "in-process median ms",
        "x minimal",
        f"holds req/s (p95<{P95_LIMIT_MS:g}ms)",
        "p50 / p95 ms there",
        "worker CPU ms/req",
        "other load (cores)",
        "limit ms",
        "budget",
    ]
    body = []
    for index, row in enumerate(rows):
        median = row["in_process"].get("median_ms")
        held, step = _held(row.get("load"), rates)
        body.append(
            [
                row["page"],
                _ms(median),
                "-" if index == 0 else _ratio(median, base),
                held,
                f"{_ms(step['p50_ms'])} / {_ms(step['p95_ms'])}" if step else "-",
                _ms(step["worker_cpu_ms"]) if step else "-",
                _cores(row["other_cores"]),
                "-" if row["budget_ms"] is None else f"{row['budget_ms']:g}",
                row["verdict"],
            ]
        )
    return _table(header, body)


def pdf_table(pdf: dict, verdicts: dict) -> str:
    trivial = pdf["trivial"]["median_s"]
    header = ["PDF", "first render s", "median s", "x trivial", "ours (data+templates)"]
    header += ["download ms (cached / first after finalise)", "other load (cores)", "budget"]
    first = f"{pdf['trivial']['first_s']:.3f}"
    trivial_cores = _cores(pdf["trivial"]["other_cores"])
    body = [["trivial one-page document", first, f"{trivial:.3f}", "1.0x", "-", "-", trivial_cores, "-"]]
    for key in ("summary", "progress"):
        label = PDF_LABELS[key]
        if key not in pdf:
            body.append([label, "-", "-", "-", "-", "-", "-", verdicts[key][0]])
            continue
        row = pdf[key]
        if key == "progress":
            label = f"{label} ({row['sessions']} sessions)"
        body.append(
            [
                label,
                f"{row['first_s']:.3f}",
                f"{row['median_s']:.3f}",
                f"{row['median_s'] / trivial:.1f}x",
                f"{row['our_share']:.1%} ({(row['data_s'] + row['templates_s']) * 1000:.0f} ms)",
                _ms(row.get("cached_ms")),
                _cores(row["other_cores"]),
                verdicts[key][0],
            ]
        )
    row = pdf.get("after_finalise", {})
    download = _ms(row.get("download_ms"))
    cores = _cores(row.get("other_cores"))
    verdict = verdicts["after_finalise"][0]
    body.append([PDF_LABELS["after_finalise"], "-", "-", "-", "-", download, cores, verdict])
    return _table(header, body)


def slower_machine_note(rows: list[dict]) -> str | None:
    """A warning when the minimal view (rows[0]) ran far slower than in the README's results."""
    minimal = rows[0]["in_process"].get("median_ms")
    if minimal is None or minimal < README_MINIMAL_MS * SLOWER_FACTOR:
        return None
    return (
        f"SLOWER MACHINE: the minimal view took {minimal:.2f} ms, {minimal / README_MINIMAL_MS:.1f}x the "
        f"README's {README_MINIMAL_MS:g} ms: every page is slower with it, by more than that where it "
        "queries. Its figures say nothing of the budgets: run again when the machine is back to speed."
    )


def noisy_note(label: str, cores: float, reasons: list[str]) -> str:
    measured = "; ".join(reasons) if reasons else "within budget"
    return f"NOISY {label}: others used {cores:.2f} cores (> {NOISY_CORES:g}); as measured: {measured}"


def write_json(results_dir: Path, document: dict) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(document, indent=2, default=str))
    return path
