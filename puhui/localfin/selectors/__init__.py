"""See the modules of this package: orgs (organisations, licences, insurance), listing (the pipeline), financing (direct financing, the exchange, credit mutuals)."""
