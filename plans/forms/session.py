from datetime import date, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from clients.forms import DateInput
from plans.models import EFFORT_MAX, NOTE_MAX_LENGTH, Plan

# Older sessions are remembered too vaguely to count: the trainer asks about them in person instead.
LOG_WITHIN = timedelta(days=14)
EFFORT_WORDS = {
    1: "very easy",
    2: "easy",
    3: "moderate",
    4: "somewhat hard",
    5: "hard",
    7: "very hard",
    9: "nearly as hard as you could",
    10: "as hard as you could",
}
EFFORT_CHOICES = [
    ("", "Rather not say"),
    *(
        (number, f"{number} – {EFFORT_WORDS[number]}" if number in EFFORT_WORDS else str(number))
        for number in range(1, EFFORT_MAX + 1)
    ),
]


class SessionForm(forms.Form):
    """The client's tick-off of one home session of `plan`: which day, how hard it felt, a note."""

    done_on = forms.DateField(label="The day you did it", widget=DateInput())
    effort = forms.TypedChoiceField(
        label="How hard did it feel? (optional)",
        choices=EFFORT_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="1 is very easy, 10 is as hard as you could possibly work.",
        error_messages={
            "invalid_choice": f"Choose a number from 1 (very easy) to {EFFORT_MAX} (as hard as you could), "
            "or leave it empty."
        },
    )
    note = forms.CharField(
        label="A note for your trainer (optional)",
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="How it went, anything that hurt or felt hard.",
    )

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        today = timezone.localdate()
        self.fields["done_on"].initial = today
        # A phone's date picker then offers only the days clean_done_on accepts.
        self.fields["done_on"].widget.attrs.update(
            min=max(plan.start_date, today - LOG_WITHIN).isoformat(), max=today.isoformat()
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("done_on", css_class="col-sm-6"), Column("effort", css_class="col-sm-6")),
            "note",
            Submit("log", "I did my plan", css_class="btn-lg"),
        )

    def clean_done_on(self) -> date:
        done_on = self.cleaned_data["done_on"]
        today = timezone.localdate()
        if done_on > today:
            raise forms.ValidationError(
                "That day is still to come: tick off a session once you have done it."
            )
        if done_on < self.plan.start_date:
            raise forms.ValidationError(
                f"Your plan started on {date_format(self.plan.start_date, 'j F Y')}: pick a day from then on."
            )
        earliest = today - LOG_WITHIN
        if done_on < earliest:
            raise forms.ValidationError(
                f"Sessions can be ticked off for the last {LOG_WITHIN.days} days only "
                f"(from {date_format(earliest, 'j F Y')}): after that it is hard to remember "
                "what you did. Tell your trainer about older ones at your next session."
            )
        return done_on

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()
