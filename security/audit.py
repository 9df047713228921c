"""The audit trail: who read or changed which client's data, written by the view that served it.

A view calls `audit()` once it has done its work, naming the client whose data it showed,
changed or handed out. Only GET and POST count: HEAD and OPTIONS show nothing of a
client, and a view only reaches its `audit()` call when it did not refuse the request.
"""

from django.http import HttpRequest

from security.lockout import client_address
from security.models import AuditEvent

Action = AuditEvent.Action


def audit(request: HttpRequest, *, client_id: int, action: str | None = None) -> None:
    """One INSERT; by default a GET is a view and a POST a change."""
    if request.method not in ("GET", "POST"):
        return
    if action is None:
        action = Action.VIEW if request.method == "GET" else Action.CHANGE
    match = request.resolver_match
    AuditEvent.objects.create(
        user=request.user,
        client_id=client_id,
        action=action,
        url_name=(match.view_name if match else "")[:80],
        path=request.path[:300],
        ip_address=client_address(request),
    )
