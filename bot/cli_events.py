"""Staff command line for events: `python -m bot events import|add|list|close|cancel|export|recur`.

The import file is TOML with one [[event]] table per event (../shared/eval/events.toml is an example):
key, title, aliases, starts_at, ends_at, place, capacity, signup_deadline, members_only, description, and
optionally repeat = "weekly" for a session held every week (generated `series_weeks_ahead` weeks ahead).
Times without an offset are the station's local time. Importing again updates events by key and never
drops a signup.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.errors import BotError
from intents.context import DialoguePolicy
from intents.event_text import EventText
from intents.outbox import write as write_outbox
from intents.turn import OutboxItem
from knowledge import KnowledgeBase
from storage import events, session_scope, signups
from storage.events import EventDraft
from storage.models import Event, Signup, User

if TYPE_CHECKING:
    from bot.app import Services

_REQUIRED = ("key", "title", "starts_at", "capacity")


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did."""

    created: int
    updated: int
    occurrences: int
    promoted: int


@dataclass(frozen=True, slots=True)
class _Desk:
    session: Session
    text: EventText
    now: datetime
    tz: tzinfo


@contextmanager
def _desk(args: argparse.Namespace) -> Iterator[_Desk]:
    from bot.cli import services_for

    services = services_for(args)
    with session_scope(services.engine) as session:
        yield _Desk(
            session, EventText(services.kb, services.policy), services.clock.now(), services.settings.tz
        )


# ---- reading event definitions ----------------------------------------------------------------------


def _moment(value: object, tz: tzinfo, where: str) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as error:
            raise BotError(f"{where}: not a date and time: {value!r}") from error
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=tz)
    raise BotError(f"{where}: not a date and time: {value!r}")


def draft_from(data: dict[str, Any], tz: tzinfo, where: str) -> EventDraft:
    """One event definition (a TOML table or the flags of `events add`) as a draft.

    Raises:
        BotError: a required field is missing or a value has the wrong type; the message names it.
    """
    missing = [name for name in _REQUIRED if data.get(name) in (None, "")]
    if missing:
        raise BotError(f"{where}: missing {', '.join(missing)}")
    unknown = set(data) - {
        *_REQUIRED,
        "aliases",
        "ends_at",
        "place",
        "signup_deadline",
        "members_only",
        "description",
        "repeat",
    }
    if unknown:
        raise BotError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    try:
        capacity = int(data["capacity"])
    except (TypeError, ValueError) as error:
        raise BotError(f"{where}: capacity must be a whole number") from error
    if capacity < 0:
        raise BotError(f"{where}: capacity must not be negative")
    repeat = data.get("repeat")
    if repeat not in (None, "", "weekly"):
        raise BotError(f'{where}: repeat must be "weekly"')
    aliases = data.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(alias, str) for alias in aliases):
        raise BotError(f"{where}: aliases must be a list of strings")
    starts_at = _moment(data["starts_at"], tz, f"{where}.starts_at")
    ends_at = _moment(data["ends_at"], tz, f"{where}.ends_at") if data.get("ends_at") else None
    deadline = (
        _moment(data["signup_deadline"], tz, f"{where}.signup_deadline")
        if data.get("signup_deadline")
        else None
    )
    if ends_at is not None and ends_at < starts_at:
        raise BotError(f"{where}: ends_at is before starts_at")
    return EventDraft(
        key=str(data["key"]).strip(),
        title=str(data["title"]).strip(),
        starts_at=starts_at,
        capacity=capacity,
        ends_at=ends_at,
        place=str(data.get("place") or ""),
        aliases=tuple(alias.strip() for alias in aliases if alias.strip()),
        signup_deadline=deadline,
        members_only=bool(data.get("members_only", False)),
        description=str(data.get("description") or "").strip(),
        repeat_weekly=repeat == "weekly",
    )


