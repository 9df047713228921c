from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission

from tests import factories
from tests.security.urlwalk import World, build_world


@pytest.fixture
def world(trainer, other_trainer, client_record, other_client_record, admin_user) -> World:
    """Real rows of every kind the URL walk fills its URLs with."""
    return build_world(
        trainer=trainer,
        other_trainer=other_trainer,
        client_record=client_record,
        other_client_record=other_client_record,
        admin_user=admin_user,
    )


@pytest.fixture
def staff_with(db) -> Callable[..., object]:
    """Makes a staff user (not a superuser) holding exactly the permissions named
    ("clients.export_client", ...)."""

    def make(*permissions: str, username: str = "staff") -> object:
        user = factories.UserFactory(username=username, is_staff=True)
        for name in permissions:
            app_label, codename = name.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return user

    return make


@pytest.fixture
def catalogue_staff(db) -> object:
    """A studio admin who may edit the catalogue and nothing else."""
    user = factories.UserFactory(username="editor", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="imbalances"))
    return user
