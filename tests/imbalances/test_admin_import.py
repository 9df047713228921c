"""Importing a catalogue pack in the admin (upload, preview, confirm) and its audit row."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.urls import reverse

from imbalances import admin as catalogue_admin
from imbalances.catalogue_io import dumps, export_document
from imbalances.models import CatalogueImport, Measure, Muscle
from imbalances.services import catalogue_version
from tests import factories

pytestmark = pytest.mark.django_db

UPLOAD = "admin:imbalances_catalogueimport_import"
CONFIRM = "admin:imbalances_catalogueimport_import_confirm"
CHANGELIST = "admin:imbalances_catalogueimport_changelist"
EDITED = "Edited by the pack."


def edited_document() -> tuple[dict, str]:
    """The catalogue as exported, with one muscle's description changed; and that muscle's slug."""
    document = export_document()
    document["muscles"][0]["description"] = EDITED
    return document, document["muscles"][0]["slug"]


def pack_file(document: dict | None = None, name: str = "pack.json") -> SimpleUploadedFile:
    content = dumps(export_document() if document is None else document).encode("utf-8")
    return SimpleUploadedFile(name, content, content_type="application/json")


def preview(browser: HttpClient, upload: SimpleUploadedFile):
    return browser.post(reverse(UPLOAD), {"file": upload})


def signed_pack(response) -> str:
    return response.context["confirm_form"]["pack"].value()


def staff(*permissions: str, username: str = "staff"):
    user = factories.UserFactory(username=username, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="imbalances", codename__in=permissions)
    )
    return user


def test_upload_previews_the_changes_and_writes_nothing(admin_client, django_capture_on_commit_callbacks):
    document, slug = edited_document()
    before = Muscle.objects.get(slug=slug).description
    with django_capture_on_commit_callbacks() as callbacks:
        response = preview(admin_client, pack_file(document))
    assert response.status_code == 200
    assert response.context["changes"] == [f"update muscle {slug}: description"]
    html = response.content.decode()
    assert f"update muscle {slug}: description" in html
    assert 'type="hidden" name="pack"' in html and "csrfmiddlewaretoken" in html
    assert Muscle.objects.get(slug=slug).description == before
    assert not CatalogueImport.objects.exists()
    assert callbacks == []


def test_confirm_imports_and_records_who_imported_what(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    document, slug = edited_document()
    upload = pack_file(document, name="neck-update.json")
    content = upload.read()
    upload.seek(0)
    token = signed_pack(preview(admin_client, upload))
    version = catalogue_version()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse(CONFIRM), {"pack": token})

    assert response.status_code == 302 and response["Location"] == reverse(CHANGELIST)
    assert Muscle.objects.get(slug=slug).description == EDITED
    record = CatalogueImport.objects.get()
    assert record.imported_by == admin_user
    assert record.file_name == "neck-update.json"
    assert record.sha256 == hashlib.sha256(content).hexdigest()
    assert record.change_list == [f"update muscle {slug}: description"]
    assert record.changed is True
    # Once committed, the catalogue's version moved on, so no copy of the old catalogue is served.
    assert catalogue_version() != version
    changelist = admin_client.get(response["Location"]).content.decode()
    assert "Imported neck-update.json: 1 change to the catalogue." in changelist
    assert "neck-update.json" in changelist


def test_reimporting_the_catalogue_previews_that_nothing_would_change(admin_client):
    response = preview(admin_client, pack_file())
    assert response.status_code == 200
    assert response.context["changes"] == [] and response.context["confirm_form"] is None
    html = response.content.decode()
    assert "Nothing would change" in html
    assert 'name="pack"' not in html


def test_a_bad_document_is_refused_with_each_problems_path(admin_client):
    document, slug = edited_document()
    document["version"] = 99
    document["muscles"][1]["is_paired"] = "yes"
    document["patterns"][0]["colour"] = "red"
    response = preview(admin_client, pack_file(document))
    assert response.status_code == 200
    paths = [where for where, _ in response.context["problems"]]
    assert paths == ["version", "muscles[1].is_paired", "patterns[0].colour"]
    html = response.content.decode()
    for where in paths:
        assert f"<code>{where}</code>" in html
    assert "3 problems" in html
    assert response.context["confirm_form"] is None
    assert Muscle.objects.get(slug=slug).description != EDITED
    assert not CatalogueImport.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"regions: []\n", "not valid JSON"),
        (b"\xff\xfe{\x00}\x00", "not UTF-8 text"),
        (b" " * (2 * 1024 * 1024 + 1), "may be at most 2 MB"),
    ],
    ids=["not-json", "not-utf8", "too-large"],
)
def test_a_file_that_is_not_a_small_json_document_is_refused_at_the_field(admin_client, content, message):
    response = preview(admin_client, SimpleUploadedFile("pack.json", content))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert message in response.content.decode()
    assert "changes" not in response.context
    assert not CatalogueImport.objects.exists()


def test_an_upload_without_a_file_is_refused(admin_client):
    response = admin_client.post(reverse(UPLOAD), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def _forged(token: str, document: dict) -> str:
    payload = {"name": "pack.json", "text": dumps(document), "changes": []}
    return {
        "flipped": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "other-salt": signing.dumps(payload, salt="somewhere-else", compress=True),
        "unsigned": dumps(document),
    }


@pytest.mark.parametrize("forgery", ["flipped", "other-salt", "unsigned"])
def test_a_tampered_preview_is_refused_and_imports_nothing(admin_client, forgery):
    document, slug = edited_document()
    token = signed_pack(preview(admin_client, pack_file(document)))
    response = admin_client.post(reverse(CONFIRM), {"pack": _forged(token, document)[forgery]})
    assert response.status_code == 400
    assert "came back altered" in response.content.decode()
    assert Muscle.objects.get(slug=slug).description != EDITED
    assert not CatalogueImport.objects.exists()


def test_an_old_preview_is_refused(admin_client, monkeypatch):
    document, slug = edited_document()
    token = signed_pack(preview(admin_client, pack_file(document)))
    monkeypatch.setattr(catalogue_admin, "PREVIEW_MAX_AGE", timedelta(seconds=-1))
    response = admin_client.post(reverse(CONFIRM), {"pack": token})
    assert response.status_code == 400
    assert "more than an hour old" in response.content.decode()
    assert not CatalogueImport.objects.exists()


def test_a_confirm_after_the_catalogue_changed_shows_the_new_preview(admin_client):
    document, slug = edited_document()
    token = signed_pack(preview(admin_client, pack_file(document)))
    other = Muscle.objects.exclude(slug=slug).order_by("slug").first()
    other.lay_name = "changed in the admin meanwhile"
    other.save()

    response = admin_client.post(reverse(CONFIRM), {"pack": token})

    assert response.status_code == 200
    assert response.context["changes"] == [
        f"update muscle {slug}: description",
        f"update muscle {other.slug}: lay_name",
    ]
    assert "The catalogue changed since that preview" in response.content.decode()
    assert Muscle.objects.get(slug=slug).description != EDITED
    assert not CatalogueImport.objects.exists()
    # The new preview carries its own signed pack, which imports what it shows.
    response = admin_client.post(reverse(CONFIRM), {"pack": signed_pack(response)})
    assert response.status_code == 302
    assert CatalogueImport.objects.get().change_list == [
        f"update muscle {slug}: description",
        f"update muscle {other.slug}: lay_name",
    ]


def test_the_steps_that_write_need_the_csrf_token(admin_user):
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    assert browser.post(reverse(UPLOAD), {"file": pack_file()}).status_code == 403
    assert browser.post(reverse(CONFIRM), {"pack": "x"}).status_code == 403


def test_confirm_answers_post_only(admin_client):
    assert admin_client.get(reverse(CONFIRM)).status_code == 405


@pytest.mark.parametrize("name", [UPLOAD, CONFIRM])
def test_non_staff_are_sent_to_the_admin_login(client, trainer, name):
    client.force_login(trainer)
    for response in (client.get(reverse(name)), client.post(reverse(name), {"file": pack_file()})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert not CatalogueImport.objects.exists()


def test_staff_without_the_import_permission_are_refused(client, admin_client):
    document, slug = edited_document()
    token = signed_pack(preview(admin_client, pack_file(document)))
    client.force_login(staff("view_catalogueimport"))
    assert client.get(reverse(UPLOAD)).status_code == 403
    assert client.post(reverse(UPLOAD), {"file": pack_file(document)}).status_code == 403
    assert client.post(reverse(CONFIRM), {"pack": token}).status_code == 403
    changelist = client.get(reverse(CHANGELIST))
    assert changelist.status_code == 200
    assert reverse(UPLOAD) not in changelist.content.decode()
    assert Muscle.objects.get(slug=slug).description != EDITED
    assert not CatalogueImport.objects.exists()


def test_staff_with_the_import_permission_import_from_the_changelist(client):
    user = staff("view_catalogueimport", "add_catalogueimport")
    client.force_login(user)
    assert reverse(UPLOAD) in client.get(reverse(CHANGELIST)).content.decode()
    document, _ = edited_document()
    token = signed_pack(preview(client, pack_file(document)))
    assert client.post(reverse(CONFIRM), {"pack": token}).status_code == 302
    assert CatalogueImport.objects.get().imported_by == user


def test_the_audit_trail_is_read_only(admin_client, admin_user):
    record = CatalogueImport.objects.create(
        imported_by=admin_user, file_name="pack.json", sha256="0" * 64, changes="a\nb", changed=True
    )
    assert admin_client.get(reverse("admin:imbalances_catalogueimport_add")).status_code == 403
    change_url = reverse("admin:imbalances_catalogueimport_change", args=[record.pk])
    assert admin_client.get(change_url).status_code == 200
    assert admin_client.post(change_url, {"file_name": "other.json"}).status_code == 403
    delete_url = reverse("admin:imbalances_catalogueimport_delete", args=[record.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    record.refresh_from_db()
    assert record.file_name == "pack.json"
    changelist = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert '<td class="field-change_count">2</td>' in changelist
    assert reverse(UPLOAD) in changelist


def test_the_command_records_each_import(tmp_path):
    document, slug = edited_document()
    path = tmp_path / "studio-pack.json"
    path.write_text(dumps(document), encoding="utf-8")
    call_command("import_catalogue", str(path), "--dry-run", stdout=StringIO())
    assert not CatalogueImport.objects.exists()

    call_command("import_catalogue", str(path), stdout=StringIO())
    call_command("import_catalogue", str(path), stdout=StringIO())

    first, again = CatalogueImport.objects.order_by("pk")
    assert first.imported_by is None
    assert first.file_name == "studio-pack.json"
    assert first.sha256 == again.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (first.change_list, first.changed) == ([f"update muscle {slug}: description"], True)
    assert (again.change_list, again.changed) == ([], False)
    assert Muscle.objects.get(slug=slug).description == EDITED


def test_a_command_import_that_fails_records_nothing(tmp_path):
    document, _ = edited_document()
    document["version"] = 99
    path = tmp_path / "bad.json"
    path.write_text(dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match="problem"):
        call_command("import_catalogue", str(path), stdout=StringIO(), stderr=StringIO())
    assert not CatalogueImport.objects.exists()


def test_the_preview_names_measure_changes_and_a_bad_measure_by_its_path(admin_client):
    document = export_document()
    document["measures"] = [
        {
            "slug": "neck-angle",
            "name": "Neck angle",
            "unit": "°",
            "better": "higher",
            "min_value": 0,
            "max_value": 90,
        },
        {"slug": "hip-test", "name": "Hip test", "better": "pass", "per_side": True},
    ]
    response = preview(admin_client, pack_file(document))
    assert response.context["changes"] == ["create measure neck-angle", "create measure hip-test"]
    assert "create measure hip-test" in response.content.decode()
    assert not Measure.objects.exists()

    document["measures"][0]["max_value"] = None
    response = preview(admin_client, pack_file(document))
    assert response.context["problems"] == [
        (
            "measures[0].max_value",
            "missing: a measure where higher is better needs its lowest and highest value",
        )
    ]
