"""The action log: what happened, written once by the service that made it happen.

In the style of pretix's `LogEntry` and `log_action`: every service that changes a round, a
group, a mentor, a meeting, attendance, an application, a person or a self-assessment calls
`log_action(...)` in its own transaction, with who did it, what was done (an action type such as
`checklist.assessment.submitted`), on which object, the round it belongs to (for the round's
history page), and the values as people know them (`{"item": 3, "old": None, "new": 2}`, ids
of people and organisations rather than their names).

Why in the core: the model (`modellkoncept.models.LogEntry`) and this API sit below every app,
so each app's services can write it without importing another app; the object is a generic
relation and the round a plain id, so the core imports no app and an entry outlives a removed
object. Each app says how its action types read in `<app>/actions.py` (`action(...)` below),
imported when the app is ready; the text is made when a page shows it, in the reader's
language, with the names of people, organisations and groups looked up then (an erased person
shows as erased; a renamed group by its new name), falling back on the name kept in `data` for
what no longer exists.

Who: a service that is told who acts (`by=`) passes it as `user=`. Most services of the
project leader's pages are not, so `ActorMiddleware` keeps the signed-in user of the request
for the duration of the request (`acting_as` does the same for a command or a test), and
`log_action` uses it when no user is given; a Celery task or a command without one logs no
user ("the system").

One entry per meaningful change: `log_action(..., merge=...)` folds a burst of saves by one
person on one object into the latest entry when it is that person's, of the same type, less
than `MERGE_WINDOW` old, and nothing else has been logged on the object since.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext

from modellkoncept.models import LogEntry
from modellkoncept.roundvalues import renew_on_commit

MERGE_WINDOW = dt.timedelta(minutes=10)

_actor: contextvars.ContextVar = contextvars.ContextVar("modellkoncept_actor", default=None)


@contextlib.contextmanager
def acting_as(user):
    """Log what happens inside the block as done by `user` (a command, a test)."""
    token = _actor.set(user)
    try:
        yield user
    finally:
        _actor.reset(token)


def current_actor():
    user = _actor.get()
    return user if user is not None and getattr(user, "is_authenticated", False) else None


class ActorMiddleware:
    """Let the services' log entries name the signed-in user of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = _actor.set(user)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def log_action(
    obj: models.Model,
    action_type: str,
    *,
    data: Mapping | None = None,
    user=None,
    round_id: int | None = None,
    merge: Callable[[dict, dict], dict | None] | None = None,
) -> LogEntry | None:
    """Record `action_type` on `obj` (saved, with a primary key).

    `round_id` defaults to `obj.round_id` where the object has one. `merge(old_data, new_data)`
    folds a repeated action into the latest entry (see the module's docstring); it returns the
    data the entry then holds, or None when the changes cancelled out (the entry is removed).
    Returns the entry written or updated (None when removed).
    """
    user = user if user is not None else current_actor()
    if round_id is None:
        round_id = getattr(obj, "round_id", None)
    # What the round's pages show alike to everyone is read afresh once this commits.
    renew_on_commit(round_id, action_type)
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    data = dict(data or {})
    now = timezone.now()
    if merge is not None and user is not None:
        last = (
            LogEntry.objects.select_for_update()
            .filter(content_type=content_type, object_id=obj.pk)
            .order_by("-id")
            .first()
        )
        if (
            last is not None
            and last.action_type == action_type
            and last.user_id == user.pk
            and now - last.datetime < MERGE_WINDOW
        ):
            merged = merge(last.data, data)
            if merged is None:
                last.delete()
                return None
            last.data, last.datetime = merged, now
            last.save(update_fields=["data", "datetime"])
            return last
    return LogEntry.objects.create(
        action_type=action_type,
        datetime=now,
        user=user,
        content_type=content_type,
        object_id=obj.pk,
        round_id=round_id,
        data=data,
    )


# How entries read


@dataclass(frozen=True)
class ActionType:
    """How one action type reads: `text(entry, names)` returns the sentence in the active
    language; `refs` maps keys of `data` to the model whose object they name ("app.Model"),
    so that a page looks up all the names it shows in one query per model."""

    name: str
    text: Callable
    refs: Mapping[str, str] = field(default_factory=dict)


ACTION_TYPES: dict[str, ActionType] = {}


def action(name: str, *, refs: Mapping[str, str] | None = None):
    """Register how an action type reads (a decorator on its text function)."""

    def register(text):
        ACTION_TYPES[name] = ActionType(name, text, dict(refs or {}))
        return text

    return register


