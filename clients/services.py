"""Writes on clients, their screenings, clearances and overrides, and their portal accounts."""

import logging
from datetime import date
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clients.models import (
    AssessmentOverride,
    Client,
    MedicalClearance,
    Screening,
    details_field,
    letter_file_name,
)
from studio.branding import trainer_name, trainer_signature
from studio.models import Studio

logger = logging.getLogger(__name__)

# What a write can fail with when the database is down, a lock or statement timed out or the
# connection dropped: nothing was written (each service is one transaction), and the same
# call may well succeed if tried again. Any other database error is a bug.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Said next to a form whose save failed so: everything typed is still in it.
NOT_SAVED = "Not saved — the database did not answer in time. Everything you typed is still here: try again."


def nothing_changed(what: str) -> str:
    """Said after an action the database did not answer in time: '<what> — … Nothing changed'."""
    return f"{what} — the database did not answer in time. Nothing changed: try again."


PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "date_of_birth", "goals", "health_notes")


class PortalError(Exception):
    """The portal invitation cannot go ahead; the message is for the trainer."""


def _apply_consent(*, client: Client, consent: str, given: bool, by: AbstractBaseUser) -> None:
    """`consent` names one: "consent" (to assessment and records) or "photo_consent"."""
    # Keep the original date and recorder while consent stands; clear both when withdrawn.
    if given and getattr(client, f"{consent}_given_at") is None:
        setattr(client, f"{consent}_given_at", timezone.now())
        setattr(client, f"{consent}_recorded_by", by)
    elif not given:
        setattr(client, f"{consent}_given_at", None)
        setattr(client, f"{consent}_recorded_by", None)


@transaction.atomic
def client_create(
    *, trainer: AbstractBaseUser, data: dict, consent: bool, photo_consent: bool = False
) -> Client:
    """Creates a client owned by `trainer`; `data` holds profile fields only."""
    client = Client(trainer=trainer, **{field: data[field] for field in PROFILE_FIELDS if field in data})
    _apply_consent(client=client, consent="consent", given=consent, by=trainer)
    _apply_consent(client=client, consent="photo_consent", given=photo_consent, by=trainer)
    client.full_clean()
    client.save()
    return client


@transaction.atomic
def client_update(
    *, client: Client, data: dict, consent: bool, by: AbstractBaseUser, photo_consent: bool | None = None
) -> Client:
    """`photo_consent` None leaves the consent to photos as it is."""
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(client, field, data[field])
    _apply_consent(client=client, consent="consent", given=consent, by=by)
    if photo_consent is not None:
        _apply_consent(client=client, consent="photo_consent", given=photo_consent, by=by)
    client.full_clean()
    client.save()
    return client


@transaction.atomic
def client_archive(*, client: Client) -> Client:
    """Hides the client from the everyday list; every record stays."""
    client.is_archived = True
    client.save(update_fields=["is_archived", "updated_at"])
    return client


@transaction.atomic
def client_restore(*, client: Client) -> Client:
    client.is_archived = False
    client.save(update_fields=["is_archived", "updated_at"])
    return client


@transaction.atomic
def screening_record(
    *,
    client: Client,
    screened_on: date,
    answers: dict[str, bool],
    by: AbstractBaseUser,
    details: dict[str, str] | None = None,
    notes: str = "",
    confirmed_name: str = "",
    confirmed_on: date | None = None,
) -> Screening:
    """`details` holds what the client said about yes answers, by question; what it says about
    a no is not kept."""
    unknown = set(answers) ^ set(Screening.QUESTIONS)
    if unknown:
        raise ValueError(f"Screening answers do not match the questions: {sorted(unknown)}")
    details = details or {}
    if set(details) - set(Screening.QUESTIONS):
        raise ValueError(f"Details for unknown questions: {sorted(set(details) - set(Screening.QUESTIONS))}")
    screening = Screening.objects.create(
        client=client,
        screened_on=screened_on,
        recorded_by=by,
        notes=notes,
        confirmed_name=confirmed_name,
        confirmed_on=confirmed_on,
        **answers,
        **{details_field(field): text for field, text in details.items() if answers[field]},
    )
    # The client's activity date follows their records.
    client.save(update_fields=["updated_at"])
    return screening


def clearance_letter_store(*, client: Client, upload: File, extension: str) -> str:
    """Writes a clearance letter to the default storage and returns its name there.

    Written before the row that names it: the caller deletes it with clearance_letter_discard()
    when that row is not saved.
    """
    return default_storage.save(letter_file_name(client.pk, extension), upload)


