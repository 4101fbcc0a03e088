"""Background tasks of cash services: none. Issuing a counterfeit warning to every outlet and station is one
bulk write that takes under a second at demo scale 10 (docs/cash.md), so it runs in the request; the overdue
acknowledgements are an indexed count when the home page is drawn. The module is kept for the module set."""
