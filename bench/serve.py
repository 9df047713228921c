"""Serving the app the production way for the load: gunicorn, 2 sync workers, DEBUG off."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORKERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/bench/ping/")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def cpu_seconds(master_pid: int) -> float:
    """CPU time (user and system) used so far by gunicorn's workers, the children of its master."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name, in parentheses, may hold spaces: split after its closing one.
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # a process that ended meanwhile
        if int(fields[1]) == master_pid:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server:
    port: int
    pid: int


@contextmanager
def gunicorn(*, env: dict[str, str], log_path: Path) -> Iterator[Server]:
    """Starts gunicorn on a free loopback port, yields its port and master pid, and stops it."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "bench.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS),
        "--worker-class", "sync",
        "--backlog", "2048",
        "--log-level", "warning",
        "--error-logfile", str(log_path),
    ]  # fmt: skip
    with open(log_path, "ab") as log:
        # Its own session (stopped as a group) and output: it never holds our terminal or pipe.
        server = subprocess.Popen(
            command, cwd=REPO, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        for _ in range(150):
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}; see {log_path}")
            if _answers(port):
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not answer on port {port}; see {log_path}")
        yield Server(port=port, pid=server.pid)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
