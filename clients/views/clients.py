"""The trainer's client book: list, page, create and edit."""

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from clients.forms import SEARCH_MAX_LENGTH, ClientForm, ClientSearchForm
from clients.gating import assessment_gate
from clients.models import Client
from clients.roles import TrainerRequiredMixin
from clients.services import DATABASE_UNAVAILABLE, NOT_SAVED, client_create, client_update
from security.audit import audit

PAGE_SIZE = 25
# A client of many years has hundreds of sessions: the page lists them a page at a time.
SESSIONS_PER_PAGE = 20
# Every reason stays in the history (and the client's export); the page shows the latest.
OVERRIDES_SHOWN = 10


class ClientListView(TrainerRequiredMixin, ListView):
    template_name = "clients/client_list.html"
    context_object_name = "clients"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Client]:
        if not self.search_form.is_valid():
            return Client.objects.none()  # the error shows by the search box
        clients = Client.objects.for_trainer(self.request.user)
        if not self.show_archived:
            clients = clients.active()
        if self.query:
            clients = clients.search(self.query)
        return clients.with_activity().with_screening_status()

    @cached_property
    def search_form(self) -> ClientSearchForm:
        return ClientSearchForm(self.request.GET)

    @property
    def query(self) -> str:
        if self.search_form.is_valid():
            return self.search_form.cleaned_data["q"]
        # Shown back as typed, as far as a valid search could be.
        return self.request.GET.get("q", "")[:SEARCH_MAX_LENGTH]

    @property
    def show_archived(self) -> bool:
        return self.request.GET.get("archived") == "1"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            q=self.query,
            search_form=self.search_form,
            show_archived=self.show_archived,
            filter_params=params.urlencode(),
        )
        return context


def not_saved(view: CreateView | UpdateView, form: ClientForm) -> HttpResponse:
    """The form as typed, with why it was not saved (503: try again later)."""
    form.add_error(None, NOT_SAVED)
    return view.render_to_response(view.get_context_data(form=form), status=503)


class OwnClientMixin:
    """Another trainer's or a missing client is a 404 for every method, before any 405."""

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)


class ClientDetailView(TrainerRequiredMixin, OwnClientMixin, DetailView):
    # No OPTIONS: it would answer 200 without looking the client up.
    http_method_names = ["get", "head"]
    template_name = "clients/client_detail.html"
    context_object_name = "client"

    def get_queryset(self) -> QuerySet[Client]:
        return Client.objects.for_trainer(self.request.user).select_related(
            "portal_user", "consent_recorded_by", "photo_consent_recorded_by"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        latest = self.object.screenings.select_related("recorded_by", "clearance__recorded_by").first()
        # The history of reasons to assess anyway, newest first; also what the gate reads.
        overrides = list(
            self.object.assessment_overrides.with_spent().select_related("trainer")[:OVERRIDES_SHOWN]
        )
        context["screening"] = latest
        context["overrides"] = overrides
        context["gate"] = assessment_gate(
            client=self.object, screening=latest, overrides=overrides, by=self.request.user
        )
        # Through the reverse relation: the clients app does not import assessments. The
        # charts are on the progress page, which the section links to.
        assessments = self.object.assessments.order_by("-session_date", "-created_at").only(
            "pk", "client_id", "session_date", "status", "pain_score", "notes"
        )
        context["assessments"] = Paginator(assessments, SESSIONS_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        # Through the reverse relation too: the plans section summarises them without a query.
        context["plans"] = list(
            self.object.plans.annotate(exercise_count=Count("items")).prefetch_related("sessions")
        )
        audit(self.request, client_id=self.object.pk)
        return context


class ClientCreateView(TrainerRequiredMixin, CreateView):
    form_class = ClientForm
    template_name = "clients/client_form.html"

    def form_valid(self, form: ClientForm) -> HttpResponse:
        try:
            # The audit row commits with the change or not at all, here and in every change below.
            with transaction.atomic():
                self.object = client_create(
                    trainer=self.request.user,
                    data=form.cleaned_data,
                    consent=form.cleaned_data["consent"],
                    photo_consent=form.cleaned_data["photo_consent"],
                )
                audit(self.request, client_id=self.object.pk)
        except DATABASE_UNAVAILABLE:
            return not_saved(self, form)
        messages.success(self.request, f"{self.object.full_name} was added.")
        return HttpResponseRedirect(self.object.get_absolute_url())


class ClientUpdateView(TrainerRequiredMixin, OwnClientMixin, UpdateView):
    http_method_names = ["get", "head", "post"]
    form_class = ClientForm
    template_name = "clients/client_form.html"

    def get_queryset(self) -> QuerySet[Client]:
        return Client.objects.for_trainer(self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        audit(request, client_id=self.object.pk)
        return response

    def form_valid(self, form: ClientForm) -> HttpResponse:
        try:
            with transaction.atomic():
                self.object = client_update(
                    client=self.object,
                    data=form.cleaned_data,
                    consent=form.cleaned_data["consent"],
                    photo_consent=form.cleaned_data["photo_consent"],
                    by=self.request.user,
                )
                audit(self.request, client_id=self.object.pk)
        except DATABASE_UNAVAILABLE:
            return not_saved(self, form)
        messages.success(self.request, f"{self.object.full_name}'s details were saved.")
        return HttpResponseRedirect(self.object.get_absolute_url())
