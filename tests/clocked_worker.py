"""Celery's command line on the tests' clock: `python -m tests.clocked_worker -A … worker …`.

The `celery_worker` fixture starts the worker with this, passing the test session's current
instant in `TEST_CLOCK_NOW`; the worker (and its forked pool processes) then see the same date as
the test that queues its tasks, so what a task stamps or compares with "now" agrees with it.
Once the worker consumes its queue it prints `READY`, which the fixture waits for.
"""

import datetime as dt
import os

import time_machine
from celery.__main__ import main
from celery.signals import worker_ready

# What the fixture waits for on the worker's output: it is consuming its queue.
READY = "test worker ready"


@worker_ready.connect
def _ready(**_kwargs):
    print(READY, flush=True)


if __name__ == "__main__":
    now = os.environ.get("TEST_CLOCK_NOW")
    if now:
        time_machine.travel(dt.datetime.fromisoformat(now), tick=True).start()
    main()
