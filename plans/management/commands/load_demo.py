from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments import demo as assessment_demo
from clients import demo as client_demo
from imbalances.catalogue_io import CatalogueInvalid
from imbalances.services import shipped_packs_import
from plans import demo as plan_demo
from studio import demo as studio_demo


class Command(BaseCommand):
    help = "Import the catalogue packs and load a small demo studio (idempotent); print its logins."

    def handle(self, *args, **options) -> None:
        try:
            with transaction.atomic():
                # Packs first: the demo sessions may record findings on any pattern of the catalogue.
                imports = shipped_packs_import()
                logins = client_demo.load_people()
                # After the people: each demo trainer gets a profile with their credentials.
                studio_demo.load_studio()
                added = assessment_demo.load_assessments()
                # A plan answers a finalised session, so it comes after them.
                plan_sessions = plan_demo.load_plans()
        except CatalogueInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(problem)
            raise CommandError("A shipped catalogue pack is invalid; nothing was loaded.") from invalid
        for record in imports:
            self.stdout.write(
                f"Imported catalogue pack {record.file_name}: {len(record.change_list)} change(s)."
            )
        if added:
            self.stdout.write(f"Added {added} demo assessments.")
        if plan_sessions:
            self.stdout.write(f"Added {plan_sessions} demo plan sessions.")
        self.stdout.write(self.style.SUCCESS(f"Demo studio ready. Sign in at {settings.SITE_URL}/ with:"))
        for role, username in logins:
            self.stdout.write(f"  {role:<8} {username:<22} password: {client_demo.DEMO_PASSWORD}")
