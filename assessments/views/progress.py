"""The client's progress page for their trainer."""

from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from assessments.progress import client_progress
from assessments.views.common import client_page_url
from clients.models import Client
from clients.roles import trainer_required
from security.audit import audit


class PeriodForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From")
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To")
    drafts = forms.BooleanField(required=False, initial=True, label="Include drafts")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end of the period comes before its start.")
        return data


@trainer_required
def progress(request: HttpRequest, client_pk: int) -> HttpResponse:
    client = get_object_or_404(Client.objects.for_trainer(request.user), pk=client_pk)
    period = PeriodForm(request.GET if request.GET else None, initial={"drafts": True})
    start: date | None = None
    end: date | None = None
    include_drafts = True
    if period.is_bound and period.is_valid():
        start, end = period.cleaned_data["start"], period.cleaned_data["end"]
        include_drafts = period.cleaned_data["drafts"]
    audit(request, client_id=client.pk)
    context = {
        "client": client,
        "progress": client_progress(client, include_drafts=include_drafts, start=start, end=end),
        "period": period,
        "client_url": client_page_url(client),
    }
    return render(request, "assessments/progress.html", context)
