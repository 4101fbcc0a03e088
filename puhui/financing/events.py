"""What the financing app does when another app publishes an event (`plugin.py` EVENT_HANDLERS)."""

from puhui.data.catalogue import LOANS_FORM
from puhui.data.models import Submission
from puhui.financing.services.arrivals import routes_match_return


def on_submission_approved(*, submission_id: int, **payload) -> None:
    """An approved 贷款明细表: the lender's accepted demands whose loan it holds are granted from it. Quick —
    a few dozen waiting routes at most, matched by an indexed hash lookup in this one return."""
    sub = Submission.objects.filter(pk=submission_id, form=LOANS_FORM).select_related("period").first()
    if sub is not None:
        routes_match_return(actor=sub.reviewed_by, submission=sub)
