"""Each person's current level per skill, kept in ``current_levels`` (issue 25).

The rows are the current-level and target rules (services/standing.py, their
SQL forms) applied to the latest results, the manager's overrides and the role
profile's targets: one row per person and skill. They are rewritten in the
transaction that changes what they depend on, whatever code makes the change,
the way curriculum/versions.py bumps its versions:

- a result, an override or a person added or changed (their role profile, team,
  active flag) marks that person; session events see ORM objects and the
  parameters of bulk statements;
- a change to levels, skills, role profiles or role targets, a team deleted
  (the database moves its members out), or a bulk statement whose people cannot
  be told, marks everyone;
- just before the commit, the marked people's rows are deleted and selected
  afresh from the history in two statements.

``verify`` recomputes every person's standing with the Python form of the rules
(person_record, the path's own code) and lists each difference:
``flask --app run levels verify``; ``rebuild`` rewrites every row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, delete, event, insert, inspect, literal, select, true
from sqlalchemy.orm import InstanceState, ORMExecuteState, Session, aliased

from skillgap.kinds import QuizKind
from skillgap.models import (
    ContentVersion,
    KeptLevel,
    Level,
    RoleTarget,
    Skill,
    SkillResult,
    TargetOverride,
    Team,
    User,
)
from skillgap.services.standing import current_level_sql, latest_of_kind, target_level_sql

MARKED_KEY = "skillgap.levels_marked"  # session.info: set of user ids, or EVERYONE
EVERYONE = "everyone"
PERSONAL_TABLES = frozenset({"skill_results", "target_overrides"})
EVERYONE_TABLES = frozenset({"levels", "skills", "role_profiles", "role_targets"})
USER_COLUMNS = frozenset({"role_profile", "team_id", "active"})
IDS_PER_STATEMENT = 500
COLUMNS = (
    "user_id",
    "skill_id",
    "level_id",
    "tested_level_id",
    "result_id",
    "percent",
    "low_evidence",
    "certainty",
    "self_level_id",
    "target_level_id",
    "target_source",
    "level_position",
    "target_position",
    "team_id",
    "active",
)


def kept_rows(people: Any = None):
    """SELECT of the rows as the rules give them, for the people ``people`` (a
    condition on User) or for everyone."""
    tested, rated = aliased(SkillResult), aliased(SkillResult)
    override, role = aliased(TargetOverride), aliased(RoleTarget)
    by_position = select(Level.id).order_by(Level.position, Level.id).limit(1)
    lowest = by_position.scalar_subquery()
    default = by_position.offset(1).scalar_subquery()  # entry: services/standing.default_target
    current = current_level_sql(tested.level_id, rated.level_id, lowest)
    target = target_level_sql(override.level_id, role.level_id, default)

    def position_of(level_id: Any) -> Any:  # Level.position, as LevelInfo.position is
        level = aliased(Level)
        return select(level.position).where(level.id == level_id).scalar_subquery()

    statement = (
        select(
            User.id,
            Skill.id,
            current,
            tested.level_id,
            tested.id,
            tested.percent,
            func_false_if_null(tested.low_evidence),
            tested.certainty,
            rated.level_id,
            target,
            case(
                (override.level_id.is_not(None), literal("manager")),
                (role.level_id.is_not(None), literal("role")),
                else_=literal("default"),
            ),
            position_of(current),
            position_of(target),
            User.team_id,
            User.active,
        )
        .select_from(User)
        .join(Skill, true())
        .outerjoin(tested, latest_of_kind(tested, User.id, Skill.id, QuizKind.DIAGNOSTIC))
        .outerjoin(rated, latest_of_kind(rated, User.id, Skill.id, QuizKind.SELF_ASSESSMENT))
        .outerjoin(override, and_(override.user_id == User.id, override.skill_id == Skill.id))
        .outerjoin(role, and_(role.role_profile_id == User.role_profile, role.skill_id == Skill.id))
    )
    return statement if people is None else statement.where(people)


def func_false_if_null(column: Any) -> Any:
    return case((column.is_(None), False), else_=column)


def rewrite(session: Session, user_ids: Iterable[int] | None = None) -> None:
    """Delete and select afresh the rows of ``user_ids`` (None: everyone's)."""
    columns = [getattr(KeptLevel, name) for name in COLUMNS]
    if user_ids is None:
        session.execute(delete(KeptLevel))
        session.execute(insert(KeptLevel).from_select(columns, kept_rows()))
        return
    ids = sorted(set(user_ids))
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        chunk = ids[start : start + IDS_PER_STATEMENT]
        session.execute(delete(KeptLevel).where(KeptLevel.user_id.in_(chunk)))
        session.execute(_insert(session, columns, kept_rows(User.id.in_(chunk))))


def _insert(session: Session, columns: list[Any], rows: Any) -> Any:
    """INSERT ... SELECT; on PostgreSQL an upsert. Two transactions that rewrite the
    same person (a result and a manager's override at once) both delete the old
    rows; the second waits on the first's locks, and its SELECT, a new snapshot
    under READ COMMITTED, sees the first's commit: its rows are the right ones
    and replace those the first inserted instead of colliding with them. (SQLite
    runs one writer at a time, so its plain INSERT cannot collide.)"""
    if session.get_bind().dialect.name != "postgresql":
        return insert(KeptLevel).from_select(columns, rows)
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    statement = pg_insert(KeptLevel).from_select(columns, rows)
    keys = {"user_id", "skill_id"}
    return statement.on_conflict_do_update(
        index_elements=["user_id", "skill_id"],
        set_={name: statement.excluded[name] for name in COLUMNS if name not in keys},
    )


# --- keeping the rows in step: session events ---------------------------------------


def _mark(session: Session, user_ids: Iterable[int | None] | str) -> None:
    marked = session.info.get(MARKED_KEY)
    if marked == EVERYONE:
        return
    if user_ids == EVERYONE:
        session.info[MARKED_KEY] = EVERYONE
        return
    session.info.setdefault(MARKED_KEY, set()).update(u for u in user_ids if u is not None)


def _user_changed(user: User) -> bool:
    state: InstanceState[User] = inspect(user)
    return any(state.attrs[column].history.has_changes() for column in USER_COLUMNS)


@event.listens_for(Session, "after_flush")
def _mark_flushed(session: Session, _context: Any) -> None:
    # After the flush: a new person has their id by now.
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, SkillResult | TargetOverride):
            _mark(session, [instance.user_id])
        elif isinstance(instance, User) and (instance in session.new or _user_changed(instance)):
            _mark(session, [instance.id])
        elif _concerns_everyone(session, instance):
            _mark(session, EVERYONE)


