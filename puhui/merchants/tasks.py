"""Background tasks of the 惠农商圈: none. The monthly upload is checked and stored in its request (a bank's
month is a few hundred rows), the coverage figures are read by the data app's indicator run through
`DATA_SOURCES`; the module is kept for the app's module set."""
