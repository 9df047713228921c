from crispy_forms.helper import FormHelper
from django import forms


class ClientEraseForm(forms.Form):
    """Asks for the client's full name, so that an erasure is never one careless click."""

    full_name = forms.CharField(label="Type the client's full name to confirm", max_length=161)

    def __init__(self, *args, expected_name: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.expected_name = expected_name
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_full_name(self) -> str:
        typed = self.cleaned_data["full_name"]
        if " ".join(typed.split()).casefold() != " ".join(self.expected_name.split()).casefold():
            raise forms.ValidationError("This is not the client's full name. Nothing was erased.")
        return typed