def storage_delete(names: list[str]) -> None:
    """Deletes these files from storage once no row names them any more. Every app that stores
    files (letters, photos, rendered reports) deletes them through this."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            # Nothing names it any more; a file left behind is logged for the admin to remove.
            logger.exception("Could not delete the stored file %s", name)


def clearance_letter_discard(*, name: str) -> None:
    """Deletes a stored letter that no row names (its save failed, or its client was erased)."""
    storage_delete([name] if name else [])


@transaction.atomic
def clearance_record(
    *, screening: Screening, cleared_on: date, cleared_by: str, letter: str, by: AbstractBaseUser
) -> MedicalClearance:
    """Records a medical clearance of `screening`, naming a letter already stored (or "").

    Raises IntegrityError when the screening has a clearance already.
    """
    clearance = MedicalClearance.objects.create(
        screening=screening, cleared_on=cleared_on, cleared_by=cleared_by, letter=letter, recorded_by=by
    )
    screening.client.save(update_fields=["updated_at"])
    return clearance


@transaction.atomic
def assessment_override_record(
    *, client: Client, by: AbstractBaseUser, reason: str, missing: list[str]
) -> AssessmentOverride:
    """Records why `by` assesses `client` although `missing` is missing; see AssessmentOverride
    for what it then allows."""
    override = AssessmentOverride(client=client, trainer=by, reason=reason, missing=missing)
    override.full_clean()
    override.save()
    return override


def portal_set_password_url(user: AbstractBaseUser) -> str:
    """An absolute, single-use link valid for PASSWORD_RESET_TIMEOUT seconds.

    The token covers the password hash, so it dies once a password is set or reset.
    """
    path = reverse(
        "portal:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def _portal_account(client: Client) -> AbstractBaseUser:
    """The client's own portal user, created or brought up to date with their e-mail.

    Raises PortalError when the e-mail is missing or belongs to another account: reusing an
    account that is not this client's would hand someone else's login to the client.
    """
    email = client.email.strip().lower()
    if not email:
        raise PortalError(f"Add {client.full_name}'s e-mail address before inviting them to the portal.")
    user_model = get_user_model()
    taken = user_model.objects.filter(username__iexact=email)
    if client.portal_user_id is not None:
        taken = taken.exclude(pk=client.portal_user_id)
    if taken.exists():
        raise PortalError(f"The e-mail address {email} already belongs to another account.")

    user = client.portal_user
    if user is None:
        user = user_model(username=email)
    user.username = email
    user.email = email
    user.first_name = client.first_name[:150]
    user.last_name = client.last_name[:150]
    user.is_active = True
    user.is_staff = False
    user.is_superuser = False
    return user


def portal_invite(*, client: Client, by: AbstractBaseUser) -> AbstractBaseUser:
    """Creates or reactivates the client's portal account and e-mails a set-password link.

    Every invitation gives the account a fresh unusable password: the links' tokens cover
    the password hash, so only the newest link works, and a client who had a password
    chooses a new one through it (their sessions end with the old one).
    """
    with transaction.atomic():
        client = (
            Client.objects.select_for_update(of=("self",))
            .select_related("portal_user", "trainer")
            .get(pk=client.pk)
        )
        user = _portal_account(client)
        user.set_unusable_password()
        user.save()
        if client.portal_user_id != user.pk:
            client.portal_user = user
            client.save(update_fields=["portal_user", "updated_at"])
        link = portal_set_password_url(user)
        context = {
            "client": client,
            "studio": Studio.current(),
            "trainer_name": trainer_name(client.trainer),
            "trainer_signature": trainer_signature(client.trainer),
            "link": link,
            "username": user.username,
        }
        send_mail(
            subject=render_to_string("clients/email/portal_invite_subject.txt", context).strip(),
            message=render_to_string("clients/email/portal_invite.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    return user


def portal_revoke(*, client: Client) -> None:
    """Deactivates the client's portal account, ends its sessions and voids its links."""
    user = client.portal_user
    if user is None:
        return
    with transaction.atomic():
        user.is_active = False
        # A new unusable password voids pending set-password links and session hashes.
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
        user_sessions_end(user=user)


def user_sessions_end(*, user: AbstractBaseUser) -> None:
    """Ends every live session of `user`, on every device.

    Sessions are stored encoded, so this reads each live one: fine for a studio's few
    hundred sessions, and it runs only on sign-out, revocation and erasure. Each is deleted
    through the session engine, so that its copy in the cache goes with its row.
    """
    user_id = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session_key in stale:
        store(session_key=session_key).delete()