def read_events_file(path: Path, tz: tzinfo) -> list[EventDraft]:
    """The [[event]] tables of a TOML file as drafts.

    Raises:
        BotError: the file cannot be read or parsed, or an event is invalid.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BotError(f"cannot read {path}: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise BotError(f"cannot parse {path}: {error}") from error
    tables = data.get("event", [])
    if not isinstance(tables, list) or not tables:
        raise BotError(f"{path}: no [[event]] tables")
    drafts = [
        draft_from(table, tz, f"{path}: event {number}") for number, table in enumerate(tables, start=1)
    ]
    keys = [draft.key for draft in drafts]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    if duplicated:
        raise BotError(f"{path}: key used twice: {', '.join(duplicated)}")
    return drafts


# ---- acting on them ---------------------------------------------------------------------------------


def store_drafts(
    *,
    session: Session,
    drafts: Sequence[EventDraft],
    text: EventText,
    now: datetime,
    tz: tzinfo,
    weeks_ahead: int,
) -> ImportSummary:
    """Create or update each event; move waitlists up where places were added; open weekly series ahead.

    Workers who move up are told in the same transaction (outbox).
    """
    created = updated = promoted = 0
    for draft in drafts:
        result = events.upsert(session=session, draft=draft, now=now)
        created += result.created
        updated += not result.created
        assert result.event.id is not None
        moved = signups.fill_places(session=session, event_id=result.event.id, now=now)
        promoted += len(moved)
        _tell_promoted(session, result.event, moved, text, now)
    occurrences = events.extend_series(session=session, now=now, ahead=timedelta(weeks=weeks_ahead), tz=tz)
    return ImportSummary(created, updated, len(occurrences), promoted)


def _tell_promoted(
    session: Session, event: Event, moved: Sequence[Signup], text: EventText, now: datetime
) -> None:
    items: list[OutboxItem] = []
    for signup in moved:
        user = session.get(User, signup.user_id)
        if user is not None:
            items.append(text.promoted(event, user))
    write_outbox(session=session, items=items, now=now)


def import_file(
    *, engine: Engine, kb: KnowledgeBase, policy: DialoguePolicy, path: Path, now: datetime, weeks_ahead: int
) -> ImportSummary:
    """Import an events file in one transaction (used by `events import` and `eval --events`)."""
    drafts = read_events_file(path, policy.timezone)
    with session_scope(engine) as session:
        return store_drafts(
            session=session,
            drafts=drafts,
            text=EventText(kb, policy),
            now=now,
            tz=policy.timezone,
            weeks_ahead=weeks_ahead,
        )


def import_for(services: Services, path: Path) -> ImportSummary:
    """Import an events file into the services' database."""
    return import_file(
        engine=services.engine,
        kb=services.kb,
        policy=services.policy,
        path=path,
        now=services.clock.now(),
        weeks_ahead=services.settings.events.series_weeks_ahead,
    )


def _event_or_fail(desk: _Desk, key: str) -> Event:
    event = events.by_key(session=desk.session, key=key)
    if event is None:
        raise BotError(f"no event {key!r} (see `events list`)")
    return event


def _status_label(signup: Signup, position: int | None, text: EventText) -> str:
    if signup.status == signups.WAITLISTED:
        return text.say("signup_status_waitlisted", position=position)
    return text.say(f"signup_status_{signup.status}")


def export_rows(desk: _Desk, event: Event) -> list[list[str]]:
    """The signup list of an event: name, phone, unit, signup time, status, member answer."""
    assert event.id is not None
    rows: list[list[str]] = []
    waiting = 0
    member = {True: desk.text.say("member_yes"), False: desk.text.say("member_no"), None: ""}
    for signup, user in signups.roster(session=desk.session, event_id=event.id):
        position = None
        if signup.status == signups.WAITLISTED:
            waiting += 1
            position = waiting
        rows.append(
            [
                user.name or "",
                user.phone or "",
                user.work_unit or "",
                signup.signed_up_at.astimezone(desk.tz).strftime("%Y-%m-%d %H:%M:%S"),
                _status_label(signup, position, desk.text),
                member[signup.member],
            ]
        )
    return rows


