"""Background tasks of risk disposal: none yet. The overdue steps are counted when the home page is drawn
(an indexed count), so no nightly job is needed; the module is kept for the app's module set."""
