"""Jobs a user may start from the job page. Each app declares its own in `JOB_LAUNCHERS` of its
`plugin.py` (see `puhui/core/plugins.py`); this module names no app."""

from puhui.core import plugins
from puhui.core.models import User

Launcher = plugins.JobLauncher


def launchers() -> list[Launcher]:
    """Every installed app's launchers, in their order."""
    return plugins.job_launchers()


def launchers_for(user: User) -> list[Launcher]:
    if not user.is_authenticated:
        return []
    return [launcher for launcher in launchers() if user.role in launcher.roles]


def launcher_for(user: User, name: str) -> Launcher | None:
    return next((launcher for launcher in launchers_for(user) if launcher.name == name), None)
