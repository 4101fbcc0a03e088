"""Background tasks of the stations app: none. The targets are computed from the register when asked, the
to-do lines are indexed counts, and the data app's nightly run reads the figures through `DATA_SOURCES`."""
