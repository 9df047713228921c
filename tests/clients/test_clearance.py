"""A doctor's medical clearance of a screening that asked for one, with the letter kept privately."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from clients.models import MedicalClearance, Screening
from security.models import AuditEvent
from tests import factories
from tests.clients.test_save_faults import database_gone_for
from tests.conftest import login_as
from tests.storage import stored_files

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


@pytest.fixture
def screening(client_record) -> Screening:
    """Jane's latest screening, with a yes answer: she needs clearance."""
    return factories.ScreeningFactory(client=client_record, chest_pain=True)


def _url(screening: Screening, name: str = "clients:clearance") -> str:
    return reverse(name, kwargs={"pk": screening.client_id, "screening_pk": screening.pk})


def _data(**extra) -> dict:
    return {"cleared_on": timezone.localdate().isoformat(), "cleared_by": "Dr. A. Smith, GP", **extra}


def _letter(content: bytes = PDF, name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_the_page_lists_the_yes_answers_and_asks_for_the_clearance(signed_in, screening):
    response = signed_in.get(_url(screening))
    assert response.status_code == 200
    assert Screening.QUESTIONS["chest_pain"] in response.text
    assert 'enctype="multipart/form-data"' in response.text
    assert 'name="letter"' in response.text
    assert 'data-testid="clearance"' not in response.text
    assert AuditEvent.objects.filter(url_name="clients:clearance", action="view").count() == 1


def test_a_clearance_without_a_letter_lifts_the_block(signed_in, trainer, client_record, screening):
    create = reverse("assessments:create", kwargs={"client_pk": client_record.pk})
    assert 'name="session_date"' not in signed_in.get(create).text

    response = signed_in.post(_url(screening), _data(cleared_by="  Dr. A.   Smith, GP "))

    assert response["Location"] == client_record.get_absolute_url()
    clearance = MedicalClearance.objects.get()
    assert (clearance.screening, clearance.cleared_by, clearance.letter) == (
        screening,
        "Dr. A. Smith, GP",
        "",
    )
    assert clearance.recorded_by == trainer
    assert AuditEvent.objects.filter(url_name="clients:clearance", action="change").count() == 1
    assert 'name="session_date"' in signed_in.get(create).text
    page = signed_in.get(client_record.get_absolute_url()).text
    assert "Medically cleared" in page and "Cleared on" in page
    assert 'data-testid="needs-clearance"' not in page


@pytest.mark.parametrize(
    ("content", "name", "kind"), [(PDF, "scan.pdf", ".pdf"), (None, "photo.png", ".png")]
)
def test_a_letter_is_stored_privately_and_served_to_the_trainer_only(
    client, persona, screening, content, name, kind
):
    content = content or _png()
    login_as(client, persona["trainer"])
    assert client.post(_url(screening), _data(letter=_letter(content, name))).status_code == 302

    stored = MedicalClearance.objects.get().letter
    assert stored.startswith(f"clearances/{screening.client_id}/") and stored.endswith(kind)
    assert default_storage.open(stored).read() == content
    response = client.get(_url(screening, "clients:clearance_letter"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Type"] == {".pdf": "application/pdf", ".png": "image/png"}[kind]
    assert AuditEvent.objects.filter(url_name="clients:clearance_letter", action="download").count() == 1
    for who, status in [("other_trainer", 404), ("client", 403), ("admin", 403)]:
        login_as(client, persona[who])
        assert client.get(_url(screening, "clients:clearance_letter")).status_code == status, who
    client.logout()
    assert client.get(_url(screening, "clients:clearance_letter")).status_code == 302


@pytest.mark.parametrize(
    ("letter", "message"),
    [
        (_letter(b"Dear trainer, she is fine.", "letter.pdf"), "This file is not a PDF, JPEG or PNG"),
        (
            _letter(b"\x89PNG\r\n\x1a\n" + b"not an image at all", "photo.png"),
            "This file is not a PDF, JPEG or PNG",
        ),
        (_letter(b"\xff\xd8\xff" + b"garbage", "photo.jpg"), "This file is not a PDF, JPEG or PNG"),
        (_letter(b"", "empty.pdf"), "The submitted file is empty"),
    ],
)
def test_a_letter_that_is_not_a_pdf_or_image_is_refused_next_to_the_field(
    signed_in, screening, letter, message
):
    letter.seek(0)
    response = signed_in.post(_url(screening), _data(cleared_by="Dr. Who", letter=letter))

    assert response.status_code == 200
    assert 'id="error_1_id_letter"' in response.text
    assert message in response.text
    assert 'value="Dr. Who"' in response.text
    assert not MedicalClearance.objects.exists()
    assert stored_files() == set()


def test_a_letter_over_the_size_limit_is_refused(signed_in, screening, monkeypatch):
    monkeypatch.setattr("clients.forms.LETTER_MAX_BYTES", len(PDF) - 1)
    response = signed_in.post(_url(screening), _data(letter=_letter()))
    assert 'id="error_1_id_letter"' in response.text
    assert "the letter may be up to 10 MB" in response.text
    assert not MedicalClearance.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"cleared_by": ""}, "cleared_by", "This field is required"),
        ({"cleared_by": "   "}, "cleared_by", "This field is required"),
        ({"cleared_on": ""}, "cleared_on", "This field is required"),
        ({"cleared_on": "2999-01-01"}, "cleared_on", "cannot be in the future"),
        ({"cleared_on": "2001-01-01"}, "cleared_on", "A clearance comes after the screening"),
    ],
)
def test_a_bad_clearance_is_refused_next_to_the_field(signed_in, screening, fields, field, message):
    response = signed_in.post(_url(screening), _data(**fields, letter=_letter()))
    assert response.status_code == 200
    assert f'id="error_1_id_{field}"' in response.text
    assert message in response.text
    assert not MedicalClearance.objects.exists()
    assert stored_files() == set()


