"""Reads of the firms app: the banks' loans of a firm (`loans`), the profile (`profile`)."""
