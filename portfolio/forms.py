from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.forms import DateInput
from portfolio.models import AnalysisParameters
from portfolio.schedule_words import SimpleSchedule, simple_schedule
from portfolio.services import PARAMETER_FIELDS


class RunNowForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"),
        widget=DateInput(),
        help_text=_("The analysis counts everything dated up to this day."),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["as_of"].initial = timezone.localdate()


DAY_SETS = [
    ("*", _("Every day")),
    ("1-5", _("Monday to Friday")),
    ("0,6", _("Saturday and Sunday")),
]
WEEK = [("1", _("Monday")), ("2", _("Tuesday")), ("3", _("Wednesday")), ("4", _("Thursday"))]
WEEK += [("5", _("Friday")), ("6", _("Saturday")), ("0", _("Sunday"))]
CHOSEN_DAYS = "chosen"


class ScheduleForm(forms.Form):
    """When the nightly analysis runs: a time of day (UTC) and the days. It writes the
    schedule's cron fields (the API's `analysis-schedule/` takes them as they are)."""

    at = forms.TimeField(
        label=_("Time (UTC)"),
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={"required": _("Give the time of day, such as 02:00.")},
    )
    days = forms.ChoiceField(
        label=_("Days"),
        choices=[*DAY_SETS, (CHOSEN_DAYS, _("These days"))],
        widget=forms.RadioSelect,
    )
    weekdays = forms.MultipleChoiceField(
        label=_("These days"), choices=WEEK, required=False, widget=forms.CheckboxSelectMultiple
    )
    enabled = forms.BooleanField(required=False, label=_("Run it (untick to pause)"))

    @classmethod
    def for_schedule(cls, schedule: SimpleSchedule | None, *, enabled: bool) -> ScheduleForm:
        """The form filled with the schedule; empty when it is not one time on some days."""
        if schedule is None:
            return cls(initial={"enabled": enabled})
        named = {frozenset(_cron_days(field)): field for field, _label in DAY_SETS}
        days = named.get(schedule.days, CHOSEN_DAYS)
        weekdays = [str(day) for day in sorted(schedule.days)]
        return cls(
            initial={"at": schedule.at, "days": days, "weekdays": weekdays, "enabled": enabled}
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("days") == CHOSEN_DAYS and not data.get("weekdays"):
            self.add_error("weekdays", _("Tick at least one day, or choose every day."))
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
        # The labels the page shows (the model's fields have no verbose names of their own:
        # giving them some would be a migration for words only).
        labels = {
            "discount_rate": _("Discount rate"),
            "horizon_years": _("Horizon years"),
            "base_retention": _("Base retention"),
            "acquisition_cost": _("Acquisition cost"),
            "small_account_revenue": _("Small account revenue"),
            "margin_target": _("Margin target"),
            "attractiveness_threshold": _("Attractiveness threshold"),
            "weight_recurring_problems": _("Weight recurring problems"),
            "weight_satisfaction_decline": _("Weight satisfaction decline"),
            "weight_key_influencer_neglected": _("Weight key influencer neglected"),
            "weight_coverage_gap": _("Weight coverage gap"),
            "weight_revenue_decline": _("Weight revenue decline"),
            "weight_competitor_activity": _("Weight competitor activity"),
            "weight_ultimatum": _("Weight ultimatum"),
            "weight_litigation": _("Weight litigation"),
            "at_risk_score": _("At risk score"),
            "recurring_complaints": _("Recurring complaints"),
            "recurring_days": _("Recurring days"),
            "low_satisfaction_score": _("Low satisfaction score"),
            "satisfaction_drop": _("Satisfaction drop"),
            "neglect_factor": _("Neglect factor"),
            "revenue_decline_ratio": _("Revenue decline ratio"),
            "competitor_days": _("Competitor days"),
            "ultimatum_days": _("Ultimatum days"),
            "litigation_days": _("Litigation days"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self) -> None:
        # The service validates and saves (and records who changed what).
        return
