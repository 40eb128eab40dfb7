"""The access policy's foundation: who a user is in the programme, and how views ask.

The policy itself ("Who may see what" in docs/ and domain.md) is written once, as named rules in
each app's `rules.py`, on top of the `Standing` computed here. Views never check by hand: they
fetch objects with `get_visible_object_or_404` (an object the user may not see does not exist
for them: 404, so nothing leaks) and declare the permission they need on their class
(`PolicyRequiredMixin`), which answers 403 to a user who sees the object but may not do this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic.detail import SingleObjectMixin

STRATEGIST = "strateg"


@dataclass(frozen=True)
class OwnParticipation:
    """One organisation-in-a-round the user belongs to, and what they do there."""

    id: int
    round_id: int
    organisation_id: int
    role: str
    group_id: int | None
    functions: frozenset[str]


@dataclass(frozen=True)
class Standing:
    """Everything the policy needs to know about a user, read in at most two queries."""

    is_project_leader: bool = False
    participations: tuple[OwnParticipation, ...] = ()
    mentored_group_ids: frozenset[int] = frozenset()
    mentored_group_round_ids: frozenset[int] = frozenset()
    participation_ids: frozenset[int] = field(init=False)
    round_ids: frozenset[int] = field(init=False)
    organisation_ids: frozenset[int] = field(init=False)
    member_group_ids: frozenset[int] = field(init=False)
    strategist_participation_ids: frozenset[int] = field(init=False)

    def __post_init__(self):
        own = self.participations
        set_ = object.__setattr__
        set_(self, "participation_ids", frozenset(p.id for p in own))
        set_(self, "round_ids", frozenset(p.round_id for p in own))
        set_(self, "organisation_ids", frozenset(p.organisation_id for p in own))
        set_(
            self,
            "member_group_ids",
            frozenset(p.group_id for p in own if p.role == "participant" and p.group_id),
        )
        set_(
            self,
            "strategist_participation_ids",
            frozenset(p.id for p in own if p.role == "participant" and STRATEGIST in p.functions),
        )

    @property
    def visible_group_ids(self) -> frozenset[int]:
        """Groups the user's organisations are members of or mentor."""
        return self.member_group_ids | self.mentored_group_ids

    @property
    def is_mentor(self) -> bool:
        return bool(self.mentored_group_ids) or any(p.role == "mentor" for p in self.participations)

    @property
    def is_participant(self) -> bool:
        return any(p.role == "participant" for p in self.participations)


ANONYMOUS = Standing()


def standing(user) -> Standing:
    """The user's standing, computed once per user object (that is, once per request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_policy_standing", None)
    if cached is not None:
        return cached
    if user.is_project_leader or user.is_superuser:
        result = Standing(is_project_leader=True)
    else:
        result = _read_standing(user)
    user._policy_standing = result
    return result


def forget_standing(user) -> None:
    """Drop the cached standing, after a change to the user's functions in this request."""
    user.__dict__.pop("_policy_standing", None)


# The one function that reads a user's standing, registered by an app (see `reads_standing`).
_standing_readers: list[Callable[[object], Standing]] = []


def reads_standing(func: Callable[[object], Standing]):
    """Register the function that reads a user's standing from the apps' data. The core
    imports no app: the app that holds the functions and the mentorships registers it (the
    rounds app, in its `rules`)."""
    _standing_readers[:] = [func]
    return func


def _read_standing(user) -> Standing:
    if not _standing_readers:
        raise LookupError("No app has registered how a user's standing is read.")
    return _standing_readers[0](user)


# Predicates shared by every app's rules.


@rules.predicate
def is_project_leader(user) -> bool:
    return standing(user).is_project_leader


@rules.predicate
def takes_part_in_any_round(user) -> bool:
    return bool(standing(user).participations)


# Fetching objects through the policy.

_visibility: dict[type[Model], Callable[[object], QuerySet]] = {}
# Models whose view permission is decided from the row itself (and what the user's standing
# holds), by the name of that permission: see `visibility`.
_decided_by_row: dict[type[Model], str] = {}


def visibility(model: type[Model], *, permission: str | None = None):
    """Register the function that lists the objects of `model` a user may see.

    `permission` names the model's view permission where its rule reads nothing but the row
    (and the relations a page fetches with it): `get_visible_object_or_404` then reads the row
    by its lookup alone and asks the permission of it, instead of filtering by the visible
    objects in a subquery. tests/test_policy.py holds every model's queryset and view
    permission to the same objects."""

    def register(func: Callable[[object], QuerySet]):
        _visibility[model] = func
        if permission is not None:
            _decided_by_row[model] = permission
        return func

    return register


