from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.http import HttpRequest
from django.urls import reverse

from studio.models import Studio, TrainerProfile


@dataclass(frozen=True)
class _ServedLogo:
    """The stored logo as the file input shows it: its name, linked to where it is served."""

    name: str
    url: str

    def __str__(self) -> str:
        return self.name


class StudioLogoInput(AdminFileWidget):
    """The admin's file input, linking the current logo to the view that serves it: the storage's own
    URL (under MEDIA_URL) is never served, since the same storage holds private files."""

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = _ServedLogo(name=value.name, url=reverse("studio:logo"))
        return context


class StudioAdminForm(forms.ModelForm):
    class Meta:
        model = Studio
        fields = ["name", "logo", "accent_colour", "address", "phone", "email", "website"]
        widgets = {"logo": StudioLogoInput}


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    """The studio's one record: added once, changed after, never deleted."""

    form = StudioAdminForm
    fieldsets = [
        (None, {"fields": ["name", "logo", "accent_colour"]}),
        (
            "Contact details",
            {
                "description": "Printed under the studio's name at the end of e-mails to clients.",
                "fields": ["address", "phone", "email", "website"],
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not Studio.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Studio | None = None) -> bool:
        return False


@admin.register(TrainerProfile)
class TrainerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "credentials"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "display_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
