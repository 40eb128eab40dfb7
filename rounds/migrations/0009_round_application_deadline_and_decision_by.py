"""A round's call has a last day to apply and a day by which SKR announces its decision
(seeds 000 and 001). Existing rounds have neither."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('checklist', '0005_assessment_reopened_for_changes'),
        ('rounds', '0008_meeting_audience_sequence_round_reopen_reason'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='round',
            name='application_deadline',
            field=models.DateField(blank=True, help_text='The last day of the call for the formal application; the public form closes after it.', null=True, verbose_name='last day to apply'),
        ),
        migrations.AddField(
            model_name='round',
            name='decision_by',
            field=models.DateField(blank=True, help_text='SKR tells the applicants whether they have a place by this day.', null=True, verbose_name='decision announced by'),
        ),
        migrations.AddConstraint(
            model_name='round',
            constraint=models.CheckConstraint(condition=models.Q(('application_deadline__isnull', True), ('decision_by__isnull', True), ('decision_by__gte', models.F('application_deadline')), _connector='OR'), name='round_decision_after_deadline', violation_error_message='The decision cannot be announced before the last day to apply.'),
        ),
    ]
