"""Forming benchmarking groups and pairing them with mentors.

The module is deliberately free of Django: the views hand it plain codes and coordinates and
turn the frozen results into pages or JSON, which keeps the optimisation testable on its own.
Distances are great-circle kilometres because travel between members is what a group costs.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, combinations, pairwise

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def linear_sum_assignment(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SciPy's optimal assignment (rows, columns) of a cost matrix. SciPy's optimiser is
    imported here, when it is first needed: it takes a third of a second to load, and every
    process (each web and Celery worker, each command) would otherwise load it at start."""
    from scipy.optimize import linear_sum_assignment as solve

    return solve(cost)


# Improvements smaller than this are rounding noise; ignoring them guarantees termination.
_EPS_KM = 1e-9
# Beyond this many places the exact solver's 2**n tables would cost seconds and gigabytes.
_EXACT_MAX = 20
# How many nearest organisations make two groups "neighbours" worth re-partitioning together.
_NEIGHBOURS = 10
# Neighbouring groups tried three at a time, and ejection-chain alternatives tried per depth.
_TRIPLE_SCOPE = 6
_CHAIN_BREADTH = (5, 3, 2) + (1,) * 17


@dataclass(frozen=True)
class Place:
    """An organisation as the matcher sees it: who it is and where it is, nothing else."""

    code: str
    lat: float
    lon: float


class MatchingError(ValueError):
    """Input the matcher cannot honour; ``codes`` lets the caller point at the culprits."""

    def __init__(self, message: str, codes: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.codes: list[str] = sorted(codes)


@dataclass(frozen=True)
class GroupProposal:
    """A partition with its cost; ``exact`` tells the leader whether it could be improved."""

    groups: tuple[tuple[str, ...], ...]
    total_km: float
    exact: bool


@dataclass(frozen=True)
class MentorCandidate:
    """An organisation willing to mentor, and how many groups it can take on."""

    place: Place
    capacity: int = 1


@dataclass(frozen=True)
class GroupToMentor:
    """A formed group waiting for a mentor; ``name`` is how the caller refers to it."""

    name: str
    members: tuple[Place, ...]


@dataclass(frozen=True)
class MentorAssignment:
    """One group's mentor, with the next best option so the leader can judge the margin.

    The runner-up is the nearest other allowed candidate, even one that is busy elsewhere, since
    it answers "who else would have been close" rather than "who else is free".
    """

    group: str
    mentor: str
    distance_km: float
    locked: bool
    runner_up: str | None
    runner_up_distance_km: float | None


@dataclass(frozen=True)
class MentorProposal:
    """Assignments ordered by group name, plus the groups no allowed mentor was left for."""

    assignments: tuple[MentorAssignment, ...]
    unmatched: tuple[str, ...]
    total_km: float


def haversine_km(a: Place, b: Place) -> float:
    """Great-circle distance; the haversine form stays accurate for neighbouring towns."""
    lat_a, lat_b = math.radians(a.lat), math.radians(b.lat)
    h = (
        math.sin((lat_b - lat_a) / 2) ** 2
        + math.cos(lat_a) * math.cos(lat_b) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(h, 1.0)))


def mentor_group_distance_km(mentor: Place, members: Sequence[Place]) -> float:
    """Mean distance, so that groups of 2 and 3 are compared on the same scale."""
    if not members:
        raise MatchingError("A group needs at least one member to be given a mentor.")
    return sum(haversine_km(mentor, m) for m in members) / len(members)


def group_cost_km(members: Sequence[Place]) -> float:
    """Sum over all pairs, because every member travels to every other one."""
    return sum(haversine_km(a, b) for a, b in combinations(members, 2))


