"""Background tasks of inclusive insurance: none. The coverage figures are computed when asked (a few hundred
reports a year) and the indicator catalogue reads them through `DATA_SOURCES` in the data app's nightly run;
the module is kept for the app's module set."""
