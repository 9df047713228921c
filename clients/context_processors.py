from django.http import HttpRequest

from clients.roles import role_of


def role(request: HttpRequest) -> dict[str, str]:
    return {"role": role_of(request.user) if hasattr(request, "user") else "anonymous"}
