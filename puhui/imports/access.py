"""Who may import: whoever some register's IMPORT_TABLES entry names (the office and admins for most).
Everyone else gets 404; each import service checks the rows' scope itself.

An API token (`TokenActor`) is checked with its organisation's virtual user; a background run it submitted
is its own (`ImportRun.started_by_token`), as a user's run is that user's."""

from django.http import Http404

from puhui.api.access import TokenActor, acting_user
from puhui.core.models import User
from puhui.imports.models import ImportRun
from puhui.imports.tables import tables_for

# They follow every background import, as they do every job.
RUN_READERS = frozenset({User.Role.OFFICE, User.Role.ADMIN})


def can_import(user) -> bool:
    return user.is_authenticated and bool(tables_for(user))


def require_importer(user) -> None:
    if not can_import(user):
        raise Http404


def is_run_starter(actor, run: ImportRun) -> bool:
    if isinstance(actor, TokenActor):
        return run.started_by_token_id == actor.token.pk
    return run.started_by_id is not None and run.started_by_id == actor.pk


def access_run_by_id(actor, pk: int) -> ImportRun:
    """A background import: its submitter's (a user or an API token), or any for the office and admins; 404
    otherwise. `actor` is a user or a `TokenActor`."""
    user = acting_user(actor)
    require_importer(user)
    run = ImportRun.objects.filter(pk=pk).select_related("job").first()
    if run is None or not (user.role in RUN_READERS or is_run_starter(actor, run)):
        raise Http404
    return run
