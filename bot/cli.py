"""Command line: ask, chat, eval, history and kb check. A BotError prints one line and exits 1."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.errors import BotError, SaidError

if TYPE_CHECKING:
    from bot.app import Services
    from intents import Reply


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="the street union's inquiry bot")
    parser.add_argument("--db", metavar="URL", help="database URL (default: config.toml [database] url)")
    parser.add_argument("--config", metavar="PATH", type=Path, help="config file (default: config.toml)")
    commands = parser.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="answer one message, or one per line from stdin with '-'")
    ask.add_argument("--json", action="store_true", help="print one JSON object per message")
    ask.add_argument(
        "--user", help="continue the conversation of this user id (default: a new user each time)"
    )
    ask.add_argument("text", nargs="?", default="-", help="the message, or '-' to read lines from stdin")

    chat = commands.add_parser("chat", help="interactive console chat")
    chat.add_argument("--user", default="console", help="user id of this console conversation")

    evaluate = commands.add_parser(
        "eval", help="score a labelled file (shared/eval/dev.jsonl or real_dev.jsonl format), per group"
    )
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--json", action="store_true", help="print the summary as JSON")
    evaluate.add_argument(
        "--misses", type=int, metavar="N", help="list at most N misses (default: all)"
    )
    evaluate.add_argument(
        "--events",
        type=Path,
        metavar="PATH",
        help="import these events (TOML) into the database first (default: events.toml beside FILE, if any)",
    )

    history = commands.add_parser("history", help="one user's conversation, oldest first")
    history.add_argument("--channel", required=True)
    history.add_argument("--user", required=True)
    history.add_argument("--json", action="store_true")
    history.add_argument("--limit", type=int, default=200)
    history.add_argument("--staff", help="staff id: the mediator assigned to this worker's case sees phones unmasked")

    kb = commands.add_parser("kb", help="knowledge base tools")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True)
    kb_commands.add_parser("check", help="check every FAQ entry against the law texts and the rules").set_defaults(
        handler=cmd_kb_check
    )
    kb_export = kb_commands.add_parser("export", help="write the drafts staff approved into knowledge/faq/*.toml")
    kb_export.add_argument("--root", help="knowledge folder to write into (default: the one the bot loads)")
    from bot.cli_staff import cmd_kb_export

    kb_export.set_defaults(handler=cmd_kb_export)
    kb_review = kb_commands.add_parser(
        "review", help="list the entries whose cited texts or local rules changed after their review date"
    )
    kb_review.set_defaults(handler=cmd_kb_review)

    ask.set_defaults(handler=cmd_ask)
    chat.set_defaults(handler=cmd_chat)
    evaluate.set_defaults(handler=cmd_eval)
    history.set_defaults(handler=cmd_history)
    # Command groups of later capabilities live in their own modules and register themselves here:
    # each `register(commands)` adds its sub-parsers with `set_defaults(handler=...)`.
    for register in _command_groups():
        register(commands)
    return parser


def _command_groups() -> list[Callable[[Any], None]]:
    from bot import cli_cases, cli_events, cli_schedule, cli_serve, cli_staff, doctor

    groups: list[Callable[[Any], None]] = [cli_cases.register, cli_serve.register, cli_events.register]
    groups += [cli_schedule.register, cli_staff.register, doctor.register]
    return groups


def services_for(args: argparse.Namespace, *, database_url: str | None = None) -> Services:
    """Settings from --config/--db, then every service built: what each command starts with."""
    from bot.app import build_services
    from bot.config import load_settings

    settings = load_settings(args.config, database_url=database_url or args.db)
    return build_services(settings)


def _ask_one(services: Services, user: str, text: str, channel: str = "console") -> Reply:
    from bot.pipeline import process
    from intents import Inbound

    inbound = Inbound(
        channel=channel,
        user_id=user,
        text=text,
        message_id=uuid.uuid4().hex,
        received_at=services.clock.now(),
    )
    return process(services, inbound).reply


def _reply_json(reply: Reply) -> str:
    return json.dumps(
        {
            "intent": reply.intent.value,
            "confidence": round(reply.confidence, 4),
            "reply": reply.text,
            "buttons": [{"label": button.label, "payload": button.payload} for button in reply.buttons],
        },
        ensure_ascii=False,
    )


def _reply_text(reply: Reply) -> str:
    lines = [reply.text]
    lines += [f"  [{button.label}]" for button in reply.buttons]
    return "\n".join(lines)


def _lines(stream: TextIO) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\r\n")


def cmd_ask(args: argparse.Namespace, out: TextIO) -> int:
    """Answer TEXT, or every line of stdin with '-'."""
    services = services_for(args)
    messages: Iterable[str] = _lines(sys.stdin) if args.text == "-" else [args.text]
    for text in messages:
        user = args.user or f"anon-{uuid.uuid4().hex[:12]}"
        reply = _ask_one(services, user, text)
        print(_reply_json(reply) if args.json else _reply_text(reply), file=out, flush=True)
    return 0


def cmd_chat(args: argparse.Namespace, out: TextIO) -> int:
    """Interactive console; with stdin not a terminal, one message per line."""
    services = services_for(args)
    interactive = sys.stdin.isatty()
    if interactive:
        print(services.kb.reply("console_hint"), file=out)
    while True:
        if interactive:
            try:
                text = input("> ")
            except EOFError:
                print(file=out)
                return 0
        else:
            line = sys.stdin.readline()
            if not line:
                return 0
            text = line.rstrip("\r\n")
        print(_reply_text(_ask_one(services, args.user, text)), file=out, flush=True)


def cmd_eval(args: argparse.Namespace, out: TextIO) -> int:
    """Score a labelled file; uses a throw-away SQLite database unless --db is given."""
    import tempfile

    from bot.evaluate import evaluate, load_items

    items = load_items(args.file)
    # The labelled files come with the events they ask about (shared/eval/events.toml beside dev.jsonl).
    events_file = args.events or (args.file.parent / "events.toml")
    with tempfile.TemporaryDirectory(prefix="unionbot-eval-") as folder:
        url = args.db or f"sqlite:///{folder}/eval.db"
        services = services_for(args, database_url=url)
        if events_file.is_file():
            from bot.cli_events import import_for

            import_for(services, events_file)
        labour_laws = {name for law in services.kb.laws if law.intent == "labor_law" for name in law.names}
        report = evaluate(
            items,
            lambda text: _ask_one(services, f"eval-{uuid.uuid4().hex[:12]}", text, "eval"),
            labour_laws,
        )
        services.engine.dispose()
    if args.json:
        print(json.dumps(report.as_dict(args.misses), ensure_ascii=False, indent=2), file=out)
    else:
        print(report.render(args.misses), file=out)
    return 0


def cmd_history(args: argparse.Namespace, out: TextIO) -> int:
    """Print one user's conversation; phones and ID numbers masked unless --staff is the assigned mediator."""
    from bot.masking import mask_personal
    from storage import cases, messages, session_scope, users

    services = services_for(args)
    with session_scope(services.engine) as session:
        user = users.find_user(session=session, channel=args.channel, external_id=args.user)
        lines = messages.history(session=session, user=user, limit=args.limit) if user else []
        assigned = user is not None and args.staff is not None and any(
            case.assigned_staff == args.staff for case in cases.cases_for_user(session=session, user_id=user.id or 0)
        )
    tz = services.settings.tz
    for line in lines:
        at = line.at.astimezone(tz).isoformat(timespec="seconds")
        text = line.text if assigned else mask_personal(line.text)
        if args.json:
            row: dict[str, Any] = {"direction": line.direction, "text": text, "intent": line.intent, "at": at}
            print(json.dumps(row, ensure_ascii=False), file=out)
        else:
            arrow = "→" if line.direction == "in" else "←"
            label = f" [{line.intent}]" if line.intent else ""
            print(f"{at} {arrow}{label} {text}", file=out)
    if not lines and not args.json:
        print(f"no messages from {args.channel}/{args.user}", file=out)
    return 0


