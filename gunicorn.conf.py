"""gunicorn's settings beyond the command line, read from the working directory (`make serve`,
and the benchmark's server)."""

import gc


def post_worker_init(worker) -> None:
    # What a worker has loaded to serve lives as long as the worker: frozen, it is no longer walked
    # by every full garbage collection. Unfrozen, such a collection paused about one form post in
    # sixty by 70-90 ms, and under load the form POST's p95 was 258 ms at 50 requests a second.
    gc.freeze()
