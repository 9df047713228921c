"""`python -m bench.compare OTHER_CHECKOUT`: this checkout's page against another's, in turn.

A single run of `python -m bench` cannot tell a change of a millisecond or two: the same code
read 14.7 and 16.8 ms twenty minutes apart on the 2-core machine. Here two processes, one per
checkout, serve the same page from the same bench database, in alternating rounds, and the
median of the paired differences is printed with its quartiles: a slow spell of the machine
slows both sides of a pair alike.

The bench studio must exist (run `python -m bench` first); each side runs its own checkout's
code and templates with this interpreter, so the other checkout needs no environment of its own.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.database import bench_database, marker
from bench.process import environment
from bench.serve import REPO

# Each side runs this in its own checkout (its own bench package: an older one has no compare.py):
# it logs in as the page's persona, then answers each number it reads with the median in ms of
# that many requests.
WORKER = """
import statistics, sys, time
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
from bench import pages, studio
facts = studio.facts()
page = next(page for page in pages.main_pages(facts) if page.key == sys.argv[1])
client, path = pages.logged_in_client(page.persona, facts), page.path()
for _ in range(20):
    assert client.get(path).status_code == 200
print("ready", flush=True)
for line in sys.stdin:
    timings = []
    for _ in range(int(line)):
        started = time.perf_counter()
        client.get(path)
        timings.append(time.perf_counter() - started)
    print(statistics.median(timings) * 1000, flush=True)
"""


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("other", type=Path, help="the other checkout (e.g. a `git worktree` of main)")
    parser.add_argument("--page", default="progress view", help="a page of bench.pages (GET only)")
    parser.add_argument("--rounds", type=int, default=20, help="paired rounds")
    parser.add_argument("--requests", type=int, default=40, help="requests a side in each round")
    return parser.parse_args(argv)


def _start(checkout: Path, page: str, env: dict[str, str], static_root: str) -> subprocess.Popen:
    side = subprocess.Popen(
        [sys.executable, "-c", WORKER, page],
        cwd=checkout,
        env={**env, "STATIC_ROOT": static_root},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    if side.stdout.readline().strip() != "ready":
        raise SystemExit(f"{checkout}: the page did not answer 200 (see above)")
    return side


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    database = bench_database(small=False)
    if marker(database) is None:
        raise SystemExit(f"No bench studio in {database.label}: run `python -m bench` first.")
    folders = [tempfile.mkdtemp(prefix="bench-compare-") for _ in range(3)]
    env = environment(database.url, static_root="", media_root=folders[2])
    # The test client asks for host "testserver", which gunicorn's settings leave out.
    env["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    medians: list[list[float]] = [[], []]
    sides: list[subprocess.Popen] = []
    try:
        for checkout, static_root in ((REPO, folders[0]), (args.other.resolve(), folders[1])):
            sides.append(_start(checkout, args.page, env, static_root))
        for round_number in range(args.rounds):
            # Each side goes first in every other round, so neither always follows the other.
            for index in (0, 1) if round_number % 2 == 0 else (1, 0):
                sides[index].stdin.write(f"{args.requests}\n")
                sides[index].stdin.flush()
                medians[index].append(float(sides[index].stdout.readline()))
    finally:
        for side in sides:
            side.stdin.close()
            side.wait()
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    differences = [mine - other for mine, other in zip(*medians, strict=True)]
    low, _, high = statistics.quantiles(differences, n=4)
    print(f"{args.page}, {args.rounds} rounds of {args.requests} requests a side, in-process ms:")
    print(f"  this checkout   {statistics.median(medians[0]):.2f}  ({REPO})")
    print(f"  other checkout  {statistics.median(medians[1]):.2f}  ({args.other})")
    print(f"  this - other    {statistics.median(differences):+.2f}  (quartiles {low:+.2f} to {high:+.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