def propose_groups(
    places: Sequence[Place], *, fixed: Sequence[Sequence[str]] = (), exact_limit: int = 16
) -> GroupProposal:
    """Split ``places`` into groups of 2 or 3 with the least total within-group distance.

    Every non-empty entry of ``fixed`` is a seed the project leader chose: its members end up in
    the same group, which may be completed from the free organisations, and two seeds are never
    merged. Up to ``exact_limit`` places the answer is provably optimal; time and memory grow as
    2**n (16 places take hundredths of a second, 20 about half a second), so the limit is capped
    at 20. Beyond it a deterministic local search is used, and ``exact_limit=0`` forces that. Places
    are handled in code order, so the result does not depend on the order of the input and ties
    go to the lower codes.
    """
    ordered = sorted(places, key=lambda p: p.code)
    _check_coordinates(ordered)
    _reject_duplicates([p.code for p in ordered], "organisation codes")
    if len(ordered) < 2:
        raise MatchingError("At least two organisations are needed to form a group.")
    units, seeded = _units(ordered, fixed)
    _check_feasible(ordered, units, seeded)
    dist = _distance_matrix(ordered, ordered)
    exact = len(ordered) <= min(exact_limit, _EXACT_MAX)
    solve = _exact_partition if exact else _heuristic_partition
    groups = sorted(
        tuple(sorted(ordered[p].code for u in group for p in units[u]))
        for group in solve(dist, units, seeded)
    )
    by_code = {p.code: p for p in ordered}
    total = sum(group_cost_km([by_code[c] for c in group]) for group in groups)
    return GroupProposal(groups=tuple(groups), total_km=total, exact=exact)


def propose_mentors(
    groups: Sequence[GroupToMentor],
    candidates: Sequence[MentorCandidate],
    *,
    locked: Mapping[str, str] | None = None,
    allowed: Callable[[GroupToMentor, MentorCandidate], bool] | None = None,
) -> MentorProposal:
    """Give as many groups as possible a mentor, with the least total distance among those.

    ``locked`` (group name -> mentor code) pairs are kept as they are and use up capacity; they
    are only checked against the candidates, since eligibility is the caller's business, as is
    ``allowed``, which can forbid pairs (for instance a regional mentor for a municipal group).
    Candidate capacities become assignment columns; one "no mentor" column per group with a cost
    above any possible sum of real distances makes a real match always win over none, so the
    solver maximises the number of matches first and the distance second.
    """
    locked = dict(locked or {})
    _reject_duplicates([g.name for g in groups], "group names")
    _reject_duplicates([c.place.code for c in candidates], "mentor codes")
    _check_coordinates([c.place for c in candidates] + [m for g in groups for m in g.members])
    if empty := [g.name for g in groups if not g.members]:
        raise MatchingError("Groups without members cannot be given a mentor.", empty)
    if negative := [c.place.code for c in candidates if c.capacity < 0]:
        raise MatchingError("A mentor's capacity cannot be negative.", negative)
    by_name = {g.name: g for g in groups}
    by_code = {c.place.code: c for c in candidates}
    if unknown := [name for name in locked if name not in by_name]:
        raise MatchingError("Locked mentors refer to unknown groups.", unknown)
    if unknown := {code for code in locked.values() if code not in by_code}:
        raise MatchingError("Locked mentors are not among the mentor candidates.", unknown)
    used = Counter(locked.values())
    if over := [code for code, n in used.items() if n > by_code[code].capacity]:
        raise MatchingError("Locked mentors exceed their capacity.", over)

    names = sorted(by_name)
    codes = sorted(by_code)
    dist = _mentor_distances([by_name[n] for n in names], [by_code[c].place for c in codes])
    ok = np.array(
        [[allowed is None or allowed(by_name[n], by_code[c]) for c in codes] for n in names],
        dtype=bool,
    ).reshape(len(names), len(codes))
    row = {n: i for i, n in enumerate(names)}
    col = {c: j for j, c in enumerate(codes)}

    open_rows = [row[n] for n in names if n not in locked]
    slots = [
        col[c] for c in codes for _ in range(min(by_code[c].capacity - used[c], len(open_rows)))
    ]
    real = np.where(ok, dist, np.inf)[np.ix_(open_rows, slots)]
    finite = real[np.isfinite(real)]
    no_mentor = 1.0 + len(open_rows) * (float(finite.max()) if finite.size else 0.0)
    cost = np.hstack([real, np.full((len(open_rows), len(open_rows)), no_mentor)])
    chosen = dict(zip(*(idx.tolist() for idx in linear_sum_assignment(cost)), strict=True))
    mentor_of = {name: col[code] for name, code in locked.items()}
    for r, i in enumerate(open_rows):
        if chosen[r] < len(slots):
            mentor_of[names[i]] = slots[chosen[r]]

    assignments = []
    for name in sorted(mentor_of):
        i, j = row[name], mentor_of[name]
        others = [k for k in range(len(codes)) if k != j and ok[i, k]]
        runner = min(others, key=lambda k: (dist[i, k], codes[k]), default=None)
        assignments.append(
            MentorAssignment(
                group=name,
                mentor=codes[j],
                distance_km=float(dist[i, j]),
                locked=name in locked,
                runner_up=None if runner is None else codes[runner],
                runner_up_distance_km=None if runner is None else float(dist[i, runner]),
            )
        )
    return MentorProposal(
        assignments=tuple(assignments),
        unmatched=tuple(n for n in names if n not in mentor_of),
        total_km=sum(a.distance_km for a in assignments),
    )


