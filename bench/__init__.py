"""Benchmarks, run by `make bench` (`python -m bench`): the main pages at national scale and
the PDF reports (`bench/reports.py`). See docs/benchmark.md."""
