"""Reads of the imports app."""

from puhui.imports.models import ImportRun


def stored_run_paths() -> set[str]:
    """Every large upload still waiting on disk for its background import (sealed under the field key):
    key rotation re-encrypts them (the app's `KEY_ROTATION`), so a run queued before `puhui rotate_key`
    still opens its file once the old key is removed."""
    return set(ImportRun.objects.exclude(path="").values_list("path", flat=True))
