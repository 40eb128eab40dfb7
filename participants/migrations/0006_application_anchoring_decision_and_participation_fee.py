"""The application says how the participation is anchored in the management and may give the
political decision as a reference; the decision on it carries its reason. Each participating
organisation's fee (differentiated, SKR 2024) and whether it is invoiced."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('participants', '0005_improvement_work_sharing'),
        ('rounds', '0008_meeting_audience_sequence_round_reopen_reason'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='application',
            name='application_decision_has_kind',
        ),
        migrations.AddField(
            model_name='application',
            name='anchoring',
            field=models.TextField(blank=True, help_text='Who decided that the organisation applies, and when.', verbose_name='how the participation is anchored in the management'),
        ),
        migrations.AddField(
            model_name='application',
            name='decision_reason',
            field=models.TextField(blank=True, help_text="Why the application was declined (sent to the applicant), or why it was accepted although it does not meet the round's requirements.", verbose_name='reason for the decision'),
        ),
        migrations.AddField(
            model_name='application',
            name='decision_reference',
            field=models.CharField(blank=True, help_text="For example the council's minutes and paragraph, or “CEMR declaration signed 2019”.", max_length=200, verbose_name='reference to the political decision'),
        ),
        migrations.AddField(
            model_name='participation',
            name='fee',
            field=models.PositiveIntegerField(blank=True, help_text='What SKR charges the organisation for the round, in whole kronor.', null=True, verbose_name='fee (SEK)'),
        ),
        migrations.AddField(
            model_name='participation',
            name='fee_invoiced',
            field=models.BooleanField(default=False, verbose_name='invoiced'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('decision_on__isnull', True), ('decision_reference', '')), models.Q(('decision_kind', ''), _negated=True), _connector='OR'), name='application_decision_has_kind', violation_error_message='Say what kind of decision was taken.'),
        ),
        migrations.AddConstraint(
            model_name='participation',
            constraint=models.CheckConstraint(condition=models.Q(('fee_invoiced', False), ('fee__isnull', False), _connector='OR'), name='participation_invoiced_fee_known', violation_error_message='Give the fee before marking it invoiced.'),
        ),
    ]
