from datetime import date

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.formats import date_format
from PIL import Image

from clients.models import (
    EARLIEST_BIRTH_DATE,
    OVERRIDE_REASON_MAX_LENGTH,
    OVERRIDE_REASON_MIN_LENGTH,
    Client,
    MedicalClearance,
    Screening,
    details_field,
)

CONSENT_LABEL = "The client consents to assessment and to our keeping their data"
PHOTO_CONSENT_LABEL = "The client consents to posture photos being taken and kept"
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
    photo_consent = forms.BooleanField(
        label=PHOTO_CONSENT_LABEL,
        required=False,
        help_text="Asked separately: photos show the body. Unticking it keeps photos already taken; "
        "delete them from each session if the client asks.",
    )

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
            self.fields["photo_consent"].initial = self.instance.photo_consent_given_at is not None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("first_name"), Column("last_name")),
            Row(Column("email"), Column("phone"), Column("date_of_birth")),
            "goals",
            "health_notes",
            Field("consent"),
            Field("photo_consent"),
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
# What each follow-up question asks about, so that each "tell us more" has a label of its own.
FOLLOW_UP_TOPICS = {
    "heart_condition": "the heart condition",
    "chest_pain": "the chest pain",
    "dizziness": "the dizziness or loss of consciousness",
    "chronic_condition": "the condition",
    "chronic_medication": "the medication",
    "joint_problem": "the bone, joint or soft-tissue problem",
    "medical_supervision": "the supervision the doctor asked for",
}


def same_name(typed: str, expected: str) -> bool:
    """Whether a typed full name is the expected one, whatever the case and the spacing."""
    return " ".join(typed.split()).casefold() == " ".join(expected.split()).casefold()


