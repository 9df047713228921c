"""The public catalogue: the pages that PDFs link to. No login needed."""

import mimetypes
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from imbalances.forms import SEARCH_MAX_LENGTH, CatalogueFilterForm, CatalogueSearchForm, ExerciseFilterForm
from imbalances.links import slug_url_maker
from imbalances.services import catalogue_version

from .models import (
    Exercise,
    Measure,
    Muscle,
    Observation,
    Pattern,
    PatternMuscle,
    Phase,
    Region,
    Role,
    Source,
    show_measure,
)


def _cited(sources) -> list[Source]:
    """Each source once, in the order of the sources page."""
    return sorted(
        {source for source in sources if source is not None}, key=lambda s: (s.authors, s.year or 0, s.title)
    )


def _by_phase(exercises: Iterable[Exercise]) -> list[tuple[Phase, list[Exercise]]]:
    """The exercises under each phase that has any, in the continuum's order."""
    grouped: dict[str, list[Exercise]] = defaultdict(list)
    for exercise in exercises:
        grouped[exercise.phase].append(exercise)
    return [(phase, grouped[phase.value]) for phase in Phase if grouped[phase.value]]


def _split_by_role(rows: list[PatternMuscle]) -> tuple[list[PatternMuscle], list[PatternMuscle]]:
    return [row for row in rows if row.role == Role.OVER], [row for row in rows if row.role == Role.UNDER]


def _listing(regions: list[Region], filters: dict[str, str]) -> dict:
    """The regions with their patterns, and the muscles in them, as the filters ask: two queries."""
    patterns = Pattern.objects.all()
    regions_shown = regions
    if "region" in filters:
        regions_shown = [region for region in regions if region.slug == filters["region"]]
        patterns = patterns.filter(region__in=regions_shown)
    if "kind" in filters:
        patterns = patterns.filter(observation__kind=filters["kind"])
    patterns = patterns.select_related("observation").order_by("display_order", "name")
    muscles = Muscle.objects.order_by("name")
    if filters:
        muscles = muscles.filter(
            pk__in=PatternMuscle.objects.filter(pattern__in=patterns).values("muscle_id")
        )
    # Hundreds of links: one reverse per kind of page instead of one per link.
    pattern_url, muscle_url = slug_url_maker("imbalances:pattern"), slug_url_maker("imbalances:muscle")
    by_region: dict[int, list[Pattern]] = defaultdict(list)
    for pattern in patterns:
        pattern.url = pattern_url(pattern.slug)
        by_region[pattern.region_id].append(pattern)
    for region in regions_shown:
        region.listed_patterns = by_region[region.pk]
    muscles = list(muscles)
    for muscle in muscles:
        muscle.url = muscle_url(muscle.slug)
    return {
        # Filtered, a region without a matching pattern is left out rather than shown empty.
        "regions": [region for region in regions_shown if region.listed_patterns or not filters],
        "muscles": muscles,
    }


@login_not_required
def index(request: HttpRequest) -> HttpResponse:
    """Regions with their patterns and the muscles in them, the glossary, an optional search (`?q=`)
    and filters by region and kind of observation (`?region=`, `?kind=`). Five queries with a search,
    three without, whatever the filters and the size of the catalogue."""
    search_form = CatalogueSearchForm(request.GET)
    searching = search_form.is_valid()
    # An invalid search (a NUL) shows its error by the box and searches nothing.
    query = search_form.cleaned_data["q"] if searching else request.GET.get("q", "")[:SEARCH_MAX_LENGTH]
    # Counted over the whole catalogue, so that the introduction says what it holds when filtered too.
    regions = list(
        Region.objects.annotate(
            pattern_count=Count("patterns"),
            posture_count=Count("patterns", filter=Q(patterns__observation__kind=Observation.Kind.POSTURE)),
        ).order_by("display_order", "name")
    )
    filter_form = CatalogueFilterForm(request.GET, regions=regions)
    filters = filter_form.filters()
    pattern_count = sum(region.pattern_count for region in regions)
    posture_count = sum(region.posture_count for region in regions)
    context = {
        # The listing is catalogue content only, the same for everyone: the page keeps it rendered
        # under the catalogue's version and the filters, and reads it only when that is not kept.
        "listing": SimpleLazyObject(lambda: _listing(regions, filters)),
        "catalogue_version": catalogue_version(),
        "region_filter": filters.get("region", ""),
        "kind_filter": filters.get("kind", ""),
        "region_count": len(regions),
        "pattern_count": pattern_count,
        "posture_count": posture_count,
        "movement_count": pattern_count - posture_count,
        "filter_form": filter_form,
        "filtered": bool(filters),
        "query": query,
        "search_form": search_form,
    }
    if searching and query:
        context["pattern_results"] = list(Pattern.objects.search(query).select_related("region"))
        context["muscle_results"] = list(Muscle.objects.search(query).order_by("name"))
    return render(request, "imbalances/catalogue_index.html", context)