def visible(model: type[Model], user) -> QuerySet:
    """The objects of `model` the user may see; every model a view fetches is registered."""
    try:
        return _visibility[model](user)
    except KeyError:
        raise LookupError(f"No visibility rule is registered for {model.__name__}.") from None


def get_visible_object_or_404(model_or_queryset, user, **lookup):
    """Fetch one object the user may see, or 404 whether it is missing or hidden."""
    if isinstance(model_or_queryset, QuerySet):
        model, queryset = model_or_queryset.model, model_or_queryset
    else:
        model, queryset = model_or_queryset, model_or_queryset._default_manager.all()
    by_row = model in _decided_by_row
    if not by_row and not standing(user).is_project_leader:
        queryset = queryset.filter(pk__in=visible(model, user).values("pk"))
    try:
        obj = queryset.get(**lookup)
    except model.DoesNotExist:
        obj = None
    if by_row or obj is None:
        return visible_or_404(user, obj)  # asks the row's permission, or says 404
    return obj


def visible_or_404(user, obj):
    """`obj`, read already by a page that needed more of its kind than the one, if the user may
    see it; 404 when it is missing (None) or hidden, as from `get_visible_object_or_404`."""
    if obj is not None and (standing(user).is_project_leader or _sees(user, obj)):
        return obj
    raise Http404(_("No such page, or it is not yours to see."))


def _sees(user, obj) -> bool:
    """Whether the policy lets `user` see `obj`: its view permission asked of the row where
    that decides, else whether it is among the visible objects of its kind."""
    permission = _decided_by_row.get(type(obj))
    if permission is not None:
        return user.has_perm(permission, obj)
    return visible(type(obj), user).filter(pk=obj.pk).exists()


def require(user, permission: str, obj=None) -> None:
    """Raise 403 unless the user has `permission` (on `obj`)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


class PolicyRequiredMixin:
    """For class-based views: fetch the view's object through the policy and check the
    permission the view declares. Every view that shows or changes programme data uses it.

    `permission_required` names a rule (e.g. "rounds.view_round"). The object is the
    `SingleObjectMixin` object, or, for any other view of one object (a list under a round,
    say), the one `policy_lookup` addresses in `policy_queryset`: field lookup → URL keyword,
    such as `{"slug": "round_slug"}`. A view of no one object checks the rule on None. A view
    that finds its object another way overrides `fetch_policy_object`; either way the object
    is fetched once a request.
    """

    permission_required: str = ""
    policy_queryset: QuerySet | None = None
    policy_lookup: dict[str, str] = {}

    def get_policy_queryset(self) -> QuerySet:
        return self.policy_queryset.all()

    def get_policy_object(self):
        """The object the permission is checked on, fetched once a request."""
        if getattr(self, "_policy_object", None) is None:
            self._policy_object = self.fetch_policy_object()
        return self._policy_object

    def fetch_policy_object(self):
        """The view's object through the policy (404 when missing or hidden); None for a view
        of no one object."""
        if self.policy_lookup:
            return get_visible_object_or_404(
                self.get_policy_queryset(),
                self.request.user,
                **{field: self.kwargs[kwarg] for field, kwarg in self.policy_lookup.items()},
            )
        if isinstance(self, SingleObjectMixin):
            return self.get_object()
        return None

    def get_object(self, queryset=None):
        """`SingleObjectMixin.get_object`, but through the policy: hidden is missing."""
        cached = getattr(self, "_policy_object", None)
        if cached is not None:
            return cached
        queryset = self.get_queryset() if queryset is None else queryset
        lookup = {}
        pk = self.kwargs.get(self.pk_url_kwarg)
        slug = self.kwargs.get(self.slug_url_kwarg)
        if pk is not None:
            lookup["pk"] = pk
        if slug is not None:
            lookup[self.get_slug_field()] = slug
        if not lookup:
            raise AttributeError(f"{type(self).__name__} has no pk or slug in its URL.")
        self._policy_object = get_visible_object_or_404(queryset, self.request.user, **lookup)
        return self._policy_object

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_required:
            raise AttributeError(f"{type(self).__name__} declares no permission_required.")
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require(request.user, self.permission_required, self.get_policy_object())
        return super().dispatch(request, *args, **kwargs)