class ScreeningForm(forms.ModelForm):
    """One yes/no answer per readiness question, each required: no answer is not a no, unless
    "All answers are no" is ticked. A yes asks what lies behind it. The client confirms the
    answers by typing their full name and the date."""

    all_no = forms.BooleanField(
        label="All answers are no",
        required=False,
        help_text="Answers no to every question left unanswered.",
    )

    class Meta:
        model = Screening
        fields = [
            "screened_on",
            *Screening.QUESTIONS,
            *(details_field(field) for field in Screening.QUESTIONS),
            "notes",
            "confirmed_name",
            "confirmed_on",
        ]
        widgets = {
            "screened_on": DateInput(),
            "confirmed_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "screened_on": "Date of screening",
            "confirmed_name": "The client's full name",
            "confirmed_on": "Date of the client's confirmation",
        }
        help_texts = {
            "notes": "Anything else the client said that matters for exercise.",
            "confirmed_name": "The client types their own full name to confirm the answers are theirs.",
        }

    def __init__(self, *args, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        # The model's callable default would add a hidden "initial" input we have no use for.
        self.fields["screened_on"].show_hidden_initial = False
        self.all_no_ticked = self.is_bound and self.fields["all_no"].widget.value_from_datadict(
            self.data, self.files, self.add_prefix("all_no")
        )
        for field, question in Screening.QUESTIONS.items():
            self.fields[field] = forms.TypedChoiceField(
                label=question,
                choices=YES_NO,
                coerce=lambda value: value == "yes",
                widget=forms.RadioSelect,
                required=not self.all_no_ticked,
            )
            self.fields[details_field(field)].label = f"If yes: tell us more about {FOLLOW_UP_TOPICS[field]}"
        self.fields["confirmed_name"].required = True
        self.fields["confirmed_on"].required = True
        self.fields["confirmed_on"].initial = timezone.localdate
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        questions = []
        for field in Screening.QUESTIONS:
            questions += [InlineRadios(field), Field(details_field(field), wrapper_class="ms-4")]
        self.helper.layout = Layout(
            "screened_on",
            Fieldset(
                "Pre-activity readiness questions",
                # app.js ticks every "No" when this is ticked; without JavaScript the form does.
                Field("all_no", data_all_no="true"),
                *questions,
            ),
            "notes",
            Fieldset(
                "The client's confirmation",
                Row(Column("confirmed_name"), Column("confirmed_on")),
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

    def clean_confirmed_name(self) -> str:
        typed = self.cleaned_data["confirmed_name"]
        if not same_name(typed, self.client.full_name):
            raise forms.ValidationError(
                f"This is not the name on the client's record ({self.client.full_name}): "
                "the client types their own full name."
            )
        return " ".join(typed.split())

    def clean_confirmed_on(self) -> date:
        confirmed_on = self.cleaned_data["confirmed_on"]
        if confirmed_on > timezone.localdate():
            raise forms.ValidationError("The date of the confirmation cannot be in the future.")
        return confirmed_on

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.all_no_ticked:
            yes = [field for field in Screening.QUESTIONS if cleaned.get(field) is True]
            if yes:
                self.add_error(
                    "all_no",
                    f"{len(yes)} answer{'s are' if len(yes) > 1 else ' is'} yes: untick “All answers "
                    "are no”, or change the answers that are yes.",
                )
            for field in Screening.QUESTIONS:
                if cleaned.get(field) in (None, ""):
                    cleaned[field] = False
        for field in Screening.QUESTIONS:
            details = details_field(field)
            if (
                cleaned.get(field) is True
                and not cleaned.get(details, "").strip()
                and details not in self.errors
            ):
                self.add_error(details, "Tell us more about this yes answer.")
        screened_on, confirmed_on = cleaned.get("screened_on"), cleaned.get("confirmed_on")
        if screened_on and confirmed_on and confirmed_on < screened_on:
            self.add_error("confirmed_on", "The client cannot confirm the answers before the screening.")
        return cleaned

    def answers(self) -> dict[str, bool]:
        return {field: self.cleaned_data[field] for field in Screening.QUESTIONS}

    def details(self) -> dict[str, str]:
        """What the client said about each yes answer; what was typed by a no is not kept."""
        return {
            field: self.cleaned_data[details_field(field)].strip() if self.cleaned_data[field] else ""
            for field in Screening.QUESTIONS
        }


# What a letter may be, told by its first bytes: (signature, extension).
LETTER_SIGNATURES = [
    (b"%PDF-", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
]
LETTER_MAX_BYTES = 10 * 1024 * 1024


def letter_extension(upload: UploadedFile) -> str | None:
    """The extension for the file's content (".pdf", ".png" or ".jpg"; images are also decoded),
    or None when it is none of these."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = next((ext for signature, ext in LETTER_SIGNATURES if head.startswith(signature)), None)
    if extension in (".png", ".jpg"):
        try:
            with Image.open(upload) as image:
                image.verify()
        except Exception:
            # Pillow raises many kinds of error for a damaged or disguised file: each means "not an image".
            extension = None
        finally:
            upload.seek(0)
    return extension


class MedicalClearanceForm(forms.ModelForm):
    """A doctor's clearance of one screening, with their letter if the client brought one."""

    letter = forms.FileField(
        label="The doctor's letter (optional)",
        required=False,
        help_text="A PDF, or a photo of the letter as JPEG or PNG, up to 10 MB. Only you can open it.",
    )

    class Meta:
        model = MedicalClearance
        fields = ["cleared_on", "cleared_by"]
        widgets = {"cleared_on": DateInput()}

    def __init__(self, *args, screening: Screening, **kwargs) -> None:
        # By id: an instance given the screening itself would pass for its saved clearance.
        super().__init__(*args, instance=MedicalClearance(screening_id=screening.pk), **kwargs)
        self.screening = screening
        self.letter_extension = ""
        self.fields["cleared_on"].initial = timezone.localdate
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("cleared_on"), Column("cleared_by")),
            "letter",
            Submit("save", "Record clearance"),
        )

    def clean_cleared_on(self) -> date:
        cleared_on = self.cleaned_data["cleared_on"]
        if cleared_on > timezone.localdate():
            raise forms.ValidationError("The date of clearance cannot be in the future.")
        if cleared_on < self.screening.screened_on:
            raise forms.ValidationError(
                "A clearance comes after the screening that asked for it "
                f"({date_format(self.screening.screened_on, 'j M Y')}): check the date."
            )
        return cleared_on

    def clean_cleared_by(self) -> str:
        return " ".join(self.cleaned_data["cleared_by"].split())

    def clean_letter(self) -> UploadedFile | None:
        letter = self.cleaned_data.get("letter")
        if not letter:
            return None
        if letter.size > LETTER_MAX_BYTES:
            raise forms.ValidationError(
                f"This file is {letter.size / 1024 / 1024:.1f} MB: the letter may be up to 10 MB."
            )
        extension = letter_extension(letter)
        if extension is None:
            raise forms.ValidationError("This file is not a PDF, JPEG or PNG: scan or photograph the letter.")
        self.letter_extension = extension
        return letter


class AssessAnywayForm(forms.Form):
    """The trainer's reason to assess although something is missing."""

    reason = forms.CharField(
        label="Your reason to assess anyway",
        min_length=OVERRIDE_REASON_MIN_LENGTH,
        max_length=OVERRIDE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the client's history with your name, the time and what was missing.",
        error_messages={
            "min_length": "Say why in at least %(limit_value)d characters: it is kept in the history."
        },
    )