# --- validation --------------------------------------------------------------------------------


def _check_coordinates(places: Iterable[Place]) -> None:
    if bad := {p.code for p in places if not (math.isfinite(p.lat) and math.isfinite(p.lon))}:
        raise MatchingError("Some organisations lack valid coordinates.", bad)


def _reject_duplicates(keys: Iterable[str], what: str) -> None:
    """Catch repeats before they are silently collapsed into dictionary keys."""
    if repeated := [k for k, n in Counter(keys).items() if n > 1]:
        raise MatchingError(f"Duplicate {what}.", repeated)


def _units(
    ordered: Sequence[Place], fixed: Sequence[Sequence[str]]
) -> tuple[list[tuple[int, ...]], list[bool]]:
    """Turn seeds into indivisible units so the solvers never have to check them again.

    Units are ordered by their lowest place index (that is, code), which keeps ties stable.
    """
    index = {p.code: i for i, p in enumerate(ordered)}
    if any(isinstance(seed, str) for seed in fixed):
        raise TypeError("Each fixed group must be a sequence of codes, not a single string.")
    seeds = [list(seed) for seed in fixed if len(seed)]
    if unknown := {c for seed in seeds for c in seed if c not in index}:
        raise MatchingError("Fixed groups name unknown organisations.", unknown)
    _reject_duplicates([c for seed in seeds for c in seed], "codes in the fixed groups")
    if big := [c for seed in seeds if len(seed) > 3 for c in seed]:
        raise MatchingError("A fixed group can have at most 3 members.", big)
    seed_of = {index[c]: tuple(sorted(index[c] for c in seed)) for seed in seeds for c in seed}
    units: list[tuple[int, ...]] = []
    seeded: list[bool] = []
    for i in range(len(ordered)):
        unit = seed_of.get(i, (i,))
        if unit[0] == i:
            units.append(unit)
            seeded.append(i in seed_of)
    return units, seeded


def _check_feasible(
    ordered: Sequence[Place], units: Sequence[tuple[int, ...]], seeded: Sequence[bool]
) -> None:
    """Counting argument: lone seeds need a free member each, and one spare is never enough.

    Seeds of one take 1-2 free members and seeds of two 0-1, so any surplus of free members can
    be absorbed or form groups of its own unless it is a single organisation with nowhere to go.
    """
    free = [ordered[u[0]].code for u, s in zip(units, seeded, strict=True) if not s]
    lone = [ordered[u[0]].code for u, s in zip(units, seeded, strict=True) if s and len(u) == 1]
    pairs = sum(1 for u, s in zip(units, seeded, strict=True) if s and len(u) == 2)
    if len(free) < len(lone):
        raise MatchingError(
            "There are not enough free organisations to complete the fixed groups.", lone
        )
    if len(free) == 1 and not lone and not pairs:
        raise MatchingError("This organisation cannot join any group: all are complete.", free)


