"""Background tasks of the finder: none. The page reads the registers as they stand, with the villages'
centres cached for ten minutes; the module is kept for the app's module set."""
