"""`manage.py load_organisations`: Sweden's 290 municipalities and 21 regions, idempotently;
a bad file changes nothing and says which lines are wrong."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from participants.models import Organisation

pytestmark = pytest.mark.django_db

REFERENCE = Path(settings.BASE_DIR) / "data" / "sweden_orgs.csv"
HEADER = "code,name,kind,county_code,county_name,lat,lon"
GOOD_LINE = "0114,Upplands Väsby,kommun,01,Stockholms län,59.51839,17.91128"


def _load(path: Path | None = None) -> str:
    out = io.StringIO()
    args = ["--file", str(path)] if path else []
    with translation.override("en"):
        call_command("load_organisations", *args, stdout=out)
    return out.getvalue()


def _write(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    path = tmp_path / "orgs.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _by_kind():
    return {
        kind: Organisation.objects.filter(kind=kind).count()
        for kind in (Organisation.Kind.MUNICIPALITY, Organisation.Kind.REGION)
    }


def test_loads_all_municipalities_and_regions():
    output = _load()

    assert "311 created, 0 updated, 0 unchanged" in output
    assert Organisation.objects.count() == 311
    assert _by_kind() == {"kommun": 290, "region": 21}
    vasby = Organisation.objects.get(code="0114")
    assert vasby.name == "Upplands Väsby"
    assert vasby.kind == "kommun"
    assert (vasby.county_code, vasby.county_name) == ("01", "Stockholms län")
    assert str(vasby.latitude) == "59.51839"
    assert not Organisation.objects.filter(code="114").exists()
    assert Organisation.objects.filter(kind="region", code__regex=r"^\d{2}$").count() == 21


def test_second_run_changes_nothing():
    _load()
    before = sorted(Organisation.objects.values_list("code", "name", "latitude", "longitude"))

    output = _load()

    assert "0 created, 0 updated, 311 unchanged" in output
    assert Organisation.objects.count() == 311
    assert (
        sorted(Organisation.objects.values_list("code", "name", "latitude", "longitude")) == before
    )


def test_a_changed_name_is_updated_and_decisions_are_kept(tmp_path):
    _load()
    vasby = Organisation.objects.get(code="0114")
    vasby.political_decision_on = "2016-01-01"
    vasby.political_decision_kind = "cemr"
    vasby.save()
    rows = REFERENCE.read_text(encoding="utf-8").replace(
        "0114,Upplands Väsby,", "0114,Upplands Väsby kommun,"
    )
    changed = tmp_path / "changed.csv"
    changed.write_text(rows, encoding="utf-8")

    output = _load(changed)

    assert "0 created, 1 updated, 310 unchanged" in output
    vasby.refresh_from_db()
    assert vasby.name == "Upplands Väsby kommun"
    assert vasby.political_decision_kind == "cemr"
    assert Organisation.objects.count() == 311


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            [GOOD_LINE, "12a,Felby,kommun,01,Stockholms län,59.1,18.1"],
            ["line 3: the code must be 2 or 4 digits, not “12a”"],
        ),
        (
            [GOOD_LINE, "0115,Vallentuna,kommun,01,Stockholms län,abc,18.07758"],
            ["line 3: lat is not a number: “abc”"],
        ),
        (
            [GOOD_LINE, "0115,Vallentuna,kommun,01,Stockholms län,59.5,18.1", GOOD_LINE],
            ["line 4: the code 0114 is already on line 2"],
        ),
        (
            [
                GOOD_LINE,
                "0115,Vallentuna,kommun,01,Stockholms län,59.5,18.1",
                "0117,Rom,kommun,01,Stockholms län,41.9,12.5",
            ],
            ["line 4: lat 41.9 lies outside Sweden"],
        ),
        (
            [
                "0114,,stad,01,Stockholms län,59.5,30.0",
                GOOD_LINE.replace("0114", "0115"),
                "9,Kort,kommun,01,Stockholms län,59.5,18.1",
            ],
            [
                "line 2: the name is missing",
                "line 2: the kind must be “kommun” or “region”, not “stad”",
                "line 2: lon 30.0 lies outside Sweden",
                "line 4: the code must be 2 or 4 digits, not “9”",
            ],
        ),
    ],
    ids=["bad-code", "non-numeric-lat", "duplicate-code", "outside-sweden", "several"],
)
def test_a_bad_file_changes_nothing_and_names_the_lines(tmp_path, lines, expected):
    Organisation.objects.create(code="0114", name="Väsby (tidigare)", kind="kommun")
    path = _write(tmp_path, *lines)

    with pytest.raises(CommandError) as excinfo:
        _load(path)

    assert str(excinfo.value).splitlines() == expected
    assert Organisation.objects.count() == 1
    assert Organisation.objects.get(code="0114").name == "Väsby (tidigare)"


def test_a_file_missing_a_column_changes_nothing(tmp_path):
    Organisation.objects.create(code="0114", name="Väsby (tidigare)", kind="kommun")
    path = _write(
        tmp_path,
        "0114,Upplands Väsby,kommun,01,Stockholms län,59.51839",
        header="code,name,kind,county_code,county_name,lat",
    )

    with pytest.raises(CommandError, match=r"The file lacks the columns lon\."):
        _load(path)
    assert Organisation.objects.count() == 1
    assert Organisation.objects.get(code="0114").name == "Väsby (tidigare)"


def test_an_empty_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="holds no organisations"):
        _load(_write(tmp_path))
    assert not Organisation.objects.exists()


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        _load(tmp_path / "finns-inte.csv")


def test_the_reference_file_is_well_formed():
    with REFERENCE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    assert len(rows) == 311
    assert len({row["code"] for row in rows}) == 311
