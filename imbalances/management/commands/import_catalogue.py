import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from imbalances.catalogue_io import CatalogueInvalid
from imbalances.services import catalogue_import, import_catalogue_pack


class Command(BaseCommand):
    help = (
        "Create or update the catalogue from a JSON document made by export_catalogue. "
        "The whole file is checked first; on any problem nothing changes. "
        "Each import (not a dry run) is recorded as a catalogue import, as the admin's are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The JSON document; '-' reads standard input.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change and write nothing."
        )

    def handle(self, *args, file: str, dry_run: bool = False, **options) -> None:
        try:
            content = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from error
        try:
            document = json.loads(content.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text: {error}") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{file} is not valid JSON: {error}") from error
        try:
            if dry_run:
                changes = catalogue_import(document=document, dry_run=True)
            else:
                file_name = "(standard input)" if file == "-" else Path(file).name
                record = import_catalogue_pack(
                    document=document, content=content, file_name=file_name, user=None
                )
                changes = record.change_list
        except CatalogueInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(invalid.problems)} problem(s) in {file}; nothing was changed."
            ) from invalid
        except IntegrityError as error:
            # Checks catch what they can; a clash they miss (two entries swapping names) lands here.
            raise CommandError(f"The database refused the import ({error}); nothing was changed.") from error
        prefix = "would " if dry_run else ""
        for change in changes:
            self.stdout.write(f"{prefix}{change}")
        if dry_run:
            summary = f"Dry run: {len(changes)} change(s) would be made; nothing was written."
        else:
            summary = f"Imported {file}: {len(changes)} change(s)."
        self.stdout.write(self.style.SUCCESS(summary) if changes or dry_run else summary)
