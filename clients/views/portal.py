from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clients.roles import portal_client_required


@portal_client_required
def portal_home(request: HttpRequest) -> HttpResponse:
    return render(request, "clients/portal_home.html", {"client": request.user.client_profile})
