from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache

from clients.roles import TRAINERS_GROUP
from tests import factories

# Kept by CI for review; gitignored. The browser tests write their screenshots here too.
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests inside a rolled-back transaction first, then the ones that commit, as Django
    orders them. pytest regroups tests around Playwright's session-wide browser fixture
    after pytest-django has sorted them; a committing test empties the tables on its way
    out, so a transaction test after it would find no catalogue and no trainers group."""

    def order(item) -> int:
        marker = item.get_closest_marker("django_db")
        commits = marker is not None and marker.kwargs.get("transaction", False)
        if commits or {"transactional_db", "live_server"} & set(item.fixturenames):
            return 1
        return 0 if marker is not None or "db" in item.fixturenames else 2

    items.sort(key=order)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keep the serialized copy of the migrations' data (catalogue, trainers group) where
    every connection object finds it: Playwright's greenlets make Django open a fresh
    connection object, which would otherwise restore nothing for serialized_rollback."""
    from django.db import connections

    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _test_settings(request, settings, tmp_path):
    """Every override the suite needs, in one place (Django swaps in the locmem mailer)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://studio.example.com"
    # Rate-limit counters live in the cache: each test starts with none. The default cache
    # is a database table, which only a test that may use the database can empty.
    uses_database = request.node.get_closest_marker("django_db") or DATABASE_FIXTURES & set(
        request.fixturenames
    )
    if uses_database:
        request.getfixturevalue("db")
    for cache in caches.all():
        if uses_database or not isinstance(cache, DatabaseCache):
            cache.clear()


@pytest.fixture
def trainer(db):
    return factories.TrainerFactory(username="alice", first_name="Alice", last_name="Archer")


@pytest.fixture
def other_trainer(db):
    return factories.TrainerFactory(username="bob", first_name="Bob", last_name="Baker")


@pytest.fixture
def client_record(trainer):
    """A client of `trainer` with a portal login, who may be assessed: consent and a screening of today."""
    return factories.ClientFactory(
        trainer=trainer, first_name="Jane", last_name="Doe", with_portal=True, assessable=True
    )


@pytest.fixture
def client_user(client_record):
    return client_record.portal_user


@pytest.fixture
def other_client_record(other_trainer):
    return factories.ClientFactory(
        trainer=other_trainer, first_name="Olly", last_name="Other", with_portal=True, assessable=True
    )


@pytest.fixture
def other_client_user(other_client_record):
    return other_client_record.portal_user


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def trainers_group(db):
    return Group.objects.get(name=TRAINERS_GROUP)


@pytest.fixture
def persona(request, trainer, other_trainer, client_user, other_client_user, admin_user):
    """Resolve a persona name from a parametrised test into a user, or None for anonymous."""
    return {
        "anonymous": None,
        "trainer": trainer,
        "other_trainer": other_trainer,
        "client": client_user,
        "other_client": other_client_user,
        "admin": admin_user,
    }


def login_as(django_client, user) -> None:
    if user is not None:
        django_client.force_login(user)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests leave files for a person to review (the browser tests' screenshots folder)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
