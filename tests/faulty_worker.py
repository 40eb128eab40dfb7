"""What a worker of tests/test_faults.py does differently, set up in the worker's process
before it starts (the fork server calls `prepare`, tests/clocked_worker.py).

- The first rendering of a report waits `delay` seconds after the job has been claimed, having
  written the rendering process's id to `pid_file`, so that the test can kill it mid-render; a
  rendering after that (the task delivered again) goes straight on.
- The broker hands an unacknowledged task out again after `visibility_timeout` seconds rather
  than after the production visibility timeout (twenty minutes), looking for such tasks every
  second, so that a second worker takes the task of a killed one over in time.
"""

from __future__ import annotations

import os
import time


def prepare(app, *, delay: float, pid_file: str, visibility_timeout: float) -> None:
    from reports import services

    app.conf.broker_transport_options = {
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
    if not delay:
        return
    render = services.report_pdf

    def slow_report_pdf(job):
        first = not os.path.exists(pid_file)
        with open(pid_file + ".tmp", "w") as handle:
            handle.write(str(os.getpid()))
        os.replace(pid_file + ".tmp", pid_file)
        if first:
            time.sleep(delay)
        return render(job)

    services.report_pdf = slow_report_pdf
