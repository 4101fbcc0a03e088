"""Writes of the banks' evaluation: indicator sets, qualitative scores, runs and their publication."""
