"""A service's refusal (`ValidationError`, Chinese, naming the field) shown where the user will see it.

Services raise `ValidationError({field: message})` or a plain one; pages put it on the form's field when the
form has that field and above the form otherwise, or — for a page without a form — as flash messages.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError


def form_add_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


def message_service_error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def run_on_form(form, write):
    """The service's answer (`write()`), or None with its refusal put on the form."""
    try:
        return write()
    except ValidationError as error:
        form_add_service_error(form, error)
        return None