@login_not_required
def pattern_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One pattern, retired or not: old reports still link here; with the active whole-movement
    exercises that retrain it."""
    pattern = get_object_or_404(Pattern.objects.with_muscles().prefetch_related("sources"), slug=slug)
    rows = list(pattern.pattern_muscles.all())
    over_active, under_active = _split_by_role(rows)
    context = {
        "pattern": pattern,
        "over_active": over_active,
        "under_active": under_active,
        "exercises": Exercise.objects.active().filter(patterns=pattern).in_phase_order(),
        "sources": _cited([*pattern.sources.all(), *(row.source for row in rows)]),
    }
    return render(request, "imbalances/pattern_detail.html", context)


@login_not_required
def muscle_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One muscle, every pattern in which it is over- or under-active, and the active exercises that
    target it by phase. Three queries."""
    muscle = get_object_or_404(Muscle.objects.with_patterns(), slug=slug)
    rows = list(muscle.pattern_muscles.all())
    over_active_in, under_active_in = _split_by_role(rows)
    context = {
        "muscle": muscle,
        "over_active_in": over_active_in,
        "under_active_in": under_active_in,
        "exercise_phases": _by_phase(Exercise.objects.active().filter(muscles=muscle).in_phase_order()),
        "sources": _cited(row.source for row in rows),
    }
    return render(request, "imbalances/muscle_detail.html", context)


@login_not_required
def sources(request: HttpRequest) -> HttpResponse:
    """Every source the catalogue cites, with the patterns, measures and exercises that cite it."""
    cited = Source.objects.prefetch_related(
        Prefetch("patterns", queryset=Pattern.objects.order_by("name")),
        Prefetch("measures", queryset=Measure.objects.order_by("display_order", "name")),
        Prefetch("exercises", queryset=Exercise.objects.order_by("name")),
    )
    return render(request, "imbalances/sources.html", {"sources": cited})


@login_not_required
def measures(request: HttpRequest) -> HttpResponse:
    """Every measure with how to take it, which way is better and its sources; two queries, however
    many. Retired ones follow the active ones, marked, so that old reports' links still land."""
    listed = list(
        Measure.objects.prefetch_related(
            Prefetch("sources", queryset=Source.objects.order_by("authors", "year", "title"))
        ).order_by("-is_active", "display_order", "name")
    )
    for measure in listed:
        if not measure.is_test:
            measure.low, measure.high = (
                show_measure(limit, unit=measure.unit, is_test=False)
                for limit in (measure.min_value, measure.max_value)
            )
    return render(request, "imbalances/measure_list.html", {"measures": listed})


@login_not_required
@require_safe
def exercises(request: HttpRequest) -> HttpResponse:
    """The active exercises by phase, each with the muscles it targets, optionally of one muscle
    (`?muscle=`, a slug). Three queries, however many exercises and whatever the filter."""
    # Only muscles that some exercise targets are offered: a choice that lists nothing would mislead.
    targeted = Exercise.muscles.through.objects.filter(exercise__is_active=True).values("muscle_id")
    muscles = list(Muscle.objects.filter(pk__in=targeted).order_by("lay_name", "name"))
    filter_form = ExerciseFilterForm(request.GET, muscles=muscles)
    muscle_slug = filter_form.muscle_slug()
    listed = (
        Exercise.objects.active()
        .prefetch_related(Prefetch("muscles", queryset=Muscle.objects.order_by("lay_name", "name")))
        .in_phase_order()
    )
    if muscle_slug:
        listed = listed.filter(muscles__slug=muscle_slug)
    # Hundreds of links: one reverse per kind of page instead of one per link.
    exercise_url, muscle_url = slug_url_maker("imbalances:exercise"), slug_url_maker("imbalances:muscle")
    listed = list(listed)
    for exercise in listed:
        exercise.url = exercise_url(exercise.slug)
        exercise.listed_muscles = list(exercise.muscles.all())
        for muscle in exercise.listed_muscles:
            muscle.url = muscle_url(muscle.slug)
    context = {
        "phases": _by_phase(listed),
        "filter_form": filter_form,
        "muscle": next((muscle for muscle in muscles if muscle.slug == muscle_slug), None),
    }
    return render(request, "imbalances/exercise_list.html", context)


@login_not_required
@require_safe
def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One exercise, retired or not (old plans still link here): how to do it, its default dosage, the
    muscles and patterns it works on, and its sources. Four queries."""
    exercise = get_object_or_404(
        Exercise.objects.prefetch_related(
            Prefetch("muscles", queryset=Muscle.objects.order_by("lay_name", "name")),
            Prefetch(
                "patterns",
                queryset=Pattern.objects.select_related("region").order_by(
                    "region__display_order", "display_order", "name"
                ),
            ),
            Prefetch("sources", queryset=Source.objects.order_by("authors", "year", "title")),
        ),
        slug=slug,
    )
    return render(
        request, "imbalances/exercise_detail.html", {"exercise": exercise, "sources": exercise.sources.all()}
    )


@login_not_required
@require_safe
def exercise_image(request: HttpRequest, slug: str) -> FileResponse:
    """An exercise's picture, read from storage.

    Through this view because the storage also holds private files (photos, reports), so MEDIA_URL
    is never served as a whole, and because the CSP allows images from this site only.
    """
    exercise = get_object_or_404(Exercise.objects.exclude(image=""), slug=slug)
    name = exercise.image.name
    try:
        file = exercise.image.storage.open(name, "rb")
    except OSError:
        raise Http404("The picture is no longer kept.") from None
    return FileResponse(file, content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
