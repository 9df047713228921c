import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.contrib.auth import get_permission_codename
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat, pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .catalogue_io import CatalogueInvalid
from .models import (
    CatalogueImport,
    Exercise,
    Measure,
    Muscle,
    Observation,
    Pattern,
    PatternMuscle,
    Phase,
    Region,
    Source,
)
from .services import catalogue_changed, catalogue_import, import_catalogue_pack

# Shown instead of Django's bare "protected related objects" page, because the
# way out (retiring) is not obvious from that page.
IN_USE_TEMPLATE = "imbalances/admin/delete_confirmation.html"
IN_USE_SELECTED_TEMPLATE = "imbalances/admin/delete_selected_confirmation.html"


class CatalogueAdmin(admin.ModelAdmin):
    """Every admin write to the catalogue (inlines and list edits included) changes its version."""

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        catalogue_changed()

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        catalogue_changed()

    def delete_model(self, request: HttpRequest, obj) -> None:
        super().delete_model(request, obj)
        catalogue_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        catalogue_changed()


@admin.register(Region)
class RegionAdmin(CatalogueAdmin):
    list_display = ["name", "slug", "display_order", "pattern_count"]
    list_editable = ["display_order"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_pattern_count=Count("patterns"))

    @admin.display(description="patterns", ordering="_pattern_count")
    def pattern_count(self, region: Region) -> int:
        return region._pattern_count


class PatternMuscleInline(admin.TabularInline):
    """A pattern's muscles, entered with the pattern on one screen: enough blank rows for a typical
    pattern, and the autocomplete's "+" creates a muscle that is not in the catalogue yet."""

    model = PatternMuscle
    fields = ["muscle", "role", "side", "note", "source"]
    autocomplete_fields = ["muscle", "source"]
    extra = 6


