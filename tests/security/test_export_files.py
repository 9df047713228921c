"""An export's file is whole or absent: a build whose save fails partway leaves nothing in storage."""

import errno
import os

import pytest
from django.core.files.storage import FileSystemStorage, default_storage

from security.models import ClientExport
from security.services import client_export_build

pytestmark = pytest.mark.django_db


def test_an_export_whose_save_fails_partway_leaves_no_file(trainer, client_record, monkeypatch):
    def save_half(storage, name, content):
        """A disk that fills up halfway through the file."""
        path = storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as partial:
            partial.write(content.read(100))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", save_half)
    export = ClientExport.objects.create(client=client_record, requested_by=trainer)

    with pytest.raises(OSError):
        client_export_build(export_id=export.pk)

    export.refresh_from_db()
    assert (export.status, export.file_name) == ("failed", "")
    folder = f"exports/{client_record.pk}"
    assert not default_storage.exists(folder) or default_storage.listdir(folder) == ([], [])