class Names:
    """The current names of the objects a page's entries refer to, found in one query per
    model. `names(entry, "person")` is the name of the object `entry.data["person"]` names, or
    the name kept in `data["person_name"]` when it no longer exists, or "–"."""

    def __init__(self, entries: Iterable[LogEntry]):
        wanted: dict[str, set] = defaultdict(set)
        self.models: dict[tuple[str, str], str] = {}
        for entry in entries:
            kind = ACTION_TYPES.get(entry.action_type)
            if kind is None:
                continue
            for key, label in kind.refs.items():
                value = entry.data.get(key)
                values = value if isinstance(value, list) else [value]
                # A change of a field that names an object ({"field": "host", "old": 3, …}),
                # or several ({"field": "contacts", "old": [3, 5], …}).
                for change in entry.data.get("changes") or []:
                    if isinstance(change, dict) and change.get("field") == key:
                        for side in (change.get("old"), change.get("new")):
                            values += side if isinstance(side, list) else [side]
                for one in values:
                    if isinstance(one, int) and not isinstance(one, bool):
                        wanted[label].add(one)
        self.found: dict[str, dict[int, object]] = {
            label: apps.get_model(label).objects.in_bulk(sorted(ids))
            for label, ids in wanted.items()
        }

    def __call__(self, entry: LogEntry, key: str, value=None) -> str:
        kind = ACTION_TYPES.get(entry.action_type)
        label = kind.refs.get(key) if kind else None
        pk = entry.data.get(key) if value is None else value
        obj = self.found.get(label, {}).get(pk) if label else None
        if obj is not None:
            return str(obj)
        return (entry.data.get(f"{key}_name") if value is None else None) or "–"

    def knows(self, entry: LogEntry, key: str) -> bool:
        kind = ACTION_TYPES.get(entry.action_type)
        return bool(kind and key in kind.refs)

    def all(self, entry: LogEntry, key: str) -> str:
        return ", ".join(self(entry, key, pk) for pk in entry.data.get(key) or []) or "–"


@dataclass(frozen=True)
class ShownEntry:
    entry: LogEntry
    when: dt.datetime
    who: object
    text: str
    subject: str = ""  # what the entry is about, as named now ("" when it no longer exists)


def _subjects(entries: list[LogEntry]) -> dict[tuple[int, int], str]:
    """The objects the entries are about, named as they are now: one query per kind of
    object (a model may name what its name needs in `log_select_related`)."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for entry in entries:
        wanted[entry.content_type_id].add(entry.object_id)
    found = {}
    for content_type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        related = getattr(model, "log_select_related", ())
        for obj in model._default_manager.select_related(*related).filter(pk__in=ids):
            found[content_type_id, obj.pk] = str(obj)
    return found


def show(entries: Iterable[LogEntry], *, subjects: bool = False) -> list[ShownEntry]:
    """The entries as people read them, in the active language (users already selected);
    with `subjects`, also what each is about (for a list of many objects' entries)."""
    entries = list(entries)
    names = Names(entries)
    about = _subjects(entries) if subjects else {}
    shown = []
    for entry in entries:
        kind = ACTION_TYPES.get(entry.action_type)
        text = kind.text(entry, names) if kind else entry.action_type
        subject = about.get((entry.content_type_id, entry.object_id), "")
        shown.append(ShownEntry(entry, entry.datetime, entry.user, text, subject))
    return shown


def value_text(value) -> str:
    """A value as the log shows it: “–” for nothing, yes/no for truth values, dates and times
    (kept as ISO text) in the reader's format."""
    if value is None or value == "" or value == []:
        return "–"
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        with contextlib.suppress(ValueError):
            if len(value) == 10:
                return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
            moment = dt.datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    return str(value)


def changes_text(entry: LogEntry, names: Names, model) -> str:
    """The field changes of an update (`data["changes"]`: field, old, new) as people read
    them: the field's own label and the values as shown on the site."""
    parts = []
    for change in entry.data.get("changes") or []:
        name = change["field"]
        try:
            field_ = model._meta.get_field(name)
            label = str(field_.verbose_name)
            choices = dict(field_.flatchoices) if field_.choices else {}
        except Exception:  # a field since removed from the model
            label, choices = name, {}

        def shown(value, name=name, choices=choices):
            if isinstance(value, list) and value and names.knows(entry, name):
                return ", ".join(names(entry, name, one) for one in value)
            if value is not None and names.knows(entry, name):
                return names(entry, name, value)
            if value in choices:
                return str(choices[value])
            return value_text(value)

        parts.append(
            f"{label[:1].upper() + label[1:]}: {shown(change['old'])} → {shown(change['new'])}"
        )
    return "; ".join(parts)


def field_changes(obj: models.Model, fields: Mapping) -> list[dict]:
    """What setting `fields` on `obj` would change, as `changes` for the log (call before
    setting them). Objects are kept by their id, dates and times as ISO text."""

    def plain(value):
        if isinstance(value, models.Model):
            return value.pk
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value.astimezone(dt.UTC).isoformat()
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return list(value)
        if value is None or isinstance(value, (bool, int, str, float)):
            return value
        return str(value)

    changes = []
    for name, new in fields.items():
        field_ = obj._meta.get_field(name)
        old = getattr(obj, field_.attname) if field_.is_relation else getattr(obj, name)
        old, new = plain(old), plain(new)
        if old != new:
            changes.append({"field": name, "old": old, "new": new})
    return changes