def _concerns_everyone(session: Session, instance: Any) -> bool:
    if isinstance(instance, Team):
        return instance in session.deleted
    return getattr(getattr(instance, "__table__", None), "name", None) in EVERYONE_TABLES


@event.listens_for(Session, "do_orm_execute")
def _mark_statements(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in EVERYONE_TABLES or (table == "teams" and state.is_delete):
        _mark(state.session, EVERYONE)
    elif table in PERSONAL_TABLES or table == "users":
        _mark(state.session, _people_of(state, table))


def _people_of(state: ORMExecuteState, table: str) -> list[int] | str:
    """The ids a bulk statement names (its ``skillgap_people`` execution option, or
    its parameters), or EVERYONE."""
    named = state.execution_options.get("skillgap_people")
    if named is not None:
        return list(named)
    if table == "users" and state.is_update:
        statement: Any = state.statement
        if not USER_COLUMNS & set(statement.compile().params):
            return []  # sign-in times, failure counts: nothing the rows use
    key = "id" if table == "users" else "user_id"
    params = state.parameters
    rows = params if isinstance(params, list) else [params] if params else []
    ids = [row.get(key) for row in rows if isinstance(row, dict)]
    if not state.is_insert or not ids or None in ids:
        return EVERYONE  # an UPDATE or DELETE by condition, or new people without ids
    return [int(user_id) for user_id in ids if user_id is not None]


@event.listens_for(Session, "before_commit")
def _rewrite_on_commit(session: Session) -> None:
    session.flush()
    marked = session.info.pop(MARKED_KEY, None)
    if marked:
        rewrite_in_turn(session, None if marked == EVERYONE else marked)


def rewrite_in_turn(session: Session, user_ids: Iterable[int] | None) -> None:
    """``rewrite``, once this transaction holds the versions row (PostgreSQL: FOR
    UPDATE; SQLite has one writer anyway). Every transaction that changes what
    the rows depend on also bumps that row as it commits (curriculum/versions.py),
    so taking it first puts such transactions in one order: the second waits for
    the first to commit, then reads what it wrote. Without it, two transactions
    could each hold what the other waits for (the versions row, a person's rows)."""
    session.execute(select(ContentVersion.id).where(ContentVersion.id == 1).with_for_update())
    rewrite(session, user_ids)


@event.listens_for(Session, "after_transaction_end")
def _forget_with_the_transaction(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(MARKED_KEY, None)


# --- checking them ------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    user_id: int
    email: str
    skill_id: str
    field: str
    kept: Any
    recomputed: Any


def verify(session: Session, progress: Callable[[int], None] | None = None) -> list[Difference]:
    """Every person's standing from the history, by the Python rules (the path's
    own code), against the kept rows; the differences, if any."""
    from skillgap.curriculum.snapshot import snapshot_of
    from skillgap.services.person_record import person_record
    from skillgap.services.standing import standings

    snapshot = snapshot_of(session)
    kept: dict[tuple[int, str], KeptLevel] = {
        (row.user_id, row.skill_id): row for row in session.scalars(select(KeptLevel))
    }
    differences = []
    people = session.execute(
        select(User.id, User.email, User.role_profile, User.team_id, User.active).order_by(User.id)
    )
    for n, (user_id, email, role_profile, team_id, active) in enumerate(people.all(), 1):
        record = person_record(session, user_id)
        for standing in standings(snapshot, role_profile, record.latest, record.overrides):
            row = kept.pop((user_id, standing.skill.id), None)
            expected = {
                "level_id": standing.current.id,
                "tested_level_id": standing.current.id if standing.verified else None,
                "percent": standing.percent,
                "certainty": standing.certainty,
                "self_level_id": standing.self_rated.id if standing.self_rated else None,
                "target_level_id": standing.target.id,
                "target_source": standing.target_source,
                "level_position": standing.current.position,
                "target_position": standing.target.position,
                "team_id": team_id,
                "active": active,
            }
            for name, value in expected.items():
                found = getattr(row, name) if row is not None else "(no row)"
                if found != value:
                    differences.append(
                        Difference(user_id, email, standing.skill.id, name, found, value)
                    )
        if progress is not None:
            progress(n)
    for (user_id, skill_id), _row in kept.items():  # rows the history does not explain
        differences.append(Difference(user_id, "", skill_id, "row", "kept", "(none)"))
    return differences
