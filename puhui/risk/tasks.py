"""Background tasks of risk monitoring: thin wrappers around the services."""
