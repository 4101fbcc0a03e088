"""Forms of the risk pages."""
