"""Speed and concurrency measurements of onestop, and the building blocks they share.

Scripts a person runs from the project root (as files, or `python -m bench.NAME`): intake.py
(receipt endpoint, public page), concurrency.py (parallel receptions and readers),
calendar_speed.py (the deadline engine).

Modules: database (a throwaway database), data (dossiers, through the services or in bulk),
server (gunicorn or `onestop serve` on a loopback port), load (steady load and bursts), report
(machine, series, tables), profiling (cProfile by step), receipt and public_page (intake.py's
two measurements), fixed_page (the public page's baseline route). Nothing here asserts a
timing; a person reads the figures (docs/PERFORMANCE.md).
"""
