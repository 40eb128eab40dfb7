"""The few model pieces every app shares."""

import functools
from contextlib import nullcontext

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldError, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, Q, Value
from django.db.models.expressions import DatabaseDefault
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history import manager as history_manager
from simple_history import models as history_models


class TimeStampedModel(models.Model):
    """Rows that record when they were created and last changed."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class HistoryManager(history_manager.HistoryManager):
    """django-simple-history's manager of a model's history, its class made once.

    The library's `Model.history` descriptor makes a new manager class at every access
    (`Manager.from_queryset`, which inspects every method of the queryset class), and every
    save of a model with history reads `Model.history` to write its row: 265 µs an access on
    the 2-core machine, 6 µs with the class made once per queryset class (it is the same class
    each time). Building the demo's earlier round through the services reads it 725 times."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(history_models.HistoricalRecords):
    """django-simple-history's `HistoricalRecords`, with `HistoryManager`: every model with
    history declares it with this one."""

    def __init__(self, *args, history_manager=HistoryManager, **kwargs):
        super().__init__(*args, history_manager=history_manager, **kwargs)


class ChecksInOneQuery(models.Model):
    """A model whose check constraints `full_clean` evaluates in one query, not one each.

    Django evaluates each `CheckConstraint` of a model with a query of its own, in a savepoint
    of its own inside a transaction: three statements per constraint for every `full_clean`
    (Participation has five). Here every check constraint of the model is one column of one
    `SELECT` of the instance's values, in one savepoint, and the errors are Django's: the same
    messages and codes, in the order of the model's constraints. A condition that names a field
    left out (`exclude`) is not checked, as in Django; where the conditions cannot go into one
    query (such a field, an unexpected database error), Django checks them one by one."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        errors = {}
        for model_class, constraints in self.get_constraints():
            passed = _check_conditions(self, model_class, constraints, exclude, using)
            for number, constraint in enumerate(constraints):
                try:
                    if number not in passed:
                        constraint.validate(model_class, self, exclude=exclude, using=using)
                    elif not passed[number]:
                        raise ValidationError(
                            constraint.get_violation_error_message(),
                            code=constraint.violation_error_code,
                        )
                except ValidationError as error:  # gathered as Model.validate_constraints does
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def _check_conditions(instance, model_class, constraints, exclude, using) -> dict:
    """Whether `instance` meets each check constraint of `constraints` whose fields are all
    there (position in `constraints` → bool), from one query; {} for "check them one by one"."""
    connection = connections[using]
    if not connection.features.supports_comparing_boolean_expr:
        return {}
    against = instance._get_field_expression_map(meta=model_class._meta, exclude=exclude)
    # Django skips a condition that names a field left out (its query raises FieldError).
    checks = [
        (number, constraint)
        for number, constraint in enumerate(constraints)
        if isinstance(constraint, models.CheckConstraint)
        and Q(constraint.condition).referenced_base_fields <= against.keys()
    ]
    if not checks:
        return {}
    query = Query(None)
    for name, value in against.items():
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    try:
        for number, constraint in checks:
            # As Q.check: a condition that is NULL (unknown) passes, as in the database.
            condition = ExpressionWrapper(Q(constraint.condition), output_field=BooleanField())
            query.add_annotation(
                Coalesce(condition, True, output_field=BooleanField()), f"_check_{number}"
            )
        compiler = query.get_compiler(using=using)
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            row = compiler.execute_sql(SINGLE)
    except (FieldError, DatabaseError):
        return {}
    return {number: bool(value) for (number, _), value in zip(checks, row, strict=True)}


class KeysInOneQuery(models.Model):
    """A model whose foreign keys `full_clean` looks up in one query, not one each.

    Django's `ForeignKey.validate` asks the database whether the row each key points at
    exists, one `exists()` query per key that is set (a self-assessment's participation and
    meeting at every autosave). Here those keys are one `EXISTS` column each of one `SELECT`,
    and the errors are Django's: the same messages, codes and parameters, a field's first error
    only, the fields in the model's order. Everything else of `clean_fields` is Django's own
    (the other fields, and each key's conversion, null, blank and choices checks and
    validators); a key whose model another database holds (a router) is looked up alone."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        keys = [
            field
            for field in self._meta.fields
            if field.many_to_one
            and not field.remote_field.parent_link
            and not field.generated
            and field.name not in exclude
        ]
        if len(keys) < 2:
            return super().clean_fields(exclude=exclude)
        errors = {}
        try:
            super().clean_fields(exclude=exclude | {field.name for field in keys})
        except ValidationError as error:
            errors = error.error_dict
        values = {}
        for field in keys:  # Field.clean up to ForeignKey.validate's query, as Django skips
            raw = getattr(self, field.attname)
            if (field.blank and raw in field.empty_values) or isinstance(raw, DatabaseDefault):
                continue
            try:
                value = field.to_python(raw)
                models.Field.validate(field, value, self)
            except ValidationError as error:
                errors[field.name] = error.error_list
            else:
                values[field] = value
        found = _keys_found(self, [(f, v) for f, v in values.items() if v is not None])
        for field, value in values.items():
            try:
                if value is not None and not found[field]:
                    raise ValidationError(
                        field.error_messages["invalid"],
                        code="invalid",
                        params={
                            "model": field.remote_field.model._meta.verbose_name,
                            "pk": value,
                            "field": field.remote_field.field_name,
                            "value": value,
                        },
                    )
                field.run_validators(value)
                setattr(self, field.attname, value)
            except ValidationError as error:
                errors[field.name] = error.error_list
        if errors:
            raise ValidationError(
                {
                    field.name: errors[field.name]
                    for field in self._meta.fields
                    if field.name in errors
                }
            )


