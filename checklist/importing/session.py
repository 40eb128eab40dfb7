"""The rows kept in the session between the preview and the import, under a digest of the file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from django.utils.translation import gettext as _

from checklist.importing.parsing import Row
from modellkoncept.errors import DomainError
from rounds.models import Round

# The upload page: a file is checked first and imported on confirmation, without being uploaded
# again. In between, its rows wait in the user's session, under the round.

# Far more than a round's file holds (48 organisations, 6 meetings and 10 items make some 3 000
# rows, 200 kB); a larger file is imported with the command.
SESSION_MAX_BYTES = 2_000_000


def _session_key(round_: Round) -> str:
    return f"checklist-import-{round_.pk}"


def pending_keep(session, *, round: Round, rows: Sequence[Row], filename: str) -> str:
    """Keep checked rows in the session until the import is confirmed. Returns their digest,
    which the confirming form carries, so that confirming a page imports the rows that page
    showed, even if another tab has checked another file since."""
    data = [row.as_dict() for row in rows]
    encoded = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    if len(encoded) > SESSION_MAX_BYTES:
        raise DomainError(
            _(
                "The file is too large to check and import on this page. Split it into "
                "smaller files, or ask the administrator to import it with the command "
                "import_assessments."
            )
        )
    digest = hashlib.sha256(encoded).hexdigest()
    session[_session_key(round)] = {"rows": data, "digest": digest, "filename": filename}
    return digest


def pending_rows(session, *, round: Round, digest: str) -> tuple[list[Row], str] | None:
    """The rows kept for the round and their file's name, if the digest is theirs."""
    pending = session.get(_session_key(round))
    if not pending or not digest or pending.get("digest") != digest:
        return None
    return [Row.from_dict(data) for data in pending["rows"]], pending["filename"]


def pending_forget(session, *, round: Round) -> None:
    session.pop(_session_key(round), None)
