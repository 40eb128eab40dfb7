"""What a new process of the project loads: for the tests that keep a heavy library out of the
processes that do not use it."""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings

# The exit status that says the module was loaded (an error in the code exits with 1).
LOADED = 10


def loads(module: str, code: str) -> bool:
    """Whether a new Python process that sets Django up and runs `code` has loaded `module`
    (a failure of the code fails with its output)."""
    program = (
        f"import sys, django; django.setup(); {code}; "
        f"sys.exit({LOADED} if {module!r} in sys.modules else 0)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", program], cwd=settings.BASE_DIR, capture_output=True, check=False
    )
    assert result.returncode in (0, LOADED), result.stderr.decode()[-2000:]
    return result.returncode == LOADED