# ---- commands ---------------------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    """Import (or update) the events of a TOML file."""
    from bot.cli import services_for

    services = services_for(args)
    summary = import_for(services, args.file)
    print(
        f"events: {summary.created} new, {summary.updated} updated, {summary.occurrences} weekly sessions added,"
        f" {summary.promoted} moved up from the waitlist",
        file=out,
    )
    return 0


def _ask(label: str, current: object) -> str:
    if current not in (None, ""):
        return str(current)
    if not sys.stdin.isatty():
        raise BotError(f"missing --{label.replace('_', '-')}")
    return input(f"{label}: ").strip()


def cmd_add(args: argparse.Namespace, out: TextIO) -> int:
    """Add (or update) one event from flags, asking for the missing required ones on a terminal."""
    data: dict[str, Any] = {
        "key": _ask("key", args.key),
        "title": _ask("title", args.title),
        "starts_at": _ask("starts_at", args.starts_at),
        "capacity": _ask("capacity", args.capacity),
        "ends_at": args.ends_at,
        "place": args.place or "",
        "aliases": args.alias or [],
        "signup_deadline": args.deadline,
        "members_only": args.members_only,
        "description": args.description or "",
        "repeat": "weekly" if args.weekly else None,
    }
    with _desk(args) as desk:
        draft = draft_from(data, desk.tz, "events add")
        summary = store_drafts(
            session=desk.session,
            drafts=[draft],
            text=desk.text,
            now=desk.now,
            tz=desk.tz,
            weeks_ahead=args.weeks,
        )
    state = "added" if summary.created else "updated"
    print(f"event {draft.key} {state}; {summary.occurrences} weekly sessions added", file=out)
    return 0


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    """Every event with places taken and the waitlist."""
    with _desk(args) as desk:
        found = events.all_events(session=desk.session, since=None if args.all else desk.now)
        waiting = signups.waitlist_counts(
            session=desk.session, event_ids=[event.id for event in found if event.id]
        )
        rows = [
            {
                "key": event.key,
                "title": event.title,
                "starts_at": event.starts_at.astimezone(desk.tz).isoformat(timespec="minutes"),
                "capacity": event.capacity,
                "taken": event.taken,
                "waitlist": waiting.get(event.id or 0, 0),
                "status": event.status,
            }
            for event in found
        ]
    for row in rows:
        if args.json:
            print(json.dumps(row, ensure_ascii=False), file=out)
        else:
            print(
                f"{row['key']:<24} {row['starts_at']:<17} {row['taken']:>4}/{row['capacity']:<4}"
                f" waitlist {row['waitlist']:<4} {row['status']:<9} {row['title']}",
                file=out,
            )
    if not rows and not args.json:
        print("no events", file=out)
    return 0


def cmd_close(args: argparse.Namespace, out: TextIO) -> int:
    """Stop signups for an event."""
    with _desk(args) as desk:
        event = _event_or_fail(desk, args.key)
        events.close(session=desk.session, event=event, now=desk.now)
    print(f"event {args.key} closed ({event.taken} confirmed keep their places)", file=out)
    return 0


