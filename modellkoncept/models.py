"""The few model pieces every app shares."""

import functools
from contextlib import nullcontext

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldError, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
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


class LogEntry(models.Model):
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
