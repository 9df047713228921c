"""Who reaches which client page: every view, every persona."""

import pytest
from django.core import mail
from django.urls import reverse

from clients.models import Client, Screening
from tests.conftest import login_as

pytestmark = pytest.mark.django_db

PK_VIEWS = ["detail", "update", "screening"]
LIST_VIEWS = ["list", "create", "dashboard"]
POST_ACTIONS = ["archive", "restore", "invite", "resend_invite", "revoke_access"]

EXPECTED_PK_GET = {"anonymous": 302, "trainer": 200, "other_trainer": 404, "client": 403, "admin": 403}
EXPECTED_LIST_GET = {"anonymous": 302, "trainer": 200, "other_trainer": 200, "client": 403, "admin": 403}
EXPECTED_POST = {"anonymous": 302, "trainer": 302, "other_trainer": 404, "client": 403, "admin": 403}


def _assert_sent_to_login(response, url: str) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.parametrize("view", PK_VIEWS)
@pytest.mark.parametrize(("who", "status"), EXPECTED_PK_GET.items())
def test_client_pages_answer_only_their_trainer(client, persona, client_record, view, who, status):
    login_as(client, persona[who])
    url = reverse(f"clients:{view}", kwargs={"pk": client_record.pk})
    response = client.get(url)
    assert response.status_code == status
    if who == "anonymous":
        _assert_sent_to_login(response, url)
    if status == 200:
        assert client_record.full_name in response.text


@pytest.mark.parametrize("view", LIST_VIEWS)
@pytest.mark.parametrize(("who", "status"), EXPECTED_LIST_GET.items())
def test_trainer_pages_refuse_everyone_but_trainers(client, persona, client_record, view, who, status):
    login_as(client, persona[who])
    url = reverse(f"clients:{view}")
    response = client.get(url)
    assert response.status_code == status
    if who == "anonymous":
        _assert_sent_to_login(response, url)


@pytest.mark.parametrize("view", ["list", "dashboard"])
def test_a_trainer_never_sees_another_trainers_clients(client, other_trainer, client_record, view):
    client.force_login(other_trainer)
    response = client.get(reverse(f"clients:{view}"))
    assert response.status_code == 200
    assert client_record.full_name not in response.text


@pytest.mark.parametrize("action", POST_ACTIONS)
@pytest.mark.parametrize(("who", "status"), EXPECTED_POST.items())
def test_actions_answer_only_the_clients_trainer(client, persona, client_record, action, who, status):
    login_as(client, persona[who])
    response = client.post(reverse(f"clients:{action}", kwargs={"pk": client_record.pk}))
    assert response.status_code == status
    if status == 302 and who != "anonymous":
        assert response["Location"] == client_record.get_absolute_url()


@pytest.mark.parametrize("action", POST_ACTIONS)
def test_actions_refuse_get(client, trainer, client_record, action):
    client.force_login(trainer)
    response = client.get(reverse(f"clients:{action}", kwargs={"pk": client_record.pk}))
    assert response.status_code == 405


@pytest.mark.parametrize("who", ["other_trainer", "client", "admin", "anonymous"])
def test_a_post_by_the_wrong_person_changes_nothing(client, persona, client_record, who):
    login_as(client, persona[who])
    portal_user = client_record.portal_user
    pk = client_record.pk
    screenings = client_record.screenings.count()
    client.post(
        reverse("clients:update", kwargs={"pk": pk}),
        {"first_name": "Hacked", "last_name": "Name", "email": "evil@example.com"},
    )
    client.post(reverse("clients:archive", kwargs={"pk": pk}))
    client.post(reverse("clients:revoke_access", kwargs={"pk": pk}))
    client.post(reverse("clients:invite", kwargs={"pk": pk}))
    client.post(
        reverse("clients:screening", kwargs={"pk": pk}),
        {"screened_on": "2024-01-01", **dict.fromkeys(Screening.QUESTIONS, "yes")},
    )

    client_record.refresh_from_db()
    portal_user.refresh_from_db()
    assert client_record.first_name == "Jane"
    assert client_record.email == "jane.doe@example.com"
    assert client_record.is_archived is False
    assert portal_user.is_active is True
    assert client_record.screenings.count() == screenings
    assert mail.outbox == []


def test_restore_by_another_trainer_leaves_the_client_archived(client, other_trainer, client_record):
    Client.objects.filter(pk=client_record.pk).update(is_archived=True)
    client.force_login(other_trainer)
    assert client.post(reverse("clients:restore", kwargs={"pk": client_record.pk})).status_code == 404
    client_record.refresh_from_db()
    assert client_record.is_archived is True


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("trainer", 403), ("other_trainer", 403), ("client", 200), ("admin", 403)],
)
def test_portal_home_is_for_clients_only(client, persona, who, status):
    login_as(client, persona[who])
    response = client.get(reverse("portal:home"))
    assert response.status_code == status


def test_the_portal_shows_a_client_only_their_own_record(client, client_user, other_client_record):
    client.force_login(client_user)
    response = client.get(reverse("portal:home"))
    assert "Jane Doe" in response.text
    assert other_client_record.full_name not in response.text


@pytest.mark.parametrize("view", ["detail", "update", "screening"])
def test_a_client_cannot_open_their_own_trainer_page(client, client_user, client_record, view):
    Client.objects.filter(pk=client_record.pk).update(health_notes="Private note on medication")
    client.force_login(client_user)
    response = client.get(reverse(f"clients:{view}", kwargs={"pk": client_record.pk}))
    assert response.status_code == 403
    assert "Private note" not in response.text


def test_a_client_gets_no_admin_data(client, client_user):
    client.force_login(client_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
