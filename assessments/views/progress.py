"""The client's progress page for their trainer."""

from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from assessments.progress import client_progress
from assessments.views.common import client_page_url
from clients.models import Client
from clients.roles import trainer_required
from pagecache.pages import render_page
from pagecache.stamps import CATALOGUE, trainer_scope


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
    return render_page(
        request,
        "assessments/progress.html",
        lambda: _context(client.pk, period, include_drafts=include_drafts, start=start, end=end),
        scopes=(trainer_scope(client.trainer_id), CATALOGUE),
    )


def _context(client_pk: int, period: PeriodForm, **options) -> dict:
    # The client read again after the page cache's stamps (see render_page).
    client = get_object_or_404(Client, pk=client_pk)
    return {
        "client": client,
        "progress": client_progress(client, **options),
        "period": period,
        "client_url": client_page_url(client),
    }
