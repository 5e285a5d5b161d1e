"""Plotly figures as pure functions of small data frames/lists; no Django, no queries."""

from __future__ import annotations
