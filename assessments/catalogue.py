"""Reading the catalogue for the assessment form, in a fixed number of queries."""

from django.db.models import Prefetch, Q

from assessments.models import Side
from imbalances.models import Pattern, PatternMuscle, RelativeSide


def form_patterns(*, keep_pattern_ids: set[int] = frozenset()) -> list[Pattern]:
    """Active patterns, plus retired ones an existing assessment still refers to.

    Each pattern carries `pattern_muscles` (with `muscle`) prefetched. Two queries.
    """
    return list(
        Pattern.objects.filter(Q(is_active=True) | Q(pk__in=keep_pattern_ids))
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "pattern_muscles",
                queryset=PatternMuscle.objects.select_related("muscle").order_by(
                    "role", "side", "muscle__name"
                ),
            )
        )
        .order_by("region__display_order", "region__name", "display_order", "name")
    )


def opposite(side: str) -> str:
    return {Side.LEFT: Side.RIGHT, Side.RIGHT: Side.LEFT}.get(side, side)


def expected_muscle_side(link: PatternMuscle, pattern_side: str) -> str:
    """Which side a muscle is expected on, given the side the pattern was seen on."""
    if not link.muscle.is_paired or not pattern_side:
        return Side.BOTH
    if link.side == RelativeSide.SAME:
        return pattern_side
    if link.side == RelativeSide.OPPOSITE:
        return opposite(pattern_side)
    return Side.BOTH


def expectation_text(link: PatternMuscle) -> str:
    """'expected over-active, same side as the tilt': what the trainer confirms."""
    text = f"expected {link.get_role_display()}"
    if link.side == RelativeSide.SAME:
        text += ", same side as the tilt"
    elif link.side == RelativeSide.OPPOSITE:
        text += ", opposite side to the tilt"
    elif link.muscle.is_paired:
        text += ", both sides"
    return text
