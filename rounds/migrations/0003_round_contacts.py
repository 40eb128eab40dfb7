"""Each round names its SKR contacts: one or more project leaders. Existing rounds start with none
(who created them is not recorded); the round form names them."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rounds", "0002_round_reminder_days_may_be_empty"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="round",
            name="contacts",
            field=models.ManyToManyField(
                blank=True,
                help_text="The project leaders the round's organisations turn to; the round's pages, its e-mails and the page that refuses access name them.",
                limit_choices_to={"is_active": True, "is_project_leader": True},
                related_name="contact_for_rounds",
                to=settings.AUTH_USER_MODEL,
                verbose_name="SKR contacts",
            ),
        ),
    ]
