"""Writes of the first-loan app: the computation (`compute`) and the banks' records (`records`)."""