def _keys_found(instance, keys: list) -> dict:
    """Whether the row each (foreign key, value) of `keys` points at exists (with the key's
    `limit_choices_to`), as Django's `ForeignKey.validate` asks: one query for them all where
    they are read from one database, one each otherwise."""
    lookups = {
        field: field.remote_field.model._base_manager.using(
            router.db_for_read(field.remote_field.model, instance=instance)
        )
        .filter(**{field.remote_field.field_name: value})
        .complex_filter(field.get_limit_choices_to())
        for field, value in keys
    }
    databases = {lookup.db for lookup in lookups.values()}
    if len(lookups) < 2 or len(databases) > 1:
        return {field: lookup.exists() for field, lookup in lookups.items()}
    query = Query(None)
    for number, lookup in enumerate(lookups.values()):
        query.add_annotation(Exists(lookup), f"_key_{number}")
    row = query.get_compiler(using=databases.pop()).execute_sql(SINGLE)
    return {field: bool(value) for field, value in zip(lookups, row, strict=True)}


class Submittable(models.Model):
    """What an organisation writes and submits (a self-assessment, a result report): a draft
    until it is submitted, then reopened for changes with a reason, and a revision that goes
    up with every save so that a save made on old data is refused.

    The fields keep the definitions the models had when each declared its own, so the
    migrations do not change; Django orders a model's fields by their creation, so these come
    after the time stamps and before the model's own fields."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    reopened_reason = models.TextField(_("reason for reopening"), blank=True)
    revision = models.PositiveIntegerField(
        _("revision"),
        default=0,
        help_text=_("Goes up with every save, so that a save made on old data is refused."),
    )

    class Meta:
        abstract = True

    def mark_reopened(self, *, by, reason: str) -> None:
        """Record who reopened it for changes, when and why (the caller saves)."""
        self.reopened_at = timezone.now()
        self.reopened_by = by
        self.reopened_reason = reason


class LogEntry(KeysInOneQuery):
    """One thing that happened, as the action log records it (see `modellkoncept.actions`).

    It lives in the core, below every app, so that every app's services can write it: the object
    is named by a generic relation (content type and id) and the round by its id alone, never by a
    foreign key to an app, so the core still imports no app and the entry outlives what it names
    (a removed group or meeting keeps its history, with the name it had in `data`).
    """

    action_type = models.CharField(_("action"), max_length=80, db_index=True)
    datetime = models.DateTimeField(_("when"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("kind of object")
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    content_object = GenericForeignKey("content_type", "object_id")
    round_id = models.PositiveBigIntegerField(_("round"), null=True, blank=True, db_index=True)
    data = models.JSONField(_("values"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["-datetime", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-id"], name="logentry_object"),
            models.Index(fields=["round_id", "-datetime"], name="logentry_round"),
        ]

    def __str__(self):
        return f"{self.datetime:%Y-%m-%d %H:%M} {self.action_type}"
