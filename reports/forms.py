from django import forms


class ProgressPeriodForm(forms.Form):
    """The trainer's choice of period for the progress page and its PDF, from the query string.

    Drafts stay out unless the trainer switches the preview on: what the page shows by
    default is what the client gets.
    """

    start = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
        ),
    )
    end = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
        ),
    )
    drafts = forms.BooleanField(
        required=False,
        label="Preview with drafts",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end of the period comes before its start.")
        return cleaned
