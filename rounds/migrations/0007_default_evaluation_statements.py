"""The default evaluation statements, in Swedish as the programme asks them; project leaders
edit them on the site."""

from django.db import migrations

LEARNING = [
    "Träffen gav mig idéer som jag kan ta med hem till min organisation.",
    "Jämförelsen med de andra i gruppen hjälpte oss att se vårt eget arbete tydligare.",
    "Det fanns tillräckligt med tid för erfarenhetsutbyte.",
]
CONFERENCE = [
    "Konferensen motsvarade mina förväntningar.",
    "Jag fick kunskap som jag kan använda i arbetet med jämställdhetsintegrering.",
    "Det fanns tillräckligt med tid för erfarenhetsutbyte.",
]
DEFAULTS = {
    "learning_meeting": LEARNING,
    "startup_conference": CONFERENCE,
    "midterm_conference": CONFERENCE,
    "result_conference": CONFERENCE,
}


def add_defaults(apps, schema_editor):
    Statement = apps.get_model("rounds", "EvaluationStatement")
    for kind, texts in DEFAULTS.items():
        if Statement.objects.filter(meeting_kind=kind).exists():
            continue
        Statement.objects.bulk_create(
            Statement(meeting_kind=kind, text=text, position=n)
            for n, text in enumerate(texts, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("rounds", "0006_meeting_evaluations")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
