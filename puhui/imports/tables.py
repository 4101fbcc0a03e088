"""The registers that can be imported: every installed app's `IMPORT_TABLES` (puhui/core/plugins.py),
resolved to their spec, import service and template."""

from dataclasses import dataclass
from functools import partial

from django.http import Http404
from django.utils.module_loading import import_string

from puhui.core.plugins import ImportTable, import_tables
from puhui.imports.blank_forms import template_xlsx
from puhui.imports.tabular import TableSpec


@dataclass(frozen=True)
class Table:
    entry: ImportTable

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def spec(self) -> TableSpec:
        return import_string(self.entry.spec)

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def run(self):
        return import_string(self.entry.run)

    def template(self) -> bytes:
        build = (
            import_string(self.entry.template) if self.entry.template else partial(template_xlsx, self.spec)
        )
        return build()


def tables() -> dict[str, Table]:
    return {entry.name: Table(entry) for entry in import_tables()}


def tables_for(user) -> dict[str, Table]:
    """The registers this user may import on the page (the import service still checks each row's scope)."""
    return {name: t for name, t in tables().items() if user.is_authenticated and t.entry.visible_to(user)}


def table_for(user, name: str) -> Table:
    """One register this user may import; 404 otherwise (missing and forbidden look the same)."""
    table = tables_for(user).get(name)
    if table is None:
        raise Http404
    return table
