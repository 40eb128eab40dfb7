"""The browser tests' findings of earlier runs are removed by their age on the file system's
clock, whatever the suite's clock says (tests/e2e/conftest.py `forget_old_runs`)."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.e2e.conftest import forget_old_runs

DAY = 24 * 3600


@pytest.mark.parametrize("clock", [dt.datetime(2027, 9, 15, 10), dt.datetime(2025, 6, 16, 10)])
def test_only_runs_a_day_older_than_this_one_are_removed(tmp_path, clock):
    root = tmp_path / "modellkoncept-e2e"
    current = root / "this-run"
    current.mkdir(parents=True)
    (current / "journey.json").write_text("{}")
    now = current.stat().st_mtime  # the file system's clock
    runs = {"yesterday": now - DAY - 60, "an-hour-ago": now - 3600, "last-week": now - 7 * DAY}
    for name, written in runs.items():
        (root / name).mkdir()
        (root / name / "journey.json").write_text("{}")
        os.utime(root / name, (written, written))

    with time_machine.travel(clock.replace(tzinfo=ZoneInfo("Europe/Stockholm"))):
        forget_old_runs(current)

    assert sorted(path.name for path in root.iterdir()) == ["an-hour-ago", "this-run"]
    assert (current / "journey.json").exists()
