from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from imbalances.catalogue_io import dumps, export_document


class Command(BaseCommand):
    help = "Write the whole catalogue as one JSON document (to FILE, or to standard output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="Where to write; standard output when left out.")

    def handle(self, *args, file: str | None = None, **options) -> None:
        text = dumps(export_document())
        if file is None or file == "-":
            self.stdout.write(text, ending="")
            return
        Path(file).write_text(text, encoding="utf-8")
        if options["verbosity"] > 0:
            self.stderr.write(f"Wrote the catalogue to {file}.")
