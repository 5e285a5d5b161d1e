# Each run's cost per account and activity type moves from its own table (about 100,000
# rows a run at 10,000 accounts, most of the run's write) onto the snapshots, as
# {activity type code: cost}. Existing runs keep their figures.

from collections import defaultdict

from django.db import migrations, models


def copy_costs_onto_snapshots(apps, schema_editor):
    AccountActivityCost = apps.get_model("portfolio", "AccountActivityCost")
    AccountSnapshot = apps.get_model("portfolio", "AccountSnapshot")
    ActivityType = apps.get_model("valuation", "ActivityType")
    codes = dict(ActivityType.objects.values_list("pk", "code"))
    for run_id in AccountActivityCost.objects.values_list("run_id", flat=True).distinct():
        costs = defaultdict(dict)
        for account_id, type_id, cost in AccountActivityCost.objects.filter(
            run_id=run_id
        ).values_list("account_id", "activity_type_id", "cost_ttm"):
            if type_id in codes:
                costs[account_id][codes[type_id]] = float(cost)
        snapshots = list(AccountSnapshot.objects.filter(run_id=run_id, account_id__in=costs))
        for snapshot in snapshots:
            snapshot.cost_by_activity_type = costs[snapshot.account_id]
        AccountSnapshot.objects.bulk_update(snapshots, ["cost_by_activity_type"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0005_activity_cost_without_constraints"),
        ("valuation", "0003_activities_bulk_friendly"),
    ]

    operations = [
        migrations.AddField(
            model_name="accountsnapshot",
            name="cost_by_activity_type",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(copy_costs_onto_snapshots, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="AccountActivityCost",
        ),
    ]
