"""The studio's one record, its logo, and its name on pages and e-mails."""

import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from security.tasks import password_reset_send
from studio.branding import trainer_name, trainer_signature
from studio.context_processors import studio as studio_context
from studio.demo import load_studio
from studio.models import DEFAULT_ACCENT, DEFAULT_NAME, Studio, TrainerProfile, contrast_with_white
from tests.conftest import login_as
from tests.factories import AssessmentFactory, ClientFactory, UserFactory
from tests.security.test_headers import header_problems

pytestmark = pytest.mark.django_db

NAME = "Northside Movement Studio"
CONTACT = {
    "address": "Unit 4, Mill Yard\n  12 Canal Street\n\nManchester M4 6AB",
    "phone": "0161 496 0123",
    "email": "hello@northside.example.com",
    "website": "https://northside.example.com",
}
SIGN_OFF = (
    f"{NAME}\nUnit 4, Mill Yard\n12 Canal Street\nManchester M4 6AB\n0161 496 0123\n"
    "hello@northside.example.com\nhttps://northside.example.com\n"
)


def _png(colour: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def studio() -> Studio:
    return Studio.objects.create(name=NAME, **CONTACT)


@pytest.fixture
def with_logo(studio) -> Studio:
    studio.logo.save("northside.png", ContentFile(_png()))
    return studio


@pytest.fixture
def coach(trainer) -> TrainerProfile:
    return TrainerProfile.objects.create(
        user=trainer, display_name="Coach Alice", credentials="BSc, NASM-CES"
    )


# The one record.


def test_the_database_refuses_a_second_studio(studio):
    with pytest.raises(IntegrityError), transaction.atomic():
        Studio.objects.create(name="Another studio")
    with pytest.raises(IntegrityError), transaction.atomic():
        Studio.objects.create(id=2, name="Another studio")
    assert list(Studio.objects.values_list("name", flat=True)) == [NAME]


def test_the_database_refuses_a_colour_that_is_not_hex(studio):
    with pytest.raises(IntegrityError), transaction.atomic():
        Studio.objects.filter(pk=studio.pk).update(accent_colour="blue")


def test_without_a_record_current_gives_the_defaults_unsaved(django_assert_num_queries):
    with django_assert_num_queries(1):
        current = Studio.current()
    assert current.name == DEFAULT_NAME == "Trainer Studio"
    assert current.accent_colour == DEFAULT_ACCENT
    assert not current.logo
    assert current.contact_lines == []
    assert current._state.adding
    assert not Studio.objects.exists()


def test_current_gives_the_saved_record(studio):
    current = Studio.current()
    assert current.pk == studio.pk
    assert current.name == NAME
    assert current.contact_lines == SIGN_OFF.splitlines()[1:]


def test_the_default_accent_is_readable_under_white_text():
    assert contrast_with_white(DEFAULT_ACCENT) >= 4.5
    assert round(contrast_with_white("#ffffff"), 1) == 1.0
    assert round(contrast_with_white("#000000"), 1) == 21.0


@pytest.mark.parametrize(
    ("colour", "message"),
    [
        ("blue", "Enter the colour as # and six hexadecimal digits, such as #0b5ed7."),
        ("#0b5ed", "Enter the colour as # and six hexadecimal digits, such as #0b5ed7."),
        ("#ffd700", "White text on #ffd700 would be hard to read (contrast 1.4:1"),
    ],
)
def test_a_bad_colour_is_refused_with_a_clear_message(colour, message):
    with pytest.raises(ValidationError) as refused:
        Studio(name=NAME, accent_colour=colour).full_clean()
    messages = refused.value.message_dict["accent_colour"]
    assert len(messages) == 1
    assert messages[0].startswith(message)


# How trainers are named.


def test_a_trainer_is_named_by_profile_then_full_name_then_username():
    user = UserFactory(username="tom", first_name="Thomas", last_name="Train")
    assert trainer_name(user) == trainer_signature(user) == "Thomas Train"

    profile = TrainerProfile.objects.create(user=user, credentials="BSc, NASM-CES")
    user.refresh_from_db()
    assert trainer_name(user) == "Thomas Train"
    assert trainer_signature(user) == "Thomas Train, BSc, NASM-CES"

    profile.display_name = "Tom Trainer"
    profile.save()
    user.refresh_from_db()
    assert trainer_name(user) == "Tom Trainer"
    assert trainer_signature(user) == "Tom Trainer, BSc, NASM-CES"

    bare = UserFactory(username="solo", first_name="", last_name="")
    assert trainer_name(bare) == "solo"


# The logo.


@pytest.mark.parametrize("who", ["anonymous", "trainer", "client", "admin"])
def test_the_logo_is_served_from_storage_to_anyone(client, with_logo, persona, who):
    login_as(client, persona[who])
    url = reverse("studio:logo")
    assert url == "/studio/logo/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == _png()
    assert header_problems(response) == []
    assert client.head(url).status_code == 200


def test_without_a_logo_it_is_404(client, studio):
    assert client.get(reverse("studio:logo")).status_code == 404
    Studio.objects.all().delete()
    assert client.get(reverse("studio:logo")).status_code == 404


def test_a_logo_gone_from_storage_is_404(client, with_logo):
    default_storage.delete(with_logo.logo.name)
    assert client.get(reverse("studio:logo")).status_code == 404


def test_the_logo_takes_only_get_and_head(client, with_logo):
    assert client.post(reverse("studio:logo")).status_code == 405


# The admin.


def _studio_form(**extra) -> dict:
    return {"name": NAME, "accent_colour": "#0b5ed7", **CONTACT, **extra, "_save": "Save"}


def test_the_admin_adds_the_studio_once_and_never_deletes_it(client, admin_user):
    client.force_login(admin_user)
    add = reverse("admin:studio_studio_add")
    logo = SimpleUploadedFile("northside.png", _png(), content_type="image/png")

    response = client.post(add, _studio_form(logo=logo))

    assert response.status_code == 302
    studio = Studio.objects.get()
    assert studio.name == NAME
    assert studio.logo.name.startswith("studio/northside")
    assert client.get(add).status_code == 403
    assert client.post(add, _studio_form(name="Second studio")).status_code == 403
    delete = reverse("admin:studio_studio_delete", args=[studio.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert list(Studio.objects.values_list("name", flat=True)) == [NAME]


def test_the_admin_changes_the_one_record(client, admin_user, with_logo):
    client.force_login(admin_user)
    change = reverse("admin:studio_studio_change", args=[with_logo.pk])

    assert f'href="{change}"' in client.get(reverse("admin:studio_studio_changelist")).text
    # The current logo links to the view that serves it, not to MEDIA_URL.
    assert f'href="{reverse("studio:logo")}"' in client.get(change).text

    response = client.post(change, _studio_form(name="Southside Strength"))

    assert response.status_code == 302
    with_logo.refresh_from_db()
    assert with_logo.name == "Southside Strength"
    assert with_logo.logo, "the logo stays when none is uploaded"


def test_the_admin_refuses_a_text_file_named_png_and_keeps_what_was_typed(client, admin_user):
    client.force_login(admin_user)
    fake = SimpleUploadedFile("logo.png", b"just some words, not a picture", content_type="image/png")

    response = client.post(reverse("admin:studio_studio_add"), _studio_form(logo=fake, phone="0161 000 1111"))

    assert response.status_code == 200
    assert "Upload a valid image." in response.text
    assert 'value="0161 000 1111"' in response.text
    assert not Studio.objects.exists()


def test_the_admin_refuses_a_logo_too_large(client, admin_user, monkeypatch):
    monkeypatch.setattr("studio.models.MAX_LOGO_BYTES", 10)
    client.force_login(admin_user)
    logo = SimpleUploadedFile("big.png", _png(), content_type="image/png")

    response = client.post(reverse("admin:studio_studio_add"), _studio_form(logo=logo))

    assert response.status_code == 200
    assert "This logo is too large" in response.text
    assert "a logo may be at most 1 MB" in response.text
    assert not Studio.objects.exists()


def test_the_admin_refuses_a_bad_colour_with_its_message(client, admin_user):
    client.force_login(admin_user)

    response = client.post(reverse("admin:studio_studio_add"), _studio_form(accent_colour="#fff"))

    assert response.status_code == 200
    assert "Enter the colour as # and six hexadecimal digits, such as #0b5ed7." in response.text
    assert not Studio.objects.exists()


def test_the_admin_gives_a_trainer_a_profile(client, admin_user, trainer):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:studio_trainerprofile_add"),
        {"user": trainer.pk, "display_name": "Coach Alice", "credentials": "BSc", "_save": "Save"},
    )
    assert response.status_code == 302
    assert trainer_signature(TrainerProfile.objects.get().user) == "Coach Alice, BSc"


def test_only_staff_reach_the_studio_admin(client, trainer):
    client.force_login(trainer)
    response = client.get(reverse("admin:studio_studio_add"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# Pages.


def test_every_page_header_names_the_studio_with_its_logo(client, with_logo):
    text = client.get(reverse("imbalances:index")).text
    assert (
        '<a class="navbar-brand" href="/"><img src="/studio/logo/" alt="Northside Movement Studio logo" '
        'height="32" class="d-inline-block align-middle me-2">Northside Movement Studio</a>'
    ) in text
    assert re.search(r"<title>[^<]* · Northside Movement Studio</title>", text)
    assert "Northside Movement Studio · posture and muscle-imbalance assessments" in text


def test_without_a_logo_the_header_shows_the_name_alone(client, studio):
    text = client.get(reverse("imbalances:index")).text
    assert f'<a class="navbar-brand" href="/">{NAME}</a>' in text
    assert "/studio/logo/" not in text


def test_without_a_studio_the_header_says_trainer_studio(client):
    text = client.get(reverse("imbalances:index")).text
    assert '<a class="navbar-brand" href="/">Trainer Studio</a>' in text


def test_a_page_whose_database_is_gone_still_gets_a_header(rf, studio):
    """The page that says a save failed, with everything typed kept, must not fail on the header."""
    request = rf.get("/")

    def database_gone(execute, sql, params, many, context):
        raise OperationalError("injected: the database did not answer")

    with connection.execute_wrapper(database_gone):
        context = studio_context(request)
        assert context["studio"].name == DEFAULT_NAME


def _queries(django_client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert django_client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["anonymous", "trainer"])
def test_the_studio_costs_a_page_one_query(client, settings, with_logo, trainer, persona):
    if persona == "trainer":
        client.force_login(trainer)
    url = reverse("imbalances:index") if persona == "anonymous" else reverse("clients:dashboard")
    _queries(client, url)  # the first request stamps the session
    branded = _queries(client, url)
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [p for p in processors if p != "studio.context_processors.studio"],
            },
        }
    ]
    # Without the studio in the context the header is empty, so compare counts only.
    assert branded == _queries(client, url) + 1


def test_report_pages_head_with_the_studio_they_read_once(client, with_logo, trainer):
    """A report reads the studio for its letterhead; the page header shows that one, not a second read."""
    with_logo.accent_colour = "#7a1f5c"
    with_logo.save()
    record = ClientFactory(trainer=trainer)
    session = AssessmentFactory(client=record, trainer=trainer, final=True)
    client.force_login(trainer)
    for url in (reverse("reports:progress", args=[record.pk]), reverse("reports:summary", args=[session.pk])):
        _queries(client, url)  # the first request stamps the session
        with CaptureQueriesContext(connection) as queries:
            text = client.get(url).text
        assert sum('"studio_studio"' in query["sql"] for query in queries) == 1
        assert '<img src="/studio/logo/" alt="Northside Movement Studio logo"' in text
        assert '<meta name="theme-color" content="#7a1f5c">' in text
        assert "Northside Movement Studio · posture and muscle-imbalance assessments" in text


# E-mails.


def test_the_invitation_names_the_studio_and_is_signed_by_the_trainer(client, trainer, studio, coach):
    invitee = ClientFactory(trainer=trainer, first_name="Maya", last_name="Lopez", email="maya@example.com")
    client.force_login(trainer)

    assert client.post(reverse("clients:invite", kwargs={"pk": invitee.pk})).status_code == 302

    [message] = mail.outbox
    assert message.subject == f"Coach Alice invites you to {NAME}"
    assert f"Coach Alice has given you access to your pages at {NAME}," in message.body
    assert f"you can ignore it.\n\nCoach Alice, BSc, NASM-CES\n{SIGN_OFF}" in message.body


def test_without_a_studio_the_invitation_says_trainer_studio(client, trainer):
    invitee = ClientFactory(trainer=trainer, first_name="Maya", email="maya@example.com")
    client.force_login(trainer)
    client.post(reverse("clients:invite", kwargs={"pk": invitee.pk}))
    [message] = mail.outbox
    assert message.subject == "Alice Archer invites you to Trainer Studio"
    assert message.body.rstrip().endswith("you can ignore it.\n\nAlice Archer\nTrainer Studio")


def _reset_mail(email: str) -> mail.EmailMessage:
    # What a worker does with the task the reset page queues.
    password_reset_send.call(email=email, domain="testserver", use_https=False)
    [message] = mail.outbox
    return message


def test_a_clients_reset_mail_names_the_studio_and_is_signed_by_their_trainer(client_user, studio, coach):
    message = _reset_mail(client_user.email)
    assert message.subject == f"Choose a new password for {NAME}"
    assert f"reset the password of your {NAME} account" in message.body
    assert "http://testserver/accounts/reset/" in message.body
    assert f"stays as it is.\n\nCoach Alice, BSc, NASM-CES\n{SIGN_OFF}" in message.body


def test_a_trainers_reset_mail_is_signed_by_the_studio(trainer, studio, coach):
    message = _reset_mail(trainer.email)
    assert f"stays as it is.\n\n{SIGN_OFF}" in message.body
    assert "Coach Alice" not in message.body


# The demo.


def test_the_demo_studio_loads_once(settings):
    UserFactory(username="trainer", first_name="Tom", last_name="Trainer")
    UserFactory(username="trainer2")

    studio = load_studio()
    Studio.objects.filter(pk=studio.pk).update(name="Renamed in the admin")
    again = load_studio()

    assert Studio.objects.count() == 1
    assert again.name == "Renamed in the admin", "a later run leaves the record as it is"
    assert again.logo.name == studio.logo.name
    assert default_storage.listdir("studio")[1] == [studio.logo.name.removeprefix("studio/")]
    with default_storage.open(studio.logo.name) as file:
        picture = Image.open(file)
        picture.verify()
    assert picture.format == "PNG"
    again.full_clean()
    assert sorted(TrainerProfile.objects.values_list("user__username", "display_name")) == [
        ("trainer", "Tom Trainer"),
        ("trainer2", "Tess Tutor"),
    ]