def test_a_clearance_whose_save_failed_leaves_no_row_and_no_letter(signed_in, screening):
    with database_gone_for("security_auditevent"):
        response = signed_in.post(_url(screening), _data(letter=_letter()))

    assert response.status_code == 503
    assert 'value="Dr. A. Smith, GP"' in response.text
    assert not MedicalClearance.objects.exists()
    assert stored_files() == set()


def test_a_screening_with_a_clearance_shows_it_and_takes_no_other(signed_in, screening):
    signed_in.post(_url(screening), _data(letter=_letter()))

    page = signed_in.get(_url(screening))
    again = signed_in.post(_url(screening), _data(cleared_by="Dr. Other", letter=_letter()))

    assert 'data-testid="clearance"' in page.text
    assert _url(screening, "clients:clearance_letter") in page.text
    assert 'name="cleared_by"' not in page.text
    assert again.status_code == 409
    assert list(MedicalClearance.objects.values_list("cleared_by", flat=True)) == ["Dr. A. Smith, GP"]
    assert len(stored_files()) == 1


def test_a_screening_that_needs_no_clearance_takes_none(signed_in, client_record):
    all_no = client_record.screenings.get()
    assert "needs no medical clearance" in signed_in.get(_url(all_no)).text
    assert signed_in.post(_url(all_no), _data()).status_code == 409
    assert not MedicalClearance.objects.exists()


def test_a_clearance_without_a_letter_has_no_letter_to_serve(signed_in, screening):
    signed_in.post(_url(screening), _data())
    assert signed_in.get(_url(screening, "clients:clearance_letter")).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_trainer_gets_404_and_nothing_changes(client, other_trainer, screening, method):
    login_as(client, other_trainer)
    response = getattr(client, method)(_url(screening), _data(letter=_letter()))
    assert response.status_code == 404
    assert not MedicalClearance.objects.exists()
    assert stored_files() == set()


def test_a_screening_of_another_client_is_404_under_ones_own_client(
    signed_in, client_record, other_client_record
):
    theirs = factories.ScreeningFactory(client=other_client_record, chest_pain=True)
    url = reverse("clients:clearance", kwargs={"pk": client_record.pk, "screening_pk": theirs.pk})
    assert signed_in.get(url).status_code == 404
    assert signed_in.post(url, _data()).status_code == 404
    assert not MedicalClearance.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("client", 403), ("admin", 403)])
def test_clients_and_admins_cannot_record_one(client, persona, screening, who, status):
    login_as(client, persona[who])
    assert client.get(_url(screening)).status_code == status
    assert client.post(_url(screening), _data()).status_code == status
    assert not MedicalClearance.objects.exists()


def test_it_requires_login(client, screening):
    response = client.post(_url(screening), _data())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not MedicalClearance.objects.exists()
