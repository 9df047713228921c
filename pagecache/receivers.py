"""What invalidates cached pages: every save or delete of the models they show.

Findings are not listed: they change only through `assessment_save`, which also saves
their assessment. Signals run inside the writer's transaction, so the new stamp and the
new data become visible together.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from assessments.models import Assessment
from clients.models import Client, Screening
from imbalances.models import Muscle, Pattern, PatternMuscle, Region
from pagecache.stamps import CATALOGUE, bump, trainer_scope

CATALOGUE_MODELS = (Region, Pattern, Muscle, PatternMuscle)


def _catalogue_changed(sender, **kwargs) -> None:
    bump(CATALOGUE)


for model in CATALOGUE_MODELS:
    post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"pagecache_save_{model.__name__}")
    post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"pagecache_delete_{model.__name__}")


@receiver(pre_save, sender=Client, dispatch_uid="pagecache_client_trainer_before")
def _remember_trainer(sender, instance: Client, **kwargs) -> None:
    # A client moved to another trainer must leave the first trainer's pages too.
    instance._trainer_before = (
        Client.objects.filter(pk=instance.pk).values_list("trainer_id", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Client, dispatch_uid="pagecache_client_saved")
@receiver(post_delete, sender=Client, dispatch_uid="pagecache_client_deleted")
def _client_changed(sender, instance: Client, **kwargs) -> None:
    before = getattr(instance, "_trainer_before", None)
    bump(*(trainer_scope(pk) for pk in {instance.trainer_id, before} if pk is not None))


@receiver(post_save, sender=Screening, dispatch_uid="pagecache_screening_saved")
@receiver(post_delete, sender=Screening, dispatch_uid="pagecache_screening_deleted")
@receiver(post_save, sender=Assessment, dispatch_uid="pagecache_assessment_saved")
@receiver(post_delete, sender=Assessment, dispatch_uid="pagecache_assessment_deleted")
def _client_data_changed(sender, instance: Screening | Assessment, **kwargs) -> None:
    if sender.client.is_cached(instance):
        trainer_id = instance.client.trainer_id
    else:
        trainer_id = Client.objects.filter(pk=instance.client_id).values_list("trainer_id", flat=True).first()
    if trainer_id is not None:
        bump(trainer_scope(trainer_id))


@receiver(post_save, sender=get_user_model(), dispatch_uid="pagecache_user_saved")
@receiver(pre_delete, sender=get_user_model(), dispatch_uid="pagecache_user_deleted")
def _user_changed(sender, instance, **kwargs) -> None:
    """Accounts are named on pages: a trainer's on their clients' pages, a portal account's
    state on its client's page, and whoever recorded a consent or a screening on that
    client's page. Before a delete, while those links still exist (Django then clears
    them with plain UPDATEs, which send no signal)."""
    # Two queries, each on indexed columns: one OR across the join to screenings would
    # scan both tables, and this runs at every sign-in (Django saves last_login).
    clients = Client.objects.filter(Q(portal_user=instance) | Q(consent_recorded_by=instance))
    screenings = Screening.objects.filter(recorded_by=instance)
    trainer_ids = {
        instance.pk,
        *clients.order_by().values_list("trainer_id", flat=True).distinct(),
        *screenings.order_by().values_list("client__trainer_id", flat=True).distinct(),
    }
    bump(*(trainer_scope(pk) for pk in trainer_ids))
