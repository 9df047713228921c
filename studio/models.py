"""The studio's own details (name, logo, colour, contact) and how its trainers are named to clients."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator, URLValidator
from django.db import models
from django.template.defaultfilters import filesizeformat

DEFAULT_NAME = "Trainer Studio"
# Bootstrap's darker blue: white text on it has a contrast of 5.8:1.
DEFAULT_ACCENT = "#0b5ed7"
# WCAG AA for normal text: white writing on the accent colour stays readable on pages and PDFs.
MIN_CONTRAST_WITH_WHITE = 4.5
HEX_COLOUR = r"^#[0-9A-Fa-f]{6}$"
HEX_COLOUR_MESSAGE = f"Enter the colour as # and six hexadecimal digits, such as {DEFAULT_ACCENT}."
# The studio has one record, always under this key: the database refuses any other.
SINGLE_ID = 1

MAX_LOGO_MB = 1
MAX_LOGO_BYTES = MAX_LOGO_MB * 1024 * 1024
# What every browser and WeasyPrint show; Pillow reads more (TIFF, BMP) that a page could not display.
LOGO_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]


def validate_logo_size(image) -> None:
    if image.size > MAX_LOGO_BYTES:
        raise ValidationError(
            f"This logo is too large ({filesizeformat(image.size)}): a logo may be at most {MAX_LOGO_MB} MB. "
            "Save it smaller (say 600 pixels wide) and upload it again."
        )


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of white text on a #rrggbb colour, from 1 (none) to 21."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 1.05 / (luminance + 0.05)


def validate_readable_with_white(colour: str) -> None:
    # A value that is not a colour at all gets the format's message only.
    if not re.fullmatch(HEX_COLOUR, colour):
        return
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST_WITH_WHITE:
        raise ValidationError(
            f"White text on {colour} would be hard to read (contrast {ratio:.1f}:1, at least "
            f"{MIN_CONTRAST_WITH_WHITE}:1 is needed). Choose a darker colour."
        )


class Studio(models.Model):
    """The studio's name, logo, accent colour and contact details, as headers, e-mails and PDFs show them.

    One record: `Studio.current()` reads it, or gives the defaults while none is saved.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLE_ID, editable=False)
    name = models.CharField(max_length=100, default=DEFAULT_NAME, help_text="As clients see it.")
    logo = models.ImageField(
        upload_to="studio/",
        blank=True,
        help_text=f"A JPEG, PNG, WebP or GIF picture of at most {MAX_LOGO_MB} MB, shown small by the name.",
        validators=[FileExtensionValidator(LOGO_EXTENSIONS), validate_logo_size],
    )
    accent_colour = models.CharField(
        "accent colour",
        max_length=7,
        default=DEFAULT_ACCENT,
        help_text=f"A # and six hexadecimal digits, such as {DEFAULT_ACCENT}, dark enough for white text.",
        validators=[
            RegexValidator(HEX_COLOUR, message=HEX_COLOUR_MESSAGE),
            validate_readable_with_white,
        ],
    )
    address = models.TextField(blank=True, help_text="One line per line of the address.")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField("e-mail", blank=True)
    website = models.URLField(blank=True, validators=[URLValidator(schemes=["https", "http"])])

    class Meta:
        verbose_name = "studio"
        verbose_name_plural = "studio"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=SINGLE_ID), name="studio_single_record"),
            models.CheckConstraint(
                condition=models.Q(accent_colour__regex=HEX_COLOUR), name="studio_accent_colour_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "Studio":
        """The saved studio, or an unsaved one with the defaults while there is none. One query."""
        return cls.objects.filter(pk=SINGLE_ID).first() or cls()

    @property
    def contact_lines(self) -> list[str]:
        """The address line by line, then phone, e-mail and website: what is printed under the name."""
        lines = [line.strip() for line in self.address.splitlines() if line.strip()]
        return lines + [value for value in (self.phone, self.email, self.website) if value]


class TrainerProfile(models.Model):
    """How a trainer is named to clients on pages, e-mails and PDFs."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainer_profile"
    )
    display_name = models.CharField(
        "display name",
        max_length=150,
        blank=True,
        help_text="As clients see it, such as “Tom Trainer”. Left empty, the account's full name is used.",
    )
    credentials = models.CharField(
        max_length=200, blank=True, help_text="Qualifications shown after the name, such as “BSc, NASM-CES”."
    )

    class Meta:
        verbose_name = "trainer profile"

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()
