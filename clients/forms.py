from datetime import date

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone

from clients.models import EARLIEST_BIRTH_DATE, Client, Screening

CONSENT_LABEL = "The client consents to assessment and to our keeping their data"
# Longer searches are cut short: no name is longer, and each word costs the query a filter.
SEARCH_MAX_LENGTH = 100


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        # ISO format, the only one a type="date" input shows.
        super().__init__(format="%Y-%m-%d", **kwargs)


class ClientSearchForm(forms.Form):
    """The client list's search box (`?q=`).

    Through a form because a CharField refuses a NUL, which PostgreSQL cannot compare.
    """

    q = forms.CharField(required=False)

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:SEARCH_MAX_LENGTH]


class ClientForm(forms.ModelForm):
    """The client's profile. The owner is never a field: the view's service sets it."""

    consent = forms.BooleanField(label=CONSENT_LABEL, required=False)

    class Meta:
        model = Client
        fields = ["first_name", "last_name", "email", "phone", "date_of_birth", "goals", "health_notes"]
        labels = {"email": "E-mail"}
        widgets = {
            "date_of_birth": DateInput(),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "health_notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["consent"].initial = self.instance.consent_given_at is not None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("first_name"), Column("last_name")),
            Row(Column("email"), Column("phone"), Column("date_of_birth")),
            "goals",
            "health_notes",
            Field("consent"),
        )

    def clean_date_of_birth(self) -> date | None:
        born = self.cleaned_data.get("date_of_birth")
        if born is None:
            return None
        if born > timezone.localdate():
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born < EARLIEST_BIRTH_DATE:
            raise forms.ValidationError(
                f"Please check the year: dates before {EARLIEST_BIRTH_DATE.year} are not accepted."
            )
        return born

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


YES_NO = [("yes", "Yes"), ("no", "No")]


class ScreeningForm(forms.ModelForm):
    """One yes/no answer per readiness question, each required: no answer is not a no."""

    class Meta:
        model = Screening
        fields = ["screened_on", *Screening.QUESTIONS]
        widgets = {"screened_on": DateInput()}
        labels = {"screened_on": "Date of screening"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The model's callable default would add a hidden "initial" input we have no use for.
        self.fields["screened_on"].show_hidden_initial = False
        for field, question in Screening.QUESTIONS.items():
            self.fields[field] = forms.TypedChoiceField(
                label=question,
                choices=YES_NO,
                coerce=lambda value: value == "yes",
                widget=forms.RadioSelect,
                required=True,
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "screened_on",
            Fieldset(
                "Pre-activity readiness questions",
                *[InlineRadios(field) for field in Screening.QUESTIONS],
            ),
            Submit("save", "Record screening"),
        )

    def clean_screened_on(self) -> date:
        screened_on = self.cleaned_data["screened_on"]
        if screened_on > timezone.localdate():
            raise forms.ValidationError("The screening date cannot be in the future.")
        if screened_on < EARLIEST_BIRTH_DATE:
            raise forms.ValidationError("Please check the year of the screening date.")
        return screened_on

    def answers(self) -> dict[str, bool]:
        return {field: self.cleaned_data[field] for field in Screening.QUESTIONS}