# --- shared helpers ------------------------------------------------------------------------------


def _distance_matrix(a: Sequence[Place], b: Sequence[Place]) -> np.ndarray:
    """Vectorised ``haversine_km``; the same formula keeps both paths consistent."""
    lat_a, lon_a = np.radians([[p.lat for p in a], [p.lon for p in a]]).reshape(2, -1, 1)
    lat_b, lon_b = np.radians([[p.lat for p in b], [p.lon for p in b]]).reshape(2, 1, -1)
    h = (
        np.sin((lat_b - lat_a) / 2) ** 2
        + np.cos(lat_a) * np.cos(lat_b) * np.sin((lon_b - lon_a) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def _mentor_distances(groups: Sequence[GroupToMentor], mentors: Sequence[Place]) -> np.ndarray:
    """Vectorised ``mentor_group_distance_km``: one row per group, one column per mentor."""
    to_members = _distance_matrix([m for g in groups for m in g.members], mentors)
    bounds = np.cumsum([0, *(len(g.members) for g in groups)])
    means = [to_members[a:b].mean(axis=0) for a, b in pairwise(bounds.tolist())]
    return np.array(means).reshape(len(groups), len(mentors))


def _candidate_groups(
    low: int, others: Sequence[int], units: Sequence[tuple[int, ...]], seeded: Sequence[bool]
) -> Iterator[tuple[int, ...]]:
    """Groups containing unit ``low`` plus 0-2 of ``others``: 2-3 places, at most one seed."""
    for k in range(3):
        for extra in combinations(others, k):
            group = (low, *extra)
            if 2 <= sum(len(units[u]) for u in group) <= 3 and sum(seeded[u] for u in group) <= 1:
                yield group


def _cost(dist: Sequence[Sequence[float]], places: Sequence[int]) -> float:
    return sum(dist[a][b] for a, b in combinations(places, 2))


# --- exact solver --------------------------------------------------------------------------------


def _exact_partition(
    dist: np.ndarray, units: Sequence[tuple[int, ...]], seeded: Sequence[bool]
) -> list[tuple[int, ...]]:
    """Dynamic programme over subsets of units, vectorised per candidate group.

    ``best[mask]`` is the cheapest partition of the units in ``mask``. The lowest unit of a mask
    must be in some group, so only groups starting at it are tried; masks are filled from the
    highest lowest-unit downwards, which guarantees their remainders are already final.
    """
    k = len(units)
    best = np.full(1 << k, np.inf)
    best[0] = 0.0
    choice = np.zeros(1 << k, dtype=np.int32)
    for low in reversed(range(k)):
        for group in _candidate_groups(low, range(low + 1, k), units, seeded):
            gmask = sum(1 << u for u in group)
            rest = np.arange(1 << (k - low - len(group)), dtype=np.int64)
            for u in group[1:]:  # make room for the group's own bits (ascending positions)
                p = u - low - 1
                rest = ((rest >> p) << (p + 1)) | (rest & ((1 << p) - 1))
            rest <<= low + 1
            masks = rest | gmask
            total = best[rest] + _cost(dist, [p for u in group for p in units[u]])
            better = total < best[masks]
            best[masks[better]] = total[better]
            choice[masks[better]] = gmask
    mask, groups = (1 << k) - 1, []
    if not math.isfinite(best[mask]):  # _check_feasible should have caught this
        raise MatchingError("These organisations cannot be split into groups of 2 or 3.")
    while mask:
        gmask = int(choice[mask])
        groups.append(tuple(u for u in range(k) if gmask >> u & 1))
        mask ^= gmask
    return groups


def _best_partition(
    dist: Sequence[Sequence[float]],
    pool: tuple[int, ...],
    units: Sequence[tuple[int, ...]],
    seeded: Sequence[bool],
    bound: float,
) -> tuple[float, list[tuple[int, ...]]] | None:
    """Optimal partition of a handful of units cheaper than ``bound``, by branch and bound."""
    if not pool:
        return 0.0, []
    found = None
    for group in _candidate_groups(pool[0], pool[1:], units, seeded):
        cost = _cost(dist, [p for u in group for p in units[u]])
        if cost >= bound:
            continue
        rest = tuple(u for u in pool[1:] if u not in group)
        sub = _best_partition(dist, rest, units, seeded, bound - cost)
        if sub is not None:
            bound = cost + sub[0]
            found = (bound, [group, *sub[1]])
    return found


# --- heuristic -----------------------------------------------------------------------------------


def _heuristic_partition(
    dist: np.ndarray, units: Sequence[tuple[int, ...]], seeded: Sequence[bool]
) -> list[tuple[int, ...]]:
    """Greedy start, then local search until no move improves the total."""
    return _improve(dist, units, seeded, _greedy_partition(dist, units, seeded))


def _greedy_partition(
    dist: np.ndarray, units: Sequence[tuple[int, ...]], seeded: Sequence[bool]
) -> list[list[int]]:
    """A feasible start: lone seeds get their nearest free members, the rest pair up greedily.

    Pairs are what an optimum mostly consists of (a third member costs two extra distances), so
    closest-pair matching is a good start and leaves at most one organisation to slot in.
    """
    free = [u for u, s in enumerate(seeded) if not s]
    lone = [u for u, s in enumerate(seeded) if s and len(units[u]) == 1]
    groups = [[u] for u, s in enumerate(seeded) if s and len(units[u]) > 1]
    if lone:
        rows, cols = linear_sum_assignment(
            dist[np.ix_([units[u][0] for u in lone], [units[u][0] for u in free])]
        )
        groups += [[lone[r], free[c]] for r, c in zip(rows.tolist(), cols.tolist(), strict=True)]
        taken = {free[c] for c in cols.tolist()}
        free = [u for u in free if u not in taken]
    first = [units[u][0] for u in free]
    left, right = np.triu_indices(len(free), 1)
    order = np.argsort(dist[first][:, first][left, right], kind="stable")
    paired: set[int] = set()
    for a, b in zip(left[order].tolist(), right[order].tolist(), strict=True):
        if len(free) - len(paired) < 2:
            break
        if a not in paired and b not in paired:
            paired |= {a, b}
            groups.append([free[a], free[b]])
    for a in sorted(set(range(len(free))) - paired):  # at most one, by the counting argument
        place = units[free[a]][0]
        target = min(
            (g for g in groups if sum(len(units[u]) for u in g) == 2),
            key=lambda g: sum(dist[place, p] for u in g for p in units[u]),
        )
        target.append(free[a])
    return groups


def _improve(
    dist: np.ndarray,
    units: Sequence[tuple[int, ...]],
    seeded: Sequence[bool],
    start: Iterable[Sequence[int]],
) -> list[tuple[int, ...]]:
    """Local search over neighbouring groups until no move improves the total.

    Moves, in increasing reach: re-partitioning a group optimally together with one neighbouring
    group (this covers every move and swap between them), together with two (which can dissolve
    a group into its neighbours), and ejection chains, where a member displaces one of a nearby
    group, which displaces the next, and so on. Chains shift the odd triple or re-pair a whole
    row of organisations, which no bounded neighbourhood can. Every new group is queued, so the
    search ends when no group has an improving move left; nothing is random, so it is repeatable.
    """
    table = dist.tolist()
    size = [len(unit) for unit in units]
    unit_of = {p: u for u, unit in enumerate(units) for p in unit}
    near = np.argsort(dist, axis=1, kind="stable")[:, 1 : _NEIGHBOURS + 1].tolist()
    groups: dict[int, tuple[int, ...]] = {}
    cost: dict[int, float] = {}
    group_of: dict[int, int] = {}
    queue: deque[int] = deque()

    def price(members: Sequence[int]) -> float:
        return _cost(table, [p for u in members for p in units[u]])

    def valid(members: Sequence[int]) -> bool:
        return (
            2 <= sum(map(size.__getitem__, members)) <= 3
            and sum(map(seeded.__getitem__, members)) <= 1
        )

    def neighbours(members: Sequence[int]) -> list[int]:
        """Groups holding the organisations nearest to ``members``, nearest first."""
        places = [p for u in members for p in units[u]]
        ranked = sorted(
            {q for p in places for q in near[p]},
            key=lambda q: (min(table[p][q] for p in places), q),
        )
        return list(dict.fromkeys(group_of[unit_of[q]] for q in ranked))

    def repartition(gid: int) -> tuple[Iterable[int], list[tuple[int, ...]]] | None:
        others = [g for g in neighbours(groups[gid]) if g != gid]
        pairs = ((gid, other) for other in others)
        triples = ((gid, *two) for two in combinations(others[:_TRIPLE_SCOPE], 2))
        for olds in chain(pairs, triples):
            pool = tuple(sorted(u for g in olds for u in groups[g]))
            bound = sum(cost[g] for g in olds) - _EPS_KM
            if found := _best_partition(table, pool, units, seeded, bound):
                return olds, found[1]
        return None

    def eject(gid: int) -> tuple[Iterable[int], list[tuple[int, ...]]] | None:
        for x in groups[gid]:
            rest = tuple(u for u in groups[gid] if u != x)
            if found := extend(x, cost[gid] - price(rest), gid, {gid: rest}, 0):
                return found.keys(), list(found.values())
        return None

    def extend(
        x: int, gain: float, origin: int, changes: dict[int, tuple[int, ...]], depth: int
    ) -> dict[int, tuple[int, ...]] | None:
        """Place the displaced unit ``x``; ``gain`` is what the chain has saved so far.

        A chain ends by filling the gap it left at ``origin`` or, if that group is still valid
        without its member, by joining a group with room. Only chains whose running gain stays
        positive are followed, the best few at shallow depths, as in Lin-Kernighan.
        """
        options = []
        for h in neighbours((x,)):
            if h == origin:
                new = (*changes[h], x)
                if valid(new) and gain + price(changes[h]) - price(new) > _EPS_KM:
                    return {**changes, h: new}
            elif h not in changes:
                new = (*groups[h], x)
                if valid(new) and valid(changes[origin]) and gain + cost[h] - price(new) > _EPS_KM:
                    return {**changes, h: new}
                for y in groups[h]:
                    new = (*(u for u in groups[h] if u != y), x)
                    if valid(new) and (kept := gain + cost[h] - price(new)) > _EPS_KM:
                        options.append((-kept, h, y, new))
        if depth < len(_CHAIN_BREADTH):
            for lost, h, y, new in sorted(options)[: _CHAIN_BREADTH[depth]]:
                if found := extend(y, -lost, origin, {**changes, h: new}, depth + 1):
                    return found
        return None

    def add(members: Sequence[int]) -> None:
        gid = len(cost)
        groups[gid] = tuple(sorted(members))
        cost[gid] = price(members)
        group_of.update((u, gid) for u in members)
        queue.append(gid)

    for members in sorted(sorted(g) for g in start):
        add(members)
    while queue:
        gid = queue.popleft()
        if gid in groups and (found := repartition(gid) or eject(gid)):
            olds, news = found
            for old in list(olds):
                del groups[old]
            for members in news:
                add(members)
    return list(groups.values())
