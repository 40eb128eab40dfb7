"""Parts become rows of their own (`ChecklistPart`, with a key a checklist file names them by);
items point at their part instead of repeating its title. Each version's existing part titles
become its parts, in the order they first appear, keyed from their Swedish title. The classic
checklist has no parts; its one-line guidance is marked as the site's own help text."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils.text import slugify

CLASSIC_SLUG = "skr-10-1-3"


def mark_classic_guidance_as_site_help(apps, schema_editor):
    """Idempotent; tests/conftest.py runs it again after a transactional test's flush."""
    ChecklistVersion = apps.get_model("checklist", "ChecklistVersion")
    ChecklistVersion.objects.filter(slug=CLASSIC_SLUG).update(guidance_is_site_help=True)


def parts_from_titles(apps, schema_editor):
    ChecklistPart = apps.get_model("checklist", "ChecklistPart")
    ChecklistItem = apps.get_model("checklist", "ChecklistItem")
    parts = {}  # (version id, sv, en) -> part
    keys = {}  # version id -> keys used
    for item in ChecklistItem.objects.exclude(part_sv="", part_en="").order_by(
        "version_id", "number"
    ):
        title_sv = item.part_sv or item.part_en
        found = (item.version_id, title_sv, item.part_en)
        if found not in parts:
            used = keys.setdefault(item.version_id, set())
            base = slugify(title_sv)[:50] or "part"
            key, n = base, 1
            while key in used:
                n += 1
                key = f"{base}-{n}"
            used.add(key)
            parts[found] = ChecklistPart.objects.create(
                version_id=item.version_id,
                position=len(used),
                key=key,
                title_sv=title_sv,
                title_en=item.part_en,
            )
        item.part = parts[found]
        item.save(update_fields=["part"])


def titles_from_parts(apps, schema_editor):
    ChecklistItem = apps.get_model("checklist", "ChecklistItem")
    for item in ChecklistItem.objects.filter(part__isnull=False).select_related("part"):
        item.part_sv, item.part_en = item.part.title_sv, item.part.title_en
        item.save(update_fields=["part_sv", "part_en"])


class Migration(migrations.Migration):
    dependencies = [
        ("checklist", "0003_classic_checklist"),
    ]

    operations = [
        migrations.AddField(
            model_name="checklistversion",
            name="guidance_is_site_help",
            field=models.BooleanField(
                default=False,
                help_text="The items' guidance is the site's own help text, not the checklist's.",
                verbose_name="guidance written by this site",
            ),
        ),
        migrations.CreateModel(
            name="ChecklistPart",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(verbose_name="position")),
                ("key", models.SlugField(max_length=60, verbose_name="key")),
                ("title_sv", models.CharField(max_length=200, verbose_name="title (Swedish)")),
                (
                    "title_en",
                    models.CharField(blank=True, max_length=200, verbose_name="title (English)"),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="parts",
                        to="checklist.checklistversion",
                        verbose_name="checklist version",
                    ),
                ),
            ],
            options={
                "verbose_name": "checklist part",
                "verbose_name_plural": "checklist parts",
                "ordering": ["version", "position"],
            },
        ),
        migrations.AddConstraint(
            model_name="checklistpart",
            constraint=models.UniqueConstraint(
                fields=("version", "key"), name="checklist_part_key_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="checklistpart",
            constraint=models.UniqueConstraint(
                fields=("version", "position"), name="checklist_part_position_unique"
            ),
        ),
        migrations.AddField(
            model_name="checklistitem",
            name="part",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="items",
                to="checklist.checklistpart",
                verbose_name="part",
            ),
        ),
        migrations.RunPython(mark_classic_guidance_as_site_help, migrations.RunPython.noop),
        migrations.RunPython(parts_from_titles, titles_from_parts),
        migrations.RemoveField(model_name="checklistitem", name="part_en"),
        migrations.RemoveField(model_name="checklistitem", name="part_sv"),
    ]
