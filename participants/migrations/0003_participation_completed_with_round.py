from django.db import migrations, models
from django.db.models import F


def mark_completions(apps, schema_editor):
    """What a completed round wrote before this field existed: its participants completed on
    the round's last day (the date `round_complete` gives unless told otherwise)."""
    Participation = apps.get_model("participants", "Participation")
    Participation.objects.filter(
        round__status="completed", completed_on=F("round__ends_on")
    ).update(completed_with_round=True)


class Migration(migrations.Migration):
    """Completions made by the round's completion (to take back on reopening); a withdrawal
    without a recorded reason (SKR's history since 2015)."""

    dependencies = [
        ("participants", "0002_initial"),
        ("rounds", "0002_round_reminder_days_may_be_empty"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="participation",
            name="participation_withdrawal_has_reason",
        ),
        migrations.AddField(
            model_name="historicalparticipation",
            name="completed_with_round",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="completed with the round"
            ),
        ),
        migrations.AddField(
            model_name="participation",
            name="completed_with_round",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="completed with the round"
            ),
        ),
        migrations.RunPython(mark_completions, migrations.RunPython.noop),
    ]
