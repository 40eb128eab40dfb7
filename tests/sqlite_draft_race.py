"""Six people save one draft at the same moment, against a SQLite database in a file (the
development default), each from its own thread and connection, through the real view. Run by
`tests/test_faults.py` in a process of its own (the settings are read from the environment);
prints the status codes of each of three races as JSON.

    python -m tests.sqlite_draft_race /tmp/race.sqlite3
"""

import json
import os
import sys
import threading

import time_machine

CONTENDERS = 6
RUNS = 3


def main(path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modellkoncept.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from tests import conftest

    setup_test_environment()  # the test client's host, mail kept in memory
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    # The shared world of the tests, on the day it was written for.
    travel = time_machine.travel(conftest.WORLD_DAY, tick=True)
    travel.start()
    world = conftest.build_world()
    draft = world.draft_a1
    url = reverse("checklist:assessment_save", args=[draft.pk])
    clients = []
    for _ in range(CONTENDERS):
        client = Client(raise_request_exception=False)
        client.force_login(world.strategist_a1)
        clients.append(client)
    connection.close()

    def race(run: int) -> dict:
        draft.refresh_from_db()
        start = draft.revision
        connection.close()
        barrier = threading.Barrier(CONTENDERS)
        statuses: list = [None] * CONTENDERS

        def save(index: int) -> None:
            data = {"revision": start}
            for number in range(1, 11):
                data[f"score_{number}"] = 1 + (index + number + run) % 3
                data[f"comment_{number}"] = f"Sparat av nummer {index} i omgång {run}."
            try:
                barrier.wait(timeout=30)
                statuses[index] = clients[index].post(url, data).status_code
            except BaseException as error:  # reported, not lost in the thread
                statuses[index] = repr(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=save, args=(i,)) for i in range(CONTENDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        draft.refresh_from_db()
        return {"statuses": statuses, "saves": draft.revision - start}

    print(json.dumps([race(run) for run in range(RUNS)]))


if __name__ == "__main__":
    main(sys.argv[1])
