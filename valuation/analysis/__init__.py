"""Pure portfolio-analysis maths: pandas, numpy and stdlib only.

No Django, no I/O, no clock: every function receives its data as DataFrames and the
as-of date as an argument. The entry point is
``portfolio.pipeline.analyse_portfolio``; column names live in
``valuation.analysis.columns``.
"""
