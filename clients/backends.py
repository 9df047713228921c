from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from clients.roles import TRAINERS_GROUP


class StudioBackend(ModelBackend):
    """Django's backend, reading whether the user is a trainer with the user itself.

    Every signed-in request loads its user, and nearly every page then asks for the
    role: one query instead of two, on every request.
    """

    def get_user(self, user_id):
        user_model = get_user_model()
        in_trainers = Group.objects.filter(user=OuterRef("pk"), name=TRAINERS_GROUP)
        user = (
            user_model._default_manager.annotate(in_trainers_group=Exists(in_trainers))
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        user._is_trainer = user.in_trainers_group
        return user
