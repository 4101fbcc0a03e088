"""Background tasks of outreach: none. The targets' figures are read by the data app's nightly indicator run
through `DATA_SOURCES`, and the to-do count is an indexed count; the module is kept for the app's module
set."""
