"""The assessment's own fields: session date, pain score, both notes and the version it was built from."""

import uuid

from django import forms
from django.utils import timezone

from assessments.models import Assessment
from clients.models import EARLIEST_BIRTH_DATE

# Older session dates are typing mistakes (year 1025 for 2025), as for screenings.
EARLIEST_SESSION_DATE = EARLIEST_BIRTH_DATE


class AssessmentHeaderForm(forms.ModelForm):
    pain_score = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=10,
        label="Pain score (0 to 10, optional)",
        help_text="0 means no pain, 10 the worst imaginable.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
    )
    # The version the page was built from; a save from an older one is refused.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # A new assessment's form carries a random token, so that posting it twice saves it once.
    submission_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Assessment
        fields = ["session_date", "pain_score", "notes", "private_notes"]
        widgets = {
            "session_date": forms.DateInput(
                attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"
            ),
            "notes": forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            "private_notes": forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        }
        labels = {
            "session_date": "Session date",
            "notes": "Notes for the client",
            "private_notes": "Private notes",
        }
        help_texts = {
            "notes": "The client reads these in their session summary and portal.",
            "private_notes": "Only you and other trainers see these: never the client's portal or reports.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.instance.session_date:
            # The instance's empty date would win over a field initial: set the form's.
            self.initial["session_date"] = timezone.localdate()
        if self.instance.pk:
            del self.fields["submission_token"]
        else:
            self.initial["submission_token"] = uuid.uuid4()
        self.fields["session_date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_session_date(self):
        value = self.cleaned_data["session_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The session date cannot be in the future.")
        if value and value < EARLIEST_SESSION_DATE:
            raise forms.ValidationError("Please check the year of the session date.")
        return value
