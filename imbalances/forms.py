from collections.abc import Iterable

from django import forms
from django.utils.text import capfirst

from .models import Muscle, Observation, Region

# Longer searches are cut short: no catalogue name is longer, and each word costs the query a filter.
SEARCH_MAX_LENGTH = 100


class CatalogueSearchForm(forms.Form):
    """The catalogue's search box (`?q=`).

    Through a form because a CharField refuses a NUL, which PostgreSQL cannot compare.
    """

    q = forms.CharField(required=False)

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:SEARCH_MAX_LENGTH]


class CatalogueFilterForm(forms.Form):
    """The catalogue index's filters: `?region=` (a region's slug) and `?kind=` (posture, movement).

    A value the catalogue does not hold is refused by its field and that filter alone is left off,
    so an old or mistyped link still shows the catalogue, with a note saying why it is unfiltered.
    """

    region = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "The catalogue has no such region, so every region is shown."},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        label="Kind of observation",
        required=False,
        choices=[
            ("", "Posture and movement"),
            *((value, capfirst(label)) for value, label in Observation.Kind.choices),
        ],
        error_messages={"invalid_choice": "The catalogue has no such kind, so every kind is shown."},
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, regions: Iterable[Region], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # From the regions the page already holds, so the choices cost no query of their own.
        self.fields["region"].choices = [
            ("", "All regions"),
            *((region.slug, region.name) for region in regions),
        ]

    def filters(self) -> dict[str, str]:
        """The filters asked for whose value is valid, by field name (`region`, `kind`)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class ExerciseFilterForm(forms.Form):
    """The exercise list's filter: `?muscle=` (a muscle's slug). A muscle without an exercise, or
    unknown, is refused with a note and every exercise is shown, as on the catalogue index."""

    muscle = forms.ChoiceField(
        label="Muscle",
        required=False,
        error_messages={"invalid_choice": "No exercise targets that muscle, so every exercise is shown."},
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, muscles: Iterable[Muscle], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # From the muscles the page already holds, so the choices cost no query of their own.
        self.fields["muscle"].choices = [
            ("", "Every muscle"),
            *((muscle.slug, f"{capfirst(muscle.lay_name)} ({muscle.name})") for muscle in muscles),
        ]

    def muscle_slug(self) -> str:
        """The muscle asked for if the page offers it, else ''."""
        return self.cleaned_data["muscle"] if self.is_valid() else ""
