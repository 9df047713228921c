from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from .models import Muscle, Pattern, PatternMuscle, Region
from .services import catalogue_changed

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
    model = PatternMuscle
    fields = ["muscle", "role", "side", "note", "source"]
    autocomplete_fields = ["muscle"]
    extra = 1


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
        return super().get_queryset(request).select_related("pattern__region")

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


@admin.register(Pattern)
class PatternAdmin(RetireMixin, CatalogueAdmin):
    list_display = ["name", "region", "is_lateral", "is_active", "display_order", "muscle_count"]
    list_filter = ["region", "is_active", "is_lateral"]
    list_select_related = ["region"]
    search_fields = [
        "name",
        "slug",
        "pattern_muscles__muscle__name",
        "pattern_muscles__muscle__lay_name",
        "pattern_muscles__muscle__aliases",
    ]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["region", "name", "slug", "description", "is_lateral", "is_active", "display_order"]
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
