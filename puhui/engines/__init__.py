"""Pure computation engines (no Django imports, no puhui app; tests/engines/test_purity.py checks it).

index (composite indicators), scoring (scorecards) and assessment (考核计分): data or files in, results
out, each with a command line that needs no database (`puhui index|credit|assess`).
"""
