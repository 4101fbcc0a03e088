"""Reads of the cash services: the finder's places, the to-do counts and a warning's figures."""

from puhui.cash.selectors.reads import (  # noqa: F401
    bank_booking_count,
    bank_warning_count,
    finder_places,
    office_overdue_count,
    open_points,
    warning_figures,
)
