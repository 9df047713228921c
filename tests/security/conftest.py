import pytest

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