class MusclePatternInline(admin.TabularInline):
    """Read-only: a muscle's roles are edited on the pattern, where the side rule can be checked."""

    model = PatternMuscle
    fields = ["pattern", "role", "side", "note", "source"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name = "role in a pattern"
    verbose_name_plural = "patterns this muscle appears in (edit them on the pattern)"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("pattern__region", "source")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class RetireMixin:
    """Retire instead of delete: retired entries leave new forms but stay in old assessments."""

    delete_confirmation_template = IN_USE_TEMPLATE
    delete_selected_confirmation_template = IN_USE_SELECTED_TEMPLATE

    def _set_active(self, request: HttpRequest, queryset: QuerySet, active: bool) -> None:
        changed = 0
        for obj in queryset.filter(is_active=not active):
            obj.is_active = active
            obj.save(update_fields=["is_active"])
            # One admin log entry per object, so the history says who retired what.
            self.log_change(request, obj, [{"changed": {"fields": ["active"]}}])
            changed += 1
        catalogue_changed()
        verb = "Reactivated" if active else "Retired"
        self.message_user(request, f"{verb} {changed} {self.opts.verbose_name_plural}.", messages.SUCCESS)

    @admin.action(description="Retire selected %(verbose_name_plural)s")
    def retire(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_active(request, queryset, False)

    @admin.action(description="Reactivate selected %(verbose_name_plural)s")
    def reactivate(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_active(request, queryset, True)


@admin.register(Source)
class SourceAdmin(CatalogueAdmin):
    list_display = ["authors", "year", "title", "publisher"]
    search_fields = ["authors", "title", "publisher", "slug"]
    prepopulated_fields = {"slug": ["authors", "year"]}
    fields = ["authors", "year", "title", "publisher", "url", "isbn", "note", "slug"]


@admin.register(Observation)
class ObservationAdmin(CatalogueAdmin):
    list_display = ["name", "kind", "display_order"]
    list_editable = ["display_order"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "kind", "description", "display_order"]


@admin.register(Pattern)
class PatternAdmin(RetireMixin, CatalogueAdmin):
    list_display = [
        "name",
        "region",
        "observation",
        "laterality",
        "is_active",
        "display_order",
        "muscle_count",
    ]
    list_filter = ["region", "observation__kind", "observation", "is_active", "laterality"]
    list_select_related = ["region", "observation"]
    search_fields = [
        "name",
        "slug",
        "pattern_muscles__muscle__name",
        "pattern_muscles__muscle__lay_name",
        "pattern_muscles__muscle__aliases",
    ]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "region", "observation", "name", "slug", "description", "laterality", "sources", "is_active",
        "display_order",
    ]  # fmt: skip
    autocomplete_fields = ["sources"]
    inlines = [PatternMuscleInline]
    actions = ["retire", "reactivate"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_muscle_count=Count("pattern_muscles"))

    @admin.display(description="muscle roles", ordering="_muscle_count")
    def muscle_count(self, pattern: Pattern) -> int:
        return pattern._muscle_count


@admin.register(Muscle)
class MuscleAdmin(RetireMixin, CatalogueAdmin):
    list_display = ["name", "lay_name", "aliases", "is_paired", "is_active"]
    list_filter = [
        "is_active",
        "is_paired",
        ("pattern_muscles__pattern__region", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "lay_name", "aliases", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "lay_name", "slug", "aliases", "description", "is_paired", "is_active"]
    inlines = [MusclePatternInline]
    actions = ["retire", "reactivate"]


@admin.register(Measure)
class MeasureAdmin(RetireMixin, CatalogueAdmin):
    list_display = ["name", "unit", "better", "per_side", "is_active", "display_order"]
    list_filter = ["is_active", "better", "per_side"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name", "slug", "unit", "better", "min_value", "max_value", "per_side", "description", "sources",
        "is_active", "display_order",
    ]  # fmt: skip
    autocomplete_fields = ["sources"]
    actions = ["retire", "reactivate"]


@dataclass(frozen=True)
class _ServedPicture:
    """A stored picture as the file input shows it: its name, linked to where it is served."""

    name: str
    url: str

    def __str__(self) -> str:
        return self.name


class ExercisePictureInput(AdminFileWidget):
    """The admin's file input, linking the current picture to the view that serves it: the storage's
    own URL (under MEDIA_URL) is never served, since the same storage holds private files."""

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            url = reverse("imbalances:exercise_image", kwargs={"slug": value.instance.slug})
            context["widget"]["value"] = _ServedPicture(name=value.name, url=url)
        return context


class ExerciseAdminForm(forms.ModelForm):
    class Meta:
        model = Exercise
        # The admin adds the other fields from its fieldsets.
        fields = ["phase", "patterns", "image"]
        widgets = {"image": ExercisePictureInput}

    def clean(self) -> dict:
        cleaned = super().clean()
        # The same rule as the import's: a plan proposes an exercise for a pattern through these links.
        if cleaned.get("patterns") and cleaned.get("phase") not in (None, Phase.INTEGRATE):
            self.add_error(
                "patterns",
                "Only a whole-movement (integrate) exercise addresses patterns: leave this empty, "
                "or choose that phase.",
            )
        return cleaned


@admin.register(Exercise)
class ExerciseAdmin(RetireMixin, CatalogueAdmin):
    """An exercise on one screen: what it is, how to do it, its default dosage, picture and sources."""

    form = ExerciseAdminForm
    list_display = ["name", "phase", "dosage", "equipment", "is_active", "display_order"]
    list_editable = ["display_order"]
    list_filter = ["phase", "is_active", ("muscles", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "instructions", "muscles__name", "muscles__lay_name", "muscles__aliases"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["muscles", "patterns", "sources"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "phase", "muscles", "patterns"]}),
        ("How to do it", {"fields": ["instructions", "cues", "equipment", "contraindications"]}),
        (
            "Default dosage",
            {
                "description": "What a plan starts from; the trainer tailors it for each client.",
                "fields": [("sets", "reps", "hold_seconds"), ("tempo", "per_week")],
            },
        ),
        ("Picture and video", {"fields": ["image", "video_url"]}),
        (None, {"fields": ["sources", "is_active", "display_order"]}),
    ]
    actions = ["retire", "reactivate"]

    @admin.display(description="default dosage")
    def dosage(self, exercise: Exercise) -> str:
        return exercise.dosage


# Importing a catalogue pack: upload, preview, confirm.

MAX_PACK_BYTES = 2 * 1024 * 1024
PACK_SALT = "imbalances.admin.catalogue-pack"
# Long enough to read a long list of changes; a preview left open overnight is uploaded again.
PREVIEW_MAX_AGE = timedelta(hours=1)
IMPORT_UPLOAD_TEMPLATE = "imbalances/admin/catalogue_import_upload.html"
IMPORT_PREVIEW_TEMPLATE = "imbalances/admin/catalogue_import_preview.html"


@dataclass(frozen=True)
class _Pack:
    """An uploaded catalogue pack: its file name, its bytes decoded as UTF-8 and what they parse to."""

    name: str
    text: str
    document: Any

    @property
    def content(self) -> bytes:
        # UTF-8 decodes and encodes without loss, so these are exactly the bytes uploaded.
        return self.text.encode("utf-8")


class CataloguePackForm(forms.Form):
    """Step 1: the file, refused unless it is a small JSON document."""

    file = forms.FileField(
        label="Catalogue pack",
        max_length=255,
        help_text="A JSON file made by export_catalogue, at most 2 MB.",
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self) -> _Pack:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PACK_BYTES:
            raise ValidationError(
                f"This file is {filesizeformat(upload.size)}; a catalogue pack may be at most 2 MB."
            )
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError(
                "This file is not UTF-8 text, so it is not a catalogue pack (a JSON file)."
            ) from error
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                f"This file is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
            ) from error
        return _Pack(name=upload.name, text=text, document=document)


class CataloguePackConfirmForm(forms.Form):
    """Step 3: the previewed pack and its changes, signed by this server when it showed the
    preview, so that what comes back is what was shown."""

    pack = forms.CharField(widget=forms.HiddenInput)

    @classmethod
    def signed(cls, pack: _Pack, changes: list[str]) -> "CataloguePackConfirmForm":
        value = signing.dumps(
            {"name": pack.name, "text": pack.text, "changes": changes}, salt=PACK_SALT, compress=True
        )
        return cls(initial={"pack": value})

    def clean_pack(self) -> tuple[_Pack, list[str]]:
        try:
            signed = signing.loads(self.cleaned_data["pack"], salt=PACK_SALT, max_age=PREVIEW_MAX_AGE)
        except signing.SignatureExpired as error:
            raise ValidationError("This preview is more than an hour old: upload the file again.") from error
        except signing.BadSignature as error:
            raise ValidationError(
                "This preview came back altered, so nothing was imported: upload the file again."
            ) from error
        pack = _Pack(name=signed["name"], text=signed["text"], document=json.loads(signed["text"]))
        return pack, signed["changes"]


class _PreviewOutdated(Exception):
    """The import would make other changes than the preview showed (the catalogue changed since)."""


@admin.register(CatalogueImport)
class CatalogueImportAdmin(admin.ModelAdmin):
    """The audit trail of catalogue imports, read-only, and the pages that import a pack."""

    list_display = ["imported_at", "imported_by", "file_name", "change_count"]
    list_filter = ["changed"]
    list_select_related = ["imported_by"]
    search_fields = ["file_name", "sha256"]
    fields = ["imported_at", "imported_by", "file_name", "sha256", "changed", "changes"]
    change_list_template = "imbalances/admin/catalogueimport_change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_import_permission(self, request: HttpRequest) -> bool:
        """Importing a pack is adding a catalogue import: the model's add permission (rows are
        never added by hand)."""
        return request.user.has_perm(f"{self.opts.app_label}.{get_permission_codename('add', self.opts)}")

    @admin.display(description="changes")
    def change_count(self, record: CatalogueImport) -> int:
        return len(record.change_list)

    def get_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "import/confirm/",
                self.admin_site.admin_view(self.import_confirm_view),
                name="{}_{}_import_confirm".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Step 1, the upload form (GET), and step 2, the preview of what importing the file
        would change (POST; nothing is written)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = (
            CataloguePackForm(request.POST, request.FILES)
            if request.method == "POST"
            else CataloguePackForm()
        )
        if form.is_valid():
            return self._preview(request, form.cleaned_data["file"])
        return self._render(request, IMPORT_UPLOAD_TEMPLATE, {"form": form})

    def import_confirm_view(self, request: HttpRequest) -> HttpResponse:
        """Step 3: import the previewed pack with its audit row in one transaction, or, when it
        would now change something else than the preview showed, show the new preview."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm = CataloguePackConfirmForm(request.POST)
        if not confirm.is_valid():
            context = {"form": CataloguePackForm(), "refusal": confirm.errors.get("pack")}
            return self._render(request, IMPORT_UPLOAD_TEMPLATE, context, status=400)
        pack, previewed = confirm.cleaned_data["pack"]
        try:
            with transaction.atomic():
                record = import_catalogue_pack(
                    document=pack.document, content=pack.content, file_name=pack.name, user=request.user
                )
                if record.change_list != previewed:
                    raise _PreviewOutdated
        except (_PreviewOutdated, CatalogueInvalid, IntegrityError):
            messages.warning(
                request,
                "The catalogue changed since that preview, so nothing was imported. "
                "This is what importing the file would do now.",
            )
            return self._preview(request, pack)
        count = len(record.change_list)
        messages.success(request, f"Imported {pack.name}: {count} change{pluralize(count)} to the catalogue.")
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")

    def _preview(self, request: HttpRequest, pack: _Pack) -> HttpResponse:
        changes: list[str] = []
        problems: list[tuple[str, str]] = []
        try:
            changes = catalogue_import(document=pack.document, dry_run=True)
        except CatalogueInvalid as invalid:
            problems = [(where, what) for where, _, what in (p.partition(": ") for p in invalid.problems)]
        except IntegrityError as error:
            # Checks catch what they can; a clash they miss (two entries swapping names) lands here.
            problems = [("database", f"refused the import ({error})")]
        context = {
            "pack": pack,
            "changes": changes,
            "problems": problems,
            "confirm_form": CataloguePackConfirmForm.signed(pack, changes) if changes else None,
        }
        return self._render(request, IMPORT_PREVIEW_TEMPLATE, context)

    def _render(self, request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "has_view_permission": self.has_view_permission(request),
            "title": "Import a catalogue pack",
            **context,
        }
        return TemplateResponse(request, template, context, status=status)
