"""A bounded, open-loop load generator for loopback only (stdlib threads and http.client).

Requests are scheduled at a fixed rate; each latency is measured from when the
request was due, not when a free thread sent it, so a server that falls behind
shows it in the percentiles (no coordinated omission).
"""

import contextlib
import gzip
import http.client
import itertools
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench import forms
from bench.noise import OtherLoad

HOST = "127.0.0.1"
# A rate is held when its p95 stays under P95_LIMIT_MS and at least ACHIEVED of it is
# answered: a server that falls behind answers fewer requests than were due.
P95_LIMIT_MS = 100.0
ACHIEVED = 0.9


@dataclass
class Target:
    paths: list[str]  # one per thread in turn: posts must not race on one assessment
    method: str = "GET"
    expected_status: int = 200
    cookies: list[str] = field(default_factory=list)  # one session per thread, or empty


class _Connection:
    """One keep-alive connection with its own cookie jar (gunicorn's sync workers close it)."""

    def __init__(self, port: int, cookie: str) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.last_encoding = ""
        if cookie:
            name, value = cookie.split("=", 1)
            self.cookies[name] = value

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        """The status and the body as sent (still compressed if it was)."""
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            # What every browser sends; pages are measured as browsers receive them.
            "Accept-Encoding": "gzip, deflate, br, zstd",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.connection.close()
        self.last_encoding = response.headers.get("Content-Encoding", "")
        return response.status, content

    def close(self) -> None:
        self.connection.close()


class _Poster:
    """Keeps a form to re-post: read from the page once, then the version follows each save."""

    def __init__(self, connection: _Connection, path: str) -> None:
        self.connection, self.path, self.fields = connection, path, None

    def body(self) -> str | None:
        if self.fields is None:
            status, content = self.connection.request("GET", self.path)
            if self.connection.last_encoding == "gzip":
                content = gzip.decompress(content)
            if status == 200:
                self.fields = forms.main_form_fields(content.decode(errors="replace"), self.path)
        return forms.encode(self.fields) if self.fields is not None else None

    def after(self, status: int, expected: int) -> None:
        self.fields = forms.bump_version(self.fields) if status == expected else None


def run(target: Target, *, port: int, rate: float, total: int, max_seconds: float, threads: int) -> dict:
    """Sends at most `total` requests at `rate` per second, stopping after `max_seconds` anyway."""
    slots = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    service: list[float] = []
    statuses: dict[str, int] = {}
    failures = [0]
    if target.method == "POST":
        threads = min(threads, len(target.paths))
    clock: list[float] = []  # when the first request is due, then the deadline

    def start_clock() -> None:
        started = time.perf_counter() + 0.05
        clock[:] = [started, started + max_seconds]

    # Every thread reads its form before the clock starts: read at once on the clock, the forms
    # queued the first posts behind them (a p95 of 250 ms at 50 posts a second, all of it wait).
    ready = threading.Barrier(threads, action=start_clock)

    def worker(number: int) -> None:
        cookie = target.cookies[number % len(target.cookies)] if target.cookies else ""
        path = target.paths[number % len(target.paths)]
        connection = _Connection(port, cookie)
        poster = _Poster(connection, path) if target.method == "POST" else None
        try:
            if poster is not None:
                # Should this read fail, the form is read again, on the clock, before the first post.
                with contextlib.suppress(OSError, http.client.HTTPException):
                    poster.body()
            ready.wait()
            started, deadline = clock
            while True:
                slot = next(slots)
                due = started + slot / rate
                # Bounded in time as well as count: a server that falls behind gets no more.
                if slot >= total or due > deadline or time.perf_counter() > deadline:
                    return
                body = None
                if poster is not None:
                    # Reading a stale form happens off the clock, as a person reads before saving.
                    try:
                        body = poster.body()
                    except (OSError, http.client.HTTPException):
                        body = None
                    if body is None:
                        with lock:
                            failures[0] += 1
                        continue
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                sent = time.perf_counter()
                try:
                    status, _ = connection.request(target.method, path, body)
                except (OSError, http.client.HTTPException):
                    with lock:
                        failures[0] += 1
                    continue
                done = time.perf_counter()
                if poster is not None:
                    poster.after(status, target.expected_status)
                with lock:
                    latencies.append(done - due)
                    service.append(done - sent)
                    statuses[str(status)] = statuses.get(str(status), 0) + 1
        finally:
            connection.close()

    pool = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=max_seconds + 60)
    elapsed = time.perf_counter() - clock[0] if clock else 0.0
    wrong = sum(count for status, count in statuses.items() if status != str(target.expected_status))
    return {
        "planned": total,
        "requests": len(latencies),
        "errors": failures[0] + wrong,
        "statuses": statuses,
        "seconds": round(elapsed, 2),
        "rps": len(latencies) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": _percentile(latencies, 50),
        "p95_ms": _percentile(latencies, 95),
        "p99_ms": _percentile(latencies, 99),
        "service_p50_ms": _percentile(service, 50),
        "service_p95_ms": _percentile(service, 95),
    }


def step_up(
    target: Target, *, port: int, rates: list[float], seconds: float, threads: int, cpu: Callable[[], float]
) -> dict:
    """Runs `seconds` of load at each rising rate until one is not held; `cpu` reads the workers' seconds.

    Returns every step and the highest rate held ("held_rate", 0 if none was).
    """
    steps = []
    for rate in rates:
        cpu_before = cpu()
        with OtherLoad() as other:
            step = run(
                target,
                port=port,
                rate=rate,
                total=round(rate * seconds),
                max_seconds=seconds * 2,
                threads=threads,
            )
        # What one answer costs the web workers: the figure that sizes a deployment.
        worker_cpu = cpu() - cpu_before
        step["rate"] = rate
        step["worker_cpu_ms"] = worker_cpu / step["requests"] * 1000 if step["requests"] else None
        step["other_cores"] = other.cores
        step["held"] = (
            not step["errors"]
            and step["p95_ms"] is not None
            and step["p95_ms"] < P95_LIMIT_MS
            and step["rps"] >= ACHIEVED * rate
        )
        steps.append(step)
        if not step["held"]:
            break
    held = [step for step in steps if step["held"]]
    return {"steps": steps, "held_rate": held[-1]["rate"] if held else 0, "all_held": len(held) == len(rates)}


def _percentile(values: list[float], percent: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1] * 1000
