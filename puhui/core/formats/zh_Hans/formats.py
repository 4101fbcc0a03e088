"""Numbers grouped by thousands with commas, as the PBoC's statistical tables and every page's own figures
(`core/templatetags/figures.py`) write them. Django's zh_Hans has no separator, so `floatformat:"2g"` wrote
1834.54 beside a 1,834.54 of the figure filters; the dates and the rest stay Django's."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
