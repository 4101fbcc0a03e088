"""Reads of the banks' evaluation: the figures it scores (`figures`) and what the pages show (`results`)."""
