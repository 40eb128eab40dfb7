"""Celery workers for the tests, on the tests' clock, started by a fork server.

`python -m tests.clocked_worker --fork-server` loads what a worker loads (Django, the app and
its tasks, Celery's worker and pool) once, then starts a worker for each request it reads on its
standard input by forking itself (`ForkServer`). The `celery_worker` fixture (tests/conftest.py)
starts one such process per test process, and a worker of its own for each test: a worker
forked from a loaded process is ready in a fraction of the time one started from nothing takes
(about two seconds, most of it loading), and each test still gets a new worker, killed when the
test ends.

A worker (and its forked pool processes) sees the same date as the test that queues its tasks,
so what a task stamps or compares with "now" agrees with it. Once the worker consumes its queue
it prints `READY`, which the fixture waits for.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import time_machine
from celery.signals import worker_ready

# What the fixture waits for on the worker's output: it is consuming its queue.
READY = "test worker ready"
REPO = Path(__file__).resolve().parent.parent
WORKER_MODULES = (
    "celery.bin.celery",
    "celery.apps.worker",
    "celery.concurrency.prefork",
    "kombu.transport.redis",
)


@worker_ready.connect
def _ready(**_kwargs):
    print(READY, flush=True)


def worker_argv(queue: str, *, hostname: str, concurrency: int) -> list[str]:
    """Celery's command line for a test's worker: on `queue` alone, named `hostname`, quiet
    unless something goes wrong, with none of the broadcasts that workers exchange."""
    return [
        "worker",
        "--queues",
        queue,
        "--concurrency",
        str(concurrency),
        "--hostname",
        f"{hostname}@%h",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "WARNING",
    ]


def _travel(now: str) -> None:
    time_machine.travel(dt.datetime.fromisoformat(now), tick=True).start()


# The fork server


@dataclass(frozen=True)
class Forked:
    """A worker the fork server started: its process (the leader of its process group) and
    the file its output goes to. The fork server's kernel reaps it when it ends."""

    pid: int
    log: Path

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def wait_until_ready(self, timeout: float) -> None:
        """Until the worker says it consumes its queue; RuntimeError, with its output, if it
        stops or is not ready in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            output = self.output()
            if any(line.rstrip().endswith(READY) for line in output.splitlines()):
                return
            if not self.alive():
                raise RuntimeError("The Celery worker stopped at start:\n" + output)
            time.sleep(0.02)
        raise RuntimeError(f"The Celery worker was not ready within {timeout:.0f} s:\n{output}")

    def stop(self, sig: signal.Signals = signal.SIGKILL, timeout: float = 10.0) -> bool:
        """Send `sig` to the worker's process group and wait until its process is gone;
        whether it is."""
        try:
            os.killpg(self.pid, sig)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self.alive()


class ForkServer:
    """A process that starts Celery workers by forking itself (see the module's description);
    used by the test process that started it, one request at a time."""

    def __init__(self, env: dict[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.clocked_worker", "--fork-server"],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def start(
        self,
        *,
        argv: list[str],
        clock: str | None,
        settings: dict,
        log: Path,
        application_name: str,
        prepare: str = "",
        options: dict | None = None,
    ) -> Forked:
        """Start `celery <argv>` in a new process (a process group of its own, its pool's
        processes with it): on the clock from `clock` (ISO; None: the machine's), with these
        Django settings changed, its database sessions named `application_name` (on
        PostgreSQL), its output going to `log`, and, when given, `prepare` ("module:function")
        called with the app and `options` before it starts."""
        request = {
            "argv": argv,
            "clock": clock,
            "settings": settings,
            "log": str(log),
            "application_name": application_name,
            "prepare": prepare,
            "options": options or {},
        }
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"The workers' fork server stopped ({self.process.wait()}).")
        return Forked(int(answer), log)

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


def _serve() -> None:
    """Load what a worker needs, then fork a worker for each request on standard input (one
    JSON object a line, as `ForkServer.start` writes) and answer with its process id. Nothing
    here connects to the database or the broker: each worker opens its own connections."""
    import django

    django.setup()
    # Loaded once, for every worker forked: the worker's command line, its pool, the broker's
    # transport, the tasks and WeasyPrint (which a worker loads before it forks its pool).
    for module in WORKER_MODULES:
        importlib.import_module(module)
    from modellkoncept.celery import app
    from reports import rendering

    app.loader.import_default_modules()
    rendering.preload()
    # What is loaded stays as it is: the collections a worker makes as it starts (before each
    # fork of its pool) then skip these objects.
    gc.freeze()
    # The kernel reaps the workers when they end; each is killed by its test.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                _worker(app, request)
                status = 0
            finally:
                os._exit(status)
        print(pid, flush=True)


def _worker(app, request: dict) -> None:
    """In the forked process: become a worker as the request says."""
    from django.test.utils import override_settings

    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the pool waits for its own processes
    with open(os.devnull) as nothing, open(request["log"], "a") as log:
        os.dup2(nothing.fileno(), 0)
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    from django.db import connections

    database = connections["default"]
    if database.vendor == "postgresql":  # named, so that its sessions can be told apart
        database.settings_dict.setdefault("OPTIONS", {})["application_name"] = request[
            "application_name"
        ]
    if request["clock"]:
        _travel(request["clock"])
    # Sends `setting_changed`, so that what was built from a setting (the file storage's
    # directory) is built again from the new value.
    override_settings(**request["settings"]).enable()
    if request["prepare"]:
        module, _, function = request["prepare"].partition(":")
        getattr(importlib.import_module(module), function)(app, **request["options"])
    app.worker_main(request["argv"])


if __name__ == "__main__":
    if sys.argv[1:] != ["--fork-server"]:
        sys.exit("usage: python -m tests.clocked_worker --fork-server")
    _serve()
