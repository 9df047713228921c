"""Right after `make run` loads the demo studio, its portal client gets their progress report."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from clients.demo import PORTAL_CLIENT_EMAIL

pytestmark = pytest.mark.django_db


def test_the_demo_client_downloads_their_progress_report(client):
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username=PORTAL_CLIENT_EMAIL))

    portal = client.get(reverse("portal:home"))
    assert reverse("reports:portal_progress_pdf") in portal.text

    response = client.get(reverse("reports:portal_progress_pdf"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="jane-doe-progress-')
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    )
    assert "Jane Doe" in text
    assert "Anterior pelvic tilt" in text
