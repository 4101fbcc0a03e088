"""On a database with data but no demo county, `puhui demo` refuses even with --if-empty.

A module of its own: the county generated for test_command.py must not be there.
"""

import io

import pytest
from django.core.management import CommandError, call_command

from puhui.core.models import Division, User


def test_refuses_any_existing_data(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    User.objects.create(username="someone")
    with pytest.raises(CommandError, match="数据库中已有数据"):
        call_command("demo", "--if-empty", scale=0.02, stdout=io.StringIO())
    assert not Division.objects.exists()


@pytest.mark.parametrize("scale", ["0", "-1", "21"])
def test_scale_out_of_range(db, scale):
    with pytest.raises(CommandError, match="--scale"):
        call_command("demo", "--scale", scale, stdout=io.StringIO())
    assert not Division.objects.exists()
