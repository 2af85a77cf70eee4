"""`python -m bot staff passwd ID` (a console password) and `python -m bot kb export` (approved drafts → files)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.errors import BotError


def register(commands: Any) -> None:
    """Add the `staff` sub-commands."""
    staff = commands.add_parser("staff", help="staff console accounts")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    passwd = staff_commands.add_parser("passwd", help="set a console password (read from stdin when piped)")
    passwd.add_argument("staff_id", help="an id from [[staff]] in config.toml")
    passwd.set_defaults(handler=cmd_passwd)


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("new password: ")
    if getpass.getpass("again: ") != first:
        raise BotError("the two passwords differ")
    return first


def cmd_passwd(args: argparse.Namespace, out: TextIO) -> int:
    """Set the console password of one staff member; their signed-in browsers are signed out."""
    from bot.cli import services_for
    from bot.console.auth import MIN_PASSWORD, set_password

    services = services_for(args)
    if args.staff_id not in {member.id for member in services.settings.staff}:
        known = ", ".join(member.id for member in services.settings.staff)
        raise BotError(f"no staff member {args.staff_id!r} in config.toml (known: {known})")
    password = _read_password()
    if len(password) < MIN_PASSWORD:
        raise BotError(f"the password needs at least {MIN_PASSWORD} characters")
    set_password(services.engine, args.staff_id, password, services.clock.now())
    print(f"password set for {args.staff_id}", file=out)
    return 0


def cmd_kb_export(args: argparse.Namespace, out: TextIO) -> int:
    """Write every approved draft into knowledge/faq (or --root): phrasings into their entry's file, new
    entries into the file of their intent; comments and layout of the files are kept."""
    from bot.cli import services_for
    from bot.kb_export import export
    from intents.staff.drafts import approved_amendments
    from storage import session_scope

    services = services_for(args)
    with session_scope(services.engine) as session:
        amendments = approved_amendments(session=session)
    root = Path(args.root) if args.root else services.knowledge.base.root
    written = export(services.knowledge.base, amendments, root / "faq")
    for path, count in written.items():
        print(f"{path}: {count} change(s)", file=out)
    print(f"kb export: {sum(written.values())} change(s) in {len(written)} file(s)", file=out)
    return 0
