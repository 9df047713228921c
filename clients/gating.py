"""Whether a client may be assessed: the one rule that the client page and the new-assessment
view both apply.

A client is assessed only with their consent recorded and a screening from the last 12 months
that needs no medical clearance, or whose clearance is recorded. Otherwise their trainer may
record a reason to assess anyway (an AssessmentOverride), which lets them start one new
assessment that day.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from clients.models import AssessmentOverride, AssessmentOverrideQuerySet, Client, Screening


@dataclass(frozen=True)
class Missing:
    """One thing missing before a client may be assessed, and where to put it right."""

    # Stable, for pages and tests: "no-consent", "screening-due" or "needs-clearance".
    code: str
    text: str
    fix_label: str
    fix_url: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Gate:
    missing: list[Missing]
    # The client's latest screening, as the rule read it.
    screening: Screening | None
    # The override that lets this trainer assess anyway, when something is missing.
    override: AssessmentOverride | None

    @property
    def blocked(self) -> bool:
        return bool(self.missing) and self.override is None


def assessment_missing(*, client: Client, screening: Screening | None) -> list[Missing]:
    """What is missing before `client` may be assessed, in plain words and in the order to put
    it right: consent, a screening from the last 12 months, a medical clearance when that
    screening had a yes answer. Empty when nothing is.

    `screening` is the client's latest, read with select_related("clearance"), so that this
    asks nothing of the database.
    """
    missing = []
    if client.consent_given_at is None:
        missing.append(
            Missing(
                code="no-consent",
                text="No consent recorded.",
                fix_label="Record the client's consent",
                fix_url=reverse("clients:update", kwargs={"pk": client.pk}),
            )
        )
    screening_url = reverse("clients:screening", kwargs={"pk": client.pk})
    if screening is None:
        missing.append(
            Missing(
                code="screening-due",
                text="No screening recorded.",
                fix_label="Record a screening",
                fix_url=screening_url,
            )
        )
    elif screening.is_due:
        # A clearance of an out-of-date screening would not help: the screening comes first.
        missing.append(
            Missing(
                code="screening-due",
                text=f"The last screening, on {_day(screening.screened_on)}, is more than 12 months old.",
                fix_label="Record a screening",
                fix_url=screening_url,
            )
        )
    elif screening.awaits_clearance:
        missing.append(
            Missing(
                code="needs-clearance",
                text=f"The screening on {_day(screening.screened_on)} needs medical clearance.",
                fix_label="Record medical clearance",
                fix_url=reverse("clients:clearance", kwargs={"pk": client.pk, "screening_pk": screening.pk}),
            )
        )
    return missing


def usable_override(
    overrides: Iterable[AssessmentOverride], *, by: AbstractBaseUser, today: date | None = None
) -> AssessmentOverride | None:
    """The override among `overrides` (annotated with_spent()) that lets `by` start a new
    assessment: recorded by them today, and not spent by an assessment created after it."""
    today = today or timezone.localdate()
    for override in overrides:
        if (
            override.trainer_id == by.pk
            and timezone.localdate(override.created_at) == today
            and not override.spent
        ):
            return override
    return None


def assessment_gate(
    *,
    client: Client,
    screening: Screening | None,
    overrides: Iterable[AssessmentOverride],
    by: AbstractBaseUser,
) -> Gate:
    """Whether `by` may start a new assessment of `client`, and what is missing if not.

    `overrides` are read only when something is missing: a queryset costs no query otherwise.
    """
    missing = assessment_missing(client=client, screening=screening)
    override = usable_override(overrides, by=by) if missing else None
    return Gate(missing=missing, screening=screening, override=override)


def latest_screening(client: Client) -> Screening | None:
    """The client's latest screening with its clearance and recorder: one query."""
    return client.screenings.select_related("clearance", "recorded_by").first()


def todays_overrides(client: Client, by: AbstractBaseUser) -> AssessmentOverrideQuerySet:
    """The overrides `by` recorded for `client` today, newest first: the only ones that may be usable."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return client.assessment_overrides.with_spent().filter(trainer=by, created_at__gte=start)


def load_gate(*, client: Client, by: AbstractBaseUser) -> Gate:
    """The gate as the new-assessment view sees it: one query, two when something is missing."""
    return assessment_gate(
        client=client,
        screening=latest_screening(client),
        overrides=todays_overrides(client, by),
        by=by,
    )


def _day(day: date) -> str:
    return date_format(day, "j M Y")
