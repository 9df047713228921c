from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from security.models import AuditEvent

# Namespaces whose `pk` is an assessment; in `clients` it is the client itself.
ASSESSMENT_NAMESPACES = {"assessments", "reports"}


def client_id_for(request: HttpRequest) -> int | None:
    """The client whose data this request touched, if any. May query once.

    A view that has loaded the client anyway names it in `request.audit_client_id`.
    """
    if getattr(request, "audit_client_id", None) is not None:
        return request.audit_client_id
    match = request.resolver_match
    kwargs = match.kwargs
    if "client_pk" in kwargs:
        return int(kwargs["client_pk"])
    if match.namespace == "clients" and "pk" in kwargs:
        return int(kwargs["pk"])
    if match.namespace == "portal" or match.url_name.startswith("portal_"):
        profile = getattr(request.user, "client_profile", None)
        return profile.pk if profile else None
    if match.namespace in ASSESSMENT_NAMESPACES and "pk" in kwargs:
        from assessments.models import Assessment

        return Assessment.objects.filter(pk=kwargs["pk"]).values_list("client_id", flat=True).first()
    if match.namespace == "admin" and match.url_name.startswith("clients_client_") and "object_id" in kwargs:
        return int(kwargs["object_id"]) if kwargs["object_id"].isdigit() else None
    return None


def action_for(request: HttpRequest, response: HttpResponse) -> str:
    # An export is an attachment too; it is the more telling of the two.
    if "export" in request.resolver_match.url_name:
        return AuditEvent.Action.EXPORT
    if "attachment" in response.get("Content-Disposition", ""):
        return AuditEvent.Action.DOWNLOAD
    if request.method == "GET" or request.method == "HEAD":
        return AuditEvent.Action.VIEW
    return AuditEvent.Action.CHANGE


class AuditMiddleware:
    """Records every successful request that reads or writes one client's data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            and request.resolver_match is not None
            and request.resolver_match.url_name
            and request.user.is_authenticated
        ):
            client_id = client_id_for(request)
            # After an erasure the client is gone: the erasure records itself, unnamed.
            if client_id is not None and not getattr(request, "client_erased", False):
                AuditEvent.objects.create(
                    user=request.user,
                    client_id=client_id,
                    action=action_for(request, response),
                    url_name=f"{request.resolver_match.view_name}"[:80],
                    path=request.path[:300],
                    ip_address=request.META.get("REMOTE_ADDR") or None,
                )
        return response
