"""Background tasks of financing: none. A demand is ranked and routed in its request (the engine matches a
demand against the whole shelf in milliseconds), overdue answers are an indexed count on the banks' to-do
list, and the figures are read by the data app's indicator run through `DATA_SOURCES`; the module is kept
for the app's module set."""
