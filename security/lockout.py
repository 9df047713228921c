import ipaddress

from django.conf import settings
from django.http import HttpRequest

# What django-axes stores fits its 255-character column; no real username is longer
# than the user model's 150.
USERNAME_LIMIT = 150


def username_for_lockout(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username django-axes counts failures under, cut to a length it can store.

    The sign-in form hands `authenticate` the account's own username however it was typed
    (security.forms.SignInForm); ignoring case here too means a name counts alike in any case
    on every sign-in page, the admin's included, whether or not it names an account.
    """
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get("username")
    return username[:USERNAME_LIMIT].casefold() if isinstance(username, str) else username


def client_address(request: HttpRequest) -> str | None:
    """The address sign-in lockouts and rate limits count a request under.

    Behind TRUSTED_PROXY_COUNT reverse proxies, each appending the address it received the
    request from to CLIENT_IP_HEADER, the client is the entry the outermost of them added:
    that many places from the right. Entries further left were sent by the client and prove
    nothing. With no proxy trusted, or a header too short to have passed all of them, or an
    entry that is not an address, the connection's own REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get(settings.CLIENT_IP_HEADER, "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote
