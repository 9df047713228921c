from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from assessments import demo as assessment_demo
from clients import demo as client_demo


class Command(BaseCommand):
    help = "Load a small demo studio (idempotent) and print its logins."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            logins = client_demo.load_people()
            added = assessment_demo.load_assessments()
        if added:
            self.stdout.write(f"Added {added} demo assessments.")
        self.stdout.write(self.style.SUCCESS(f"Demo studio ready. Sign in at {settings.SITE_URL}/ with:"))
        for role, username in logins:
            self.stdout.write(f"  {role:<8} {username:<22} password: {client_demo.DEMO_PASSWORD}")