def cmd_cancel(args: argparse.Namespace, out: TextIO) -> int:
    """Call an event off; everyone signed up is told through the outbox."""
    with _desk(args) as desk:
        event = _event_or_fail(desk, args.key)
        affected = events.cancel(session=desk.session, event=event, reason=args.reason, now=desk.now)
        write_outbox(
            session=desk.session,
            items=[desk.text.cancelled(event, user, args.reason) for _, user in affected],
            now=desk.now,
        )
    print(f"event {args.key} cancelled; {len(affected)} worker(s) will be told", file=out)
    return 0


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    """Write the signup list of an event as .xlsx or .csv."""
    with _desk(args) as desk:
        event = _event_or_fail(desk, args.key)
        rows = export_rows(desk, event)
        header = [str(column) for column in desk.text.kb.words["export_columns"]]
    path: Path = args.xlsx or args.csv
    try:
        if args.xlsx:
            _write_xlsx(path, event.title, header, rows)
        else:
            with path.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel reads it as UTF-8
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerows(rows)
    except OSError as error:
        raise BotError(f"cannot write {path}: {error.strerror}") from error
    print(f"{len(rows)} signup(s) of {args.key} written to {path}", file=out)
    return 0


def _write_xlsx(path: Path, title: str, header: list[str], rows: list[list[str]]) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]

    book = Workbook()
    book.remove(book.worksheets[0])
    sheet = book.create_sheet(title[:31])  # Excel's limit on sheet names
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEF", (10, 14, 24, 20, 12, 10), strict=True):
        sheet.column_dimensions[column].width = width
    book.save(path)


def cmd_recur(args: argparse.Namespace, out: TextIO) -> int:
    """Open the sessions of every weekly series up to N weeks ahead (the scheduler runs it weekly)."""
    with _desk(args) as desk:
        weeks = args.weeks
        created = events.extend_series(
            session=desk.session, now=desk.now, ahead=timedelta(weeks=weeks), tz=desk.tz
        )
        keys = [event.key for event in created]
    print(f"{len(keys)} weekly session(s) added" + (": " + ", ".join(keys) if keys else ""), file=out)
    return 0


def register(commands: Any) -> None:
    """Add the `events` command group to the top-level sub-parsers."""
    group = commands.add_parser(
        "events", help="union events: import, add, list, close, cancel, export, recur"
    )
    sub = group.add_subparsers(dest="events_command", required=True)

    importing = sub.add_parser("import", help="create or update events from a TOML file (signups are kept)")
    importing.add_argument("file", type=Path)
    importing.set_defaults(handler=cmd_import)

    add = sub.add_parser("add", help="add or update one event (asks for missing fields on a terminal)")
    add.add_argument("--key")
    add.add_argument("--title")
    add.add_argument("--starts-at", help="local time, e.g. 2027-12-07T12:00")
    add.add_argument("--ends-at")
    add.add_argument("--place")
    add.add_argument("--capacity", type=int)
    add.add_argument("--deadline", help="signup deadline, local time")
    add.add_argument("--members-only", action="store_true")
    add.add_argument("--description")
    add.add_argument("--alias", action="append", help="another name workers use (repeatable)")
    add.add_argument("--weekly", action="store_true", help="held every week at the same time")
    add.add_argument("--weeks", type=int, default=4, help="weeks of a weekly series to open ahead")
    add.set_defaults(handler=cmd_add)

    listing = sub.add_parser("list", help="events not over yet, with places taken and the waitlist")
    listing.add_argument("--json", action="store_true", help="one JSON object per event")
    listing.add_argument("--all", action="store_true", help="past events too")
    listing.set_defaults(handler=cmd_list)

    close = sub.add_parser("close", help="stop signups for an event")
    close.add_argument("key")
    close.set_defaults(handler=cmd_close)

    cancel = sub.add_parser("cancel", help="call an event off and tell everyone signed up")
    cancel.add_argument("key")
    cancel.add_argument("--reason", required=True)
    cancel.set_defaults(handler=cmd_cancel)

    export = sub.add_parser("export", help="the signup list as .xlsx or .csv")
    export.add_argument("key")
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--xlsx", type=Path, metavar="PATH")
    target.add_argument("--csv", type=Path, metavar="PATH")
    export.set_defaults(handler=cmd_export)

    recur = sub.add_parser("recur", help="open weekly sessions ahead")
    recur.add_argument("--weeks", type=int, default=4)
    recur.set_defaults(handler=cmd_recur)
