"""The plan's Word documents people file: the 督办单 and the assessment results (the 通报's view stays in
views.py). Same access as the pages they come from: missing and forbidden are 404."""

from django.contrib.auth.decorators import login_required

from puhui.core.exports import DOCX, download
from puhui.core.periods import date_cn
from puhui.plan import access, documents, selectors


@login_required
def notice_docx(request, pk):
    """The office and the unit it is addressed to (`access.notices_for`)."""
    notice = access.access_notice_by_id(request.user, pk)
    name = documents.document_filename(
        "督办单",
        notice.number,
        notice.unit.short_name or notice.unit.name,
        date_cn(notice.issued_on),
        ext="docx",
    )
    return download(documents.notice_docx(notice), name, DOCX)


@login_required
def assessment_docx(request, pk):
    """The office's (`access.schemes_for`)."""
    scheme = access.access_scheme_by_id(request.user, pk)
    content = documents.assessment_docx(scheme, selectors.scheme_table(scheme))
    period = f"{date_cn(scheme.period_start)}至{date_cn(scheme.period_end)}"
    return download(content, documents.document_filename(f"{scheme.name}考核结果", period, ext="docx"), DOCX)
