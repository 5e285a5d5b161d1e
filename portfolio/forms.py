from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from portfolio.models import AnalysisParameters
from portfolio.schedule_words import SimpleSchedule, simple_schedule
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


DAY_SETS = [("*", "Every day"), ("1-5", "Monday to Friday"), ("0,6", "Saturday and Sunday")]
WEEK = [("1", "Monday"), ("2", "Tuesday"), ("3", "Wednesday"), ("4", "Thursday")]
WEEK += [("5", "Friday"), ("6", "Saturday"), ("0", "Sunday")]
CHOSEN_DAYS = "chosen"


class ScheduleForm(forms.Form):
    """When the nightly analysis runs: a time of day (UTC) and the days. It writes the
    schedule's cron fields (the API's `analysis-schedule/` takes them as they are)."""

    at = forms.TimeField(
        label="Time (UTC)",
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={"required": "Give the time of day, such as 02:00."},
    )
    days = forms.ChoiceField(
        choices=[*DAY_SETS, (CHOSEN_DAYS, "These days")], widget=forms.RadioSelect
    )
    weekdays = forms.MultipleChoiceField(
        label="These days", choices=WEEK, required=False, widget=forms.CheckboxSelectMultiple
    )
    enabled = forms.BooleanField(required=False, label="Run it (untick to pause)")

    @classmethod
    def for_schedule(cls, schedule: SimpleSchedule | None, *, enabled: bool) -> ScheduleForm:
        """The form filled with the schedule; empty when it is not one time on some days."""
        if schedule is None:
            return cls(initial={"enabled": enabled})
        named = {frozenset(_cron_days(field)): field for field, _ in DAY_SETS}
        days = named.get(schedule.days, CHOSEN_DAYS)
        weekdays = [str(day) for day in sorted(schedule.days)]
        return cls(
            initial={"at": schedule.at, "days": days, "weekdays": weekdays, "enabled": enabled}
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("days") == CHOSEN_DAYS and not data.get("weekdays"):
            self.add_error("weekdays", "Tick at least one day, or choose every day.")
        return data

    def cron(self) -> dict[str, Any]:
        """The cleaned form as the service's cron fields."""
        data = self.cleaned_data
        days = data["days"]
        if days == CHOSEN_DAYS:
            days = ",".join(sorted(data["weekdays"], key=int))
        return {
            "minute": str(data["at"].minute),
            "hour": str(data["at"].hour),
            "day_of_week": days,
            "enabled": data["enabled"],
        }


def _cron_days(field: str) -> set[int]:
    parsed = simple_schedule("0", "0", field)
    return set(parsed.days) if parsed else set()


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
