"""The API's path parameters and list answers for bench/bench_security.py, gathered from every area: a path id is
in scope when it is in the token's scope (`api.access.scope_user_for_token`) by the app's access queryset, and
every item of a listed answer must be. Parameters not judged (`code`, `number`) get plausible values here."""

from bench import security_params_convenience as convenience
from bench.security_params_cases import cases_api_lists, cases_api_params
from bench.security_params_core import core_shared, form_codes
from bench.security_params_evaluation import evaluation_api_lists
from bench.security_params_smallfirm import smallfirm_api_lists, smallfirm_api_params
from bench.security_params_tools import tools_api_params
from puhui.core import access as core_access
from puhui.core.models import ServicePoint


def api_path_params(IdParam, scope) -> dict:
    """Path parameter name → IdParam (None: filled by `unjudged_values`, not judged)."""
    shared = core_shared(IdParam, scope)
    return {
        "org_id": shared["organisation"],
        "point_id": IdParam(ServicePoint, scope(core_access.service_points_for, ServicePoint)),
        "report_id": shared["report"],
        "line_id": shared["line"],
        "upload_id": shared["upload"],
        "submission_id": shared["submission"],
        "code": None,  # divisions/{code} (public statistics) and data/forms/{code}
        "number": None,  # plan/tasks/{number}: the task's number in the current plan
        **tools_api_params(IdParam, scope),
        **smallfirm_api_params(IdParam, scope),
        **cases_api_params(IdParam, scope),
    }


def unjudged_values(name: str) -> list:
    """Values for a path parameter without a scope rule (answers counted, not judged)."""
    if name == "code":
        return form_codes()[:2] + ["370323102000", "nope"]
    if name == "number":
        return ["1", "2", "999"]
    return []


def api_lists(IdParam, scope, params: dict) -> dict:
    """List answers whose items must all be in the token's scope: path (without /api/v1) → IdParam."""
    lists = {
        "/organisations": params["org_id"],
        "/service-points": params["point_id"],
        "/credit/lines": params["line_id"],
        "/data/submissions": params["submission_id"],
        "/plan/reports": params["report_id"],
    }
    lists.update(convenience.convenience_api_lists(IdParam, scope))
    lists.update(smallfirm_api_lists(IdParam, scope))
    lists.update(cases_api_lists(IdParam, scope))
    lists.update(evaluation_api_lists(IdParam, scope))
    return lists
