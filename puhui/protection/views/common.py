from django.core.exceptions import ValidationError

from puhui.core.service_errors import form_add_service_error


def run(form, write):
    """The service's answer, or None with its refusal put on the form."""
    try:
        return write()
    except ValidationError as e:
        form_add_service_error(form, e)
        return None
