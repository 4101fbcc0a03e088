"""Who may import tables: the leading group's office and administrators. Everyone else gets 404."""

from django.http import Http404

from puhui.core.models import User

IMPORT_ROLES = frozenset({User.Role.OFFICE, User.Role.ADMIN})


def can_import(user) -> bool:
    return user.is_authenticated and user.role in IMPORT_ROLES


def require_importer(user) -> None:
    if not can_import(user):
        raise Http404
