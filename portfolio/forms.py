from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from portfolio.models import AnalysisParameters
from portfolio.services import PARAMETER_FIELDS


class RunNowForm(forms.Form):
    as_of = forms.DateField(
        label="As of",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="The analysis counts everything dated up to this day.",
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["as_of"].initial = timezone.localdate()


class ScheduleForm(forms.Form):
    hour = forms.CharField(max_length=60, help_text="Cron hour field, UTC (2 = 02:00).")
    minute = forms.CharField(max_length=60, help_text="Cron minute field (0).")
    day_of_week = forms.CharField(
        max_length=60, help_text="Cron day-of-week field (* = every day)."
    )
    enabled = forms.BooleanField(required=False)


class ParametersForm(forms.ModelForm[AnalysisParameters]):
    # The version the form was loaded at (kam/versioning.py): a save based on an older one
    # is refused with what changed, the user's input kept.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AnalysisParameters
        fields = PARAMETER_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self) -> None:
        # The service validates and saves (and records who changed what).
        return
