"""The demo studio: its name, contact details and logo, and how its trainers are named. Idempotent."""

import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from studio.models import SINGLE_ID, Studio, TrainerProfile

DEMO_STUDIO = {
    "name": "Northside Movement Studio",
    "accent_colour": "#0b5ed7",
    "address": "Unit 4, Mill Yard\n12 Canal Street\nManchester M4 6AB",
    "phone": "0161 496 0123",
    "email": "hello@northside-movement.example.com",
    "website": "https://northside-movement.example.com",
}
DEMO_INITIALS = "NM"
# By username, as clients/demo.py creates the trainers: (display name, credentials).
DEMO_PROFILES = {
    "trainer": ("Tom Trainer", "BSc Sport Science, NASM-CES"),
    "trainer2": ("Tess Tutor", "Level 3 Personal Trainer"),
}


def _logo_png(*, initials: str, colour: str, size: int = 256) -> bytes:
    """A square of the accent colour with the initials in white: a raster, as the logo field takes."""
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size // 2.5)
    draw.text((size / 2, size / 2), initials, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def load_studio() -> Studio:
    """Creates the demo studio with its logo, and the profiles of the demo trainers that exist, once;
    later runs leave what is there (perhaps edited in the admin) as it is."""
    studio, created = Studio.objects.get_or_create(pk=SINGLE_ID, defaults=DEMO_STUDIO)
    if created:
        studio.logo.save(
            "northside-logo.png",
            ContentFile(_logo_png(initials=DEMO_INITIALS, colour=studio.accent_colour)),
            save=True,
        )
    for user in get_user_model().objects.filter(username__in=DEMO_PROFILES):
        display_name, credentials = DEMO_PROFILES[user.username]
        TrainerProfile.objects.get_or_create(
            user=user, defaults={"display_name": display_name, "credentials": credentials}
        )
    return studio
