from django.urls import NoReverseMatch, reverse

from clients.models import Client


def client_page_url(client: Client) -> str:
    """The client's page, or their progress page while the clients app has none."""
    try:
        return client.get_absolute_url()
    except NoReverseMatch:
        return reverse("assessments:progress", kwargs={"client_pk": client.pk})
