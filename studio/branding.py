"""How the studio names its trainers to clients.

Each function may query the user's trainer profile once; Django keeps the answer (found or not)
on the user object, so asking again costs nothing.
"""

from django.contrib.auth.base_user import AbstractBaseUser


def trainer_name(user: AbstractBaseUser) -> str:
    """The profile's display name, else the account's full name, else its username."""
    profile = getattr(user, "trainer_profile", None)
    return (profile and profile.display_name) or user.get_full_name() or user.get_username()


def trainer_signature(user: AbstractBaseUser) -> str:
    """The trainer's name with their credentials after it, as a letter is signed: "Tom Trainer, BSc"."""
    profile = getattr(user, "trainer_profile", None)
    name = trainer_name(user)
    return f"{name}, {profile.credentials}" if profile and profile.credentials else name
