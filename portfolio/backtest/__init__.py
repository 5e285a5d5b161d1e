"""Is the churn score right? A run's backtest against the accounts lost after it (DOMAIN.md),
its calibration, the page and the endpoint."""
