"""SKR's classic ten-item checklist, scored 1–3, as the default version `skr-10-1-3`.

The items are those of SKR's *Vägledning för jämställdhetsintegrering* as used in the
2018–2020 rounds (report "Modellkommuner och Modellregioner 2018–2020"). The data is written out
here, not imported from the app, because a migration must not change when the code does.
"""

from django.db import migrations

SLUG = "skr-10-1-3"

SCALE = [
    (1, "Inte påbörjat/finns inte", "Not started/does not exist"),
    (2, "Finns men behöver utvecklas", "Exists but needs development"),
    (3, "Det finns/det gör vi", "In place/we do this"),
]

ITEMS = [
    (
        "Den politiska församlingen har tagit beslut om jämställdhetsintegrering",
        "The political assembly has decided on gender mainstreaming",
        "Finns ett beslut i fullmäktige (eller motsvarande) om att verksamheten ska "
        "jämställdhetsintegreras, till exempel genom att CEMR-deklarationen har undertecknats?",
        "Has the council (or equivalent) decided that the organisation's work shall be gender "
        "mainstreamed, for example by signing the CEMR declaration?",
    ),
    (
        "Den politiska ledningen efterfrågar resultat av arbetet med jämställdhetsintegrering",
        "The political leadership asks for the results of gender mainstreaming",
        "Ställer politiken frågor om vad arbetet har lett till för kvinnor och män, flickor och "
        "pojkar, och följs svaren upp?",
        "Do the politicians ask what the work has achieved for women and men, girls and boys, "
        "and follow up the answers?",
    ),
    (
        "De högsta cheferna säkerställer att politikernas beslut om jämställdhetsintegrering "
        "genomförs i organisationen",
        "The most senior managers ensure that the politicians' decision on gender mainstreaming "
        "is carried out in the organisation",
        "Har ledningen gett uppdrag, resurser och mandat så att beslutet blir verklighet i "
        "verksamheterna?",
        "Has management given assignments, resources and a mandate so that the decision becomes "
        "reality in the services?",
    ),
    (
        "Ledningen säkerställer organisationens kompetens för att arbeta med "
        "jämställdhetsintegrering",
        "Management ensures the organisation's competence to work with gender mainstreaming",
        "Finns en plan för att chefer, handläggare och förtroendevalda får den kunskap som "
        "arbetet kräver?",
        "Is there a plan for managers, officers and elected representatives to gain the "
        "knowledge the work requires?",
    ),
    (
        "Jämställdhetsperspektivet är synligt i mål, budget och andra styrdokument",
        "The gender equality perspective is visible in goals, budget and other steering documents",
        "Syns jämställdhet i de ordinarie styrdokumenten, inte bara i en separat plan?",
        "Is gender equality visible in the ordinary steering documents, not only in a separate "
        "plan?",
    ),
    (
        "All individbaserad statistik redovisas och analyseras med kön som indelningsgrund",
        "All statistics about individuals are reported and analysed by sex",
        "Redovisas statistik om individer uppdelad på kön, och analyseras skillnaderna?",
        "Are statistics about individuals reported by sex, and are the differences analysed?",
    ),
    (
        "I beslutsunderlag finns en beskrivning av konsekvenser för kvinnor och män, flickor och "
        "pojkar",
        "Decision documents describe the consequences for women and men, girls and boys",
        "Beskriver tjänsteskrivelser och andra underlag hur beslutet påverkar kvinnor och män, "
        "flickor och pojkar?",
        "Do officers' reports and other documents describe how the decision affects women and "
        "men, girls and boys?",
    ),
    (
        "Verksamheternas resultat för kvinnor och män, flickor och pojkar kan utläsas ur "
        "ordinarie verksamhets- och budgetuppföljning",
        "The services' results for women and men, girls and boys can be read from the ordinary "
        "operational and budget follow-up",
        "Går det att se i delårsrapporter och årsredovisning vad verksamheten ger kvinnor och "
        "män, flickor och pojkar?",
        "Can interim and annual reports show what the services give women and men, girls and "
        "boys?",
    ),
    (
        "Jämställdhetsintegreringen har lett till konkreta och hållbara förbättringar i "
        "verksamheterna",
        "Gender mainstreaming has led to concrete and lasting improvements in the services",
        "Finns exempel där arbetet har förändrat verksamheten för dem den är till för, och "
        "består förändringen?",
        "Are there examples where the work has changed the service for those it serves, and "
        "does the change last?",
    ),
    (
        "Tillvägagångssättet för jämställdhetsintegrering kan systematiseras och överföras till "
        "andra verksamheter",
        "The approach to gender mainstreaming can be systematised and transferred to other "
        "services",
        "Är arbetssättet beskrivet så att andra verksamheter kan använda det?",
        "Is the way of working described so that other services can use it?",
    ),
]


def create_classic_checklist(apps, schema_editor):
    ChecklistVersion = apps.get_model("checklist", "ChecklistVersion")
    ScaleStep = apps.get_model("checklist", "ScaleStep")
    ChecklistItem = apps.get_model("checklist", "ChecklistItem")
    version, created = ChecklistVersion.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name_sv": "SKR:s checklista för jämställdhetsintegrering (10 moment, skala 1–3)",
            "name_en": "SKR's gender mainstreaming checklist (10 items, scale 1–3)",
            "level": "organisation",
            "scale_min": 1,
            "scale_max": 3,
        },
    )
    if not created:
        return
    ScaleStep.objects.bulk_create(
        ScaleStep(version=version, value=value, label_sv=sv, label_en=en)
        for value, sv, en in SCALE
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            version=version,
            number=number,
            text_sv=text_sv,
            text_en=text_en,
            guidance_sv=guidance_sv,
            guidance_en=guidance_en,
        )
        for number, (text_sv, text_en, guidance_sv, guidance_en) in enumerate(ITEMS, start=1)
    )


def remove_classic_checklist(apps, schema_editor):
    ChecklistVersion = apps.get_model("checklist", "ChecklistVersion")
    ChecklistVersion.objects.filter(slug=SLUG, rounds__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("checklist", "0002_initial")]

    operations = [migrations.RunPython(create_classic_checklist, remove_classic_checklist)]
