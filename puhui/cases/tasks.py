"""Background tasks of cases and publicity: none. The catalogue's figures are read by the data app's indicator
run through `DATA_SOURCES` and the to-do counts are indexed counts; the module is kept for the module set."""
