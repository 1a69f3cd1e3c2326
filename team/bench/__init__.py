"""Benchmarks: a generator of large organisations (generate.py, sizes in sizes.py) and
the tools that measure the app on them."""
