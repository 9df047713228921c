"""Adding posture photos: any number of files for each standard view, checked as they come; and
placing the landmarks on one of them."""

from decimal import Decimal

from django import forms
from django.core.files.uploadedfile import UploadedFile

from assessments.landmarks import LANDMARKS, Landmark, readings
from assessments.models import STANDING_VIEWS, Photo, PhotoView
from assessments.photos import CleanPhoto, PhotoRejected, photo_clean
from assessments.services import MeasureValueData
from imbalances.models import Measure, show_measure

# Of one post: each photo is decoded in memory before any is stored.
PHOTOS_PER_UPLOAD = 12


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """The files chosen for one view (the form decodes them once it knows how many there are)."""

    widget = MultipleFileInput(attrs={"accept": "image/*", "class": "form-control"})

    def clean(self, data: list[UploadedFile] | UploadedFile | None, initial=None) -> list[UploadedFile]:
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(upload, initial) for upload in uploads]


class PhotoUploadForm(forms.Form):
    """One field per view, named by the view's value. Once valid, each holds a list of CleanPhoto
    and `photos()` lists (view, CleanPhoto)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for view in PhotoView:
            self.fields[view.value] = PhotosField(label=view.label.capitalize(), required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        chosen = sum(len(cleaned.get(view) or []) for view in PhotoView.values)
        if chosen > PHOTOS_PER_UPLOAD:
            raise forms.ValidationError(
                f"{chosen} photos at once is more than we take: add up to {PHOTOS_PER_UPLOAD} at a time."
            )
        if not chosen:
            raise forms.ValidationError("Choose or take at least one photo.")
        for view in PhotoView.values:
            photos, errors = [], []
            for upload in cleaned.get(view) or []:
                try:
                    photos.append(photo_clean(upload))
                except PhotoRejected as rejected:
                    errors.append(str(rejected))
            if errors:
                self.add_error(view, errors)
            else:
                cleaned[view] = photos
        return cleaned

    def photos(self) -> list[tuple[str, CleanPhoto]]:
        return [(view, photo) for view in PhotoView.values for photo in self.cleaned_data.get(view) or []]

    def standing_fields(self) -> list[forms.BoundField]:
        return [self[view.value] for view in STANDING_VIEWS]

    def movement_fields(self) -> list[forms.BoundField]:
        return [self[view.value] for view in PhotoView if view not in STANDING_VIEWS]


class LandmarksForm(forms.Form):
    """Fields `landmark-<name>-x` and `-y` for each landmark of the photo's view, in percent of the
    photo's width and height (what a person reads and types; the script fills them from a tap);
    `save-<reading key>` for each computed value that `measures` (reading key to catalogue measure)
    lets the trainer keep as a measure of the session; `version`, the assessment's version the page
    was opened at.

    Once valid, `landmarks` holds the points as the photo keeps them and `measure_values` the values
    ticked, computed from those points."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, photo: Photo, measures: dict[str, Measure]) -> None:
        super().__init__(data=data, initial={"version": photo.assessment.version})
        self.photo = photo
        self.measures = measures
        self.rows: list[tuple[Landmark, list[forms.BoundField]]] = []
        for landmark in LANDMARKS[photo.view]:
            point = photo.landmarks.get(landmark.name)
            for index, axis in enumerate(("x", "y")):
                name = f"landmark-{landmark.name}-{axis}"
                self.fields[name] = _percent_field(f"{landmark.label.capitalize()}, {axis}")
                if point:
                    self.initial[name] = round(Decimal(point[index] * 100), 2)
            self.rows.append((landmark, [self[f"landmark-{landmark.name}-{axis}"] for axis in ("x", "y")]))
        for key, measure in measures.items():
            self.fields[f"save-{key}"] = forms.BooleanField(
                required=False, label=f"Save as this session's {measure.name.lower()}"
            )
        self.landmarks: dict[str, list[float]] = {}
        self.measure_values: list[MeasureValueData] = []

    def save_fields(self) -> list[forms.BoundField]:
        return [self[f"save-{key}"] for key in self.measures]

    def clean(self) -> dict:
        cleaned = super().clean()
        for landmark in LANDMARKS[self.photo.view]:
            names = [f"landmark-{landmark.name}-{axis}" for axis in ("x", "y")]
            if any(name in self.errors for name in names):
                continue
            x, y = (cleaned.get(name) for name in names)
            if x is None and y is None:
                continue
            if x is None or y is None:
                self.add_error(
                    names[0] if x is None else names[1], "Enter both x and y, or leave both empty."
                )
                continue
            self.landmarks[landmark.name] = [round(float(x) / 100, 4), round(float(y) / 100, 4)]
        if self.errors:
            return cleaned
        computed = {
            reading.key: reading
            for reading in readings(
                self.photo.view, self.landmarks, width=self.photo.width, height=self.photo.height
            )
        }
        for key, measure in self.measures.items():
            if not cleaned.get(f"save-{key}"):
                continue
            reading = computed.get(key)
            if reading is None:
                self.add_error(
                    f"save-{key}", f"Place the landmarks it needs first: {measure.name} is not known yet."
                )
                continue
            value = Decimal(f"{reading.value:.1f}")
            if not measure.min_value <= value <= measure.max_value:
                low, high = (
                    show_measure(limit, unit=measure.unit, is_test=False)
                    for limit in (measure.min_value, measure.max_value)
                )
                self.add_error(
                    f"save-{key}",
                    f"{reading.shown} is outside what the measure takes ({low} to {high}): "
                    "check the landmarks.",
                )
                continue
            self.measure_values.append(MeasureValueData(measure_id=measure.pk, value=value))
        return cleaned


def _percent_field(label: str) -> forms.DecimalField:
    limits = "Enter a value from 0 to 100 (percent of the photo)."
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        error_messages={"min_value": limits, "max_value": limits, "invalid": "Enter a number, like 42.5."},
        widget=forms.NumberInput(
            attrs={"class": "form-control form-control-sm", "inputmode": "decimal", "step": "0.01"}
        ),
    )