def cmd_kb_check(args: argparse.Namespace, out: TextIO) -> int:
    """Check the knowledge base; exit 1 with the list of problems."""
    from bot.app import load_kb
    from bot.config import load_settings
    from intents import IntentId
    from intents.calculators import RULE_KEYS
    from intents.skills import ACTIONS
    from knowledge.check import check_knowledge
    from knowledge.check_calculators import check_calculators

    settings = load_settings(args.config)
    kb = load_kb()
    problems = check_knowledge(
        kb,
        valid_intents={intent.value for intent in IntentId},
        facts=settings.facts(),
        valid_actions=ACTIONS,
        local_rules=settings.local_rules_by_key(),
        today=datetime.now(settings.tz).date(),
    )
    problems += check_calculators(kb, required=RULE_KEYS)
    for problem in problems:
        print(problem, file=out)
    entries, phrasings = len(kb.entries), sum(len(entry.phrasings) for entry in kb.entries)
    status = f"{len(problems)} problem(s)" if problems else "ok"
    print(
        f"kb check: {entries} entries, {phrasings} phrasings, {len(kb.laws)} laws, "
        f"{len(kb.constants)} calculator constants: {status}",
        file=out,
    )
    return 1 if problems else 0


def cmd_kb_review(args: argparse.Namespace, out: TextIO) -> int:
    """List the entries to read again (their texts changed after their review date); exit 0 either way."""
    from bot.app import load_kb
    from bot.config import load_settings
    from knowledge.review import entries_to_review

    settings = load_settings(args.config)
    kb = load_kb()
    items = entries_to_review(kb, settings.local_rules_by_key())
    for item in items:
        print(item, file=out)
    print(f"kb review: {len(kb.entries)} entries, {len(items)} to review", file=out)
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run one command; returns the exit status."""
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    from bot.logs import setup_logging

    setup_logging(logging.WARNING)
    try:
        status: int = args.handler(args, out)
        return status
    except SaidError as error:
        print(error, file=sys.stderr)
        return 1
    except BotError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (head, less) went away: nothing left to say
        return 0
