"""`manage.py worker`: django_tasks_db's `db_worker`, started again after a database blip."""

import argparse
import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

# Waits between attempts double from the first to the last, then stay there.
FIRST_WAIT_SECONDS = 1.0
LONGEST_WAIT_SECONDS = 60.0


class Command(BaseCommand):
    help = (
        "Run db_worker (any of its options after --) and, when the database connection is lost, "
        "wait and run it again instead of exiting."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("worker_args", nargs=argparse.REMAINDER, help="options for db_worker")

    def handle(self, *args, worker_args: list[str], **options) -> None:
        wait = FIRST_WAIT_SECONDS
        while True:
            try:
                # db_worker exits on any OperationalError but SQLite's "database is locked".
                call_command("db_worker", *[arg for arg in worker_args if arg != "--"])
                return
            except (OperationalError, InterfaceError):
                logger.warning(
                    "The worker lost the database; starting it again in %.0f s", wait, exc_info=True
                )
            # A broken connection would fail the next attempt at once: open a new one.
            connections.close_all()
            time.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT_SECONDS)
