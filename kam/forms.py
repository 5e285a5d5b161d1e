"""Form helpers every page uses."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def form_errors_apply(form: BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError beside the fields it names (or on the form)."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)
