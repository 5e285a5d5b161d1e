"""Pure churn-signal scoring along the defection cycle (DOMAIN.md "Churn signals").

pandas, numpy and stdlib only; no Django, no clock. ``signals`` evaluates each signal
at the as-of date, ``score`` turns the fired signals into churn_score / churn_stage.
"""
