"""The CPU the rest of the machine used while the benchmark measured, in cores.

Busy time in /proc/stat less the benchmark's own CPU time: this process (with the
load generator's threads), its descendants (gunicorn and its workers, counting the
children they reaped through cutime/cstime) and the PostgreSQL backends that serve
the bench database, whose queries are part of every page's work.
"""

import os
import threading
import time
from dataclasses import dataclass
from types import TracebackType

# Above this, other processes competed for the cores: the measurement is not judged.
NOISY_CORES = 0.2
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
# A backend ends when its gunicorn worker reconnects (CONN_MAX_AGE) and the postmaster,
# not one of ours, reaps it: its last reading is kept, so at most this much of it is lost.
SAMPLE_SECONDS = 0.25

Key = tuple[int, int]  # (pid, start time): a pid may be reused by a later process


@dataclass(frozen=True)
class _Process:
    key: Key
    name: bytes
    parent: int
    ticks: int  # user and system time
    reaped_ticks: int  # the same, of children that ended and were waited for


def _read(pid: int) -> _Process | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            data = stat.read()
    except OSError:
        return None  # ended meanwhile
    # The command name, in parentheses, may hold spaces and parentheses: split after the last.
    name, _, rest = data.partition(b" (")[2].rpartition(b") ")
    fields = rest.split()
    return _Process(
        key=(pid, int(fields[19])),
        name=name,
        parent=int(fields[1]),
        ticks=int(fields[11]) + int(fields[12]),
        reaped_ticks=int(fields[13]) + int(fields[14]),
    )


def _serves(pid: int, database: str) -> bool:
    """A PostgreSQL backend's title names its database: `postgres: main: user db host(port) idle`."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            title = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    return title.startswith("postgres: ") and f" {database} " in title


def _scan(database: str | None) -> tuple[dict[Key, int], dict[Key, int]]:
    """Ticks of our process tree (reaped children included) and of our database backends."""
    processes = [process for name in os.listdir("/proc") if name.isdigit() and (process := _read(int(name)))]
    by_pid = {process.key[0]: process for process in processes}
    children: dict[int, list[int]] = {}
    for process in processes:
        children.setdefault(process.parent, []).append(process.key[0])
    tree, pending = {}, [os.getpid()]
    while pending:
        if process := by_pid.get(pid := pending.pop()):
            tree[process.key] = process.ticks + process.reaped_ticks
            pending += children.get(pid, [])
    backends = {}
    if database:
        for process in processes:
            if process.name == b"postgres" and process.key not in tree and _serves(process.key[0], database):
                backends[process.key] = process.ticks
    return tree, backends


def _busy_ticks() -> int:
    with open("/proc/stat", "rb") as stat:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
    # Interrupts are charged to whichever process they interrupted, ours included; steal is
    # another guest of the hypervisor on our cores, which slows us as any process would.
    return user + nice + system + irq + softirq + steal


def _database() -> str | None:
    from django.db import connection

    return connection.settings_dict["NAME"] if connection.vendor == "postgresql" else None


def is_noisy(cores: float | None) -> bool:
    return cores is not None and cores > NOISY_CORES


class OtherLoad:
    """`with OtherLoad() as other: measure()`, then `other.cores`: what others used meanwhile."""

    def __init__(self) -> None:
        self.cores: float | None = None

    def __enter__(self) -> "OtherLoad":
        self._database_name = _database()
        self._tree, self._backends = _scan(self._database_name)
        self._last = dict(self._backends)
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        self._busy, self._started = _busy_ticks(), time.monotonic()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            for key in list(self._last):
                process = _read(key[0])
                if process is not None and process.key == key:
                    self._last[key] = process.ticks

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        busy, seconds = _busy_ticks() - self._busy, time.monotonic() - self._started
        self._stop.set()
        self._sampler.join()
        tree, backends = _scan(self._database_name)
        self._last.update(backends)
        ours = sum(ticks - self._tree.get(key, 0) for key, ticks in tree.items())
        ours += sum(ticks - self._backends.get(key, 0) for key, ticks in self._last.items())
        self.cores = max(0.0, (busy - ours) / TICKS_PER_SECOND / seconds) if seconds > 0 else None
