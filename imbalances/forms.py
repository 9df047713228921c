from django import forms

# Longer searches are cut short: no catalogue name is longer, and each word costs the query a filter.
SEARCH_MAX_LENGTH = 100


class CatalogueSearchForm(forms.Form):
    """The catalogue's search box (`?q=`).

    Through a form because a CharField refuses a NUL, which PostgreSQL cannot compare.
    """

    q = forms.CharField(required=False)

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:SEARCH_MAX_LENGTH]
