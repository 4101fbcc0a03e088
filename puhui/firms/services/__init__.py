"""Writes of the firms app: department uploads (`uploads`), authorisations and look-ups (`authorisations`),
ratings (`ratings`). Each named <noun>_<verb>(*, actor, ...), atomic and audited."""
