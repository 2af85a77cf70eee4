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
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy.engine import Engine

from bot.cli_desk import operator_desk
from bot.errors import BotError, SaidError
from intents.context import DialoguePolicy, render
from intents.staff import events as event_desk
from intents.staff.desk import Desk
from intents.staff.events import ImportSummary
from knowledge import KnowledgeBase
from storage import session_scope
from storage.events import EventDraft

if TYPE_CHECKING:
    from bot.app import Services

_REQUIRED = ("key", "title", "starts_at", "capacity")


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


# ---- importing -------------------------------------------------------------------------------------


def import_file(
    *, engine: Engine, kb: KnowledgeBase, policy: DialoguePolicy, path: Path, now: datetime, weeks_ahead: int
) -> ImportSummary:
    """Import an events file in one transaction (used by `events import` and `eval --events`)."""
    drafts = read_events_file(path, policy.timezone)
    with session_scope(engine) as session:
        desk = Desk.for_operator(session=session, kb=kb, policy=policy, now=now)
        return event_desk.store_drafts(desk, drafts=drafts, weeks_ahead=weeks_ahead)


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


# ---- commands ---------------------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    """Import (or update) the events of a TOML file."""
    from bot.cli import services_for

    services = services_for(args)
    summary = import_for(services, args.file)
    print(
        render(
            services.kb.reply("cli_events_imported"),
            services.policy.facts,
            created=summary.created,
            updated=summary.updated,
            occurrences=summary.occurrences,
            promoted=summary.promoted,
        ),
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
    with operator_desk(args) as desk:
        draft = draft_from(data, desk.policy.timezone, "events add")
        summary = event_desk.store_drafts(desk, drafts=[draft], weeks_ahead=args.weeks)
        said = "cli_event_added" if summary.created else "cli_event_updated"
        print(desk.say(said, event=draft.key, occurrences=summary.occurrences), file=out)
    return 0


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    """Every event with places taken and the waitlist."""
    with operator_desk(args) as desk:
        rows = event_desk.list_events(desk, include_past=args.all)
        for row in rows:
            if args.json:
                data = {
                    "key": row.key,
                    "title": row.title,
                    "starts_at": row.starts_at.isoformat(timespec="minutes"),
                    "capacity": row.capacity,
                    "taken": row.taken,
                    "waitlist": row.waitlist,
                    "status": row.status,
                }
                print(json.dumps(data, ensure_ascii=False), file=out)
            else:
                print(event_desk.event_line(desk, row), file=out)
        if not rows and not args.json:
            print(desk.say("staff_events_none"), file=out)
    return 0


def cmd_close(args: argparse.Namespace, out: TextIO) -> int:
    """Stop signups for an event."""
    with operator_desk(args) as desk:
        done = event_desk.close_event(desk, key=args.key)
        print(desk.say("staff_event_closed", title=done.title, taken=done.taken), file=out)
    return 0


def cmd_cancel(args: argparse.Namespace, out: TextIO) -> int:
    """Call an event off; everyone signed up is told through the outbox."""
    with operator_desk(args) as desk:
        done = event_desk.cancel_event(desk, key=args.key, reason=args.reason)
        print(desk.say("cli_event_cancelled", title=done.title, count=done.told), file=out)
    return 0


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    """Write the signup list of an event as .xlsx or .csv."""
    path: Path = args.xlsx or args.csv
    with operator_desk(args) as desk:
        event, roster = event_desk.roster(desk, key=args.key)
        header = [str(column) for column in desk.kb.words["export_columns"]]
        member = {True: desk.say("member_yes"), False: desk.say("member_no"), None: ""}
        rows = [
            [
                row.name,
                row.phone,
                row.unit,
                f"{row.signed_up_at:%Y-%m-%d %H:%M:%S}",
                row.status_label,
                member[row.member],
            ]
            for row in roster
        ]
        try:
            if args.xlsx:
                _write_xlsx(path, event.title, header, rows)
            else:
                with path.open(
                    "w", encoding="utf-8-sig", newline=""
                ) as handle:  # BOM: Excel reads it as UTF-8
                    writer = csv.writer(handle)
                    writer.writerow(header)
                    writer.writerows(rows)
        except OSError as error:
            raise SaidError(desk.say("cli_cannot_write", path=path, reason=error.strerror)) from error
        print(desk.say("cli_event_exported", title=event.title, count=len(rows), path=path), file=out)
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
    with operator_desk(args) as desk:
        keys = event_desk.open_series(desk, weeks=args.weeks)
        if keys:
            print(desk.say("cli_events_recur", count=len(keys), keys=desk.joined(keys)), file=out)
        else:
            print(desk.say("cli_events_recur_none"), file=out)
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
