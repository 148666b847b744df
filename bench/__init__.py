"""`make bench`: the non-functional budgets of DESIGN.md, measured side by side.

`python -m bench` (see `bench.cli`) runs every measurement on its own databases
and prints one table, each timing next to a baseline measured in the same run.
"""
