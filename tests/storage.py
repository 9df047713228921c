"""What the default storage holds, for tests that check files come and go."""

from django.core.files.storage import default_storage


def stored_files(path: str = "") -> set[str]:
    """Every file in the default storage under `path`, by name."""
    if not default_storage.exists(path):
        return set()
    folders, files = default_storage.listdir(path)
    found = {f"{path}/{name}".lstrip("/") for name in files}
    for folder in folders:
        found |= stored_files(f"{path}/{folder}".lstrip("/"))
    return found
