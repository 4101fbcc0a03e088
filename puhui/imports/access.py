"""Who may import: whoever some register's IMPORT_TABLES entry names (the office and admins for most).
Everyone else gets 404; each import service checks the rows' scope itself."""

from django.http import Http404

from puhui.core.models import User
from puhui.imports.models import ImportRun
from puhui.imports.tables import tables_for


def can_import(user) -> bool:
    return user.is_authenticated and bool(tables_for(user))


def require_importer(user) -> None:
    if not can_import(user):
        raise Http404


def access_run_by_id(user, pk: int) -> ImportRun:
    """A background import: its submitter's, or any for the office and admins; 404 otherwise."""
    require_importer(user)
    run = ImportRun.objects.filter(pk=pk).select_related("job").first()
    if run is None or (run.started_by_id != user.pk and user.role not in {User.Role.OFFICE, User.Role.ADMIN}):
        raise Http404
    return run
