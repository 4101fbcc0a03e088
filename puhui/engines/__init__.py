"""Pure computation engines (no Django imports): numpy/pandas in, results out."""
