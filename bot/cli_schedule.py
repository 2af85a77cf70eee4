"""Routine meetings and the monthly figures: `reminders list`, `report --month`, `schedule run` (and `schedule jobs`)."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot.errors import BotError
from intents.staff.routine_text import RoutineText
from intents.staff.routines import Occurrence


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date like 2026-12-01: {value!r}") from error


def _month(value: str) -> tuple[int, int]:
    year, _, month = value.partition("-")
    if not (year.isdigit() and month.isdigit() and len(year) == 4 and 1 <= int(month) <= 12):
        raise argparse.ArgumentTypeError(f"not a month like 2026-11: {value!r}")
    return int(year), int(month)


def cmd_reminders_list(args: argparse.Namespace, out: TextIO) -> int:
    """Print the coming meetings (from now, or from --from) with reminder times, attendees and clashes."""
    from bot.app import dialogue_policy, load_kb
    from bot.clock import SystemClock
    from bot.config import load_settings
    from bot.plan import routine_plan, workday_calendar
    from intents.staff.routines import clashes

    settings = load_settings(args.config)
    plan = routine_plan(settings, workday_calendar(settings))
    text = RoutineText(load_kb(), dialogue_policy(settings, plan.calendar))
    items = plan.coming(SystemClock(settings.tz).now(), args.days, args.start)
    clashing = clashes(items)
    for index, item in enumerate(items):
        routine = item.routine
        others = clashing.get(index, [])
        if args.json:
            row: dict[str, Any] = {
                "routine": routine.key,
                "title": routine.title,
                "meeting_at": item.meeting_at.isoformat(timespec="minutes"),
                "remind_at": item.remind_at.isoformat(timespec="minutes"),
                "attendees": list(routine.attendees),
                "place": routine.place,
                "delay_reason": item.delay_reason,
                "clashes_with": [other.routine.key for other in others],
            }
            print(json.dumps(row, ensure_ascii=False), file=out)
        else:
            print(_meeting_line(text, item, others), file=out)
    return 0


def _meeting_line(text: RoutineText, item: Occurrence, others: Sequence[Occurrence] = ()) -> str:
    routine = item.routine
    delayed = ""
    if item.delay_reason is not None:
        delayed = text.say("reminders_line_delayed", holiday=text.say(f"holiday_{item.delay_reason}"))
    if others:
        joiner = text.kb.reply("list_joiner")
        names = joiner.join(
            f"{other.routine.title}（{other.meeting_at.astimezone(text.policy.timezone):%H:%M}）" for other in others
        )
        delayed += text.say("reminders_line_clash", others=names)
    return text.say(
        "reminders_line",
        when=text.when(item.meeting_at),
        routine=routine.key,
        title=routine.title,
        remind=text.when(item.remind_at),
        people=text.kb.reply("list_joiner").join(text.policy.staff_names.get(s, s) for s in routine.attendees),
        delayed=delayed,
    )


def settings_today(settings: Any) -> date:
    """Today in the station's time zone."""
    from bot.clock import SystemClock

    return SystemClock(settings.tz).now().date()


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    """Write one month's figures as Markdown and a PNG chart of inquiries per day by intent."""
    from bot.cli import services_for
    from bot.report import build_report, render_chart
    from intents.staff.report import render_markdown

    services = services_for(args)
    year, month = args.month
    folder: Path = args.out or services.settings.base_dir / services.settings.scheduler.report_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BotError(f"cannot create {folder}: {error.strerror}") from error
    report = build_report(
        services.engine, services.policy, year, month, services.clock.now(), services.matcher.question_core
    )
    chart = folder / f"report-{report.label}.png"
    markdown = folder / f"report-{report.label}.md"
    try:
        render_chart(report, chart, services.kb, services.policy)
        markdown.write_text(
            render_markdown(report, services.kb, services.policy, chart.name), encoding="utf-8"
        )
    except OSError as error:
        raise BotError(f"cannot write the report to {folder}: {error.strerror}") from error
    print(f"{markdown}\n{chart}", file=out)
    return 0


def cmd_schedule_run(args: argparse.Namespace, out: TextIO) -> int:
    """Run the scheduler in the foreground (standing by while another process leads) until interrupted."""
    from bot.cli import services_for
    from bot.logs import setup_logging
    from bot.scheduler import Scheduler

    setup_logging()
    services = services_for(args)
    setup_logging(secrets=services.settings.secret_values())
    scheduler = Scheduler(services)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    scheduler.start()
    print(f"scheduler started ({scheduler.runner}); Ctrl-C to stop", file=out, flush=True)
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.stop()
    return 0


def cmd_schedule_job(args: argparse.Namespace, out: TextIO) -> int:
    """Run one job now, whoever leads (every job is idempotent)."""
    from bot.cli import services_for
    from bot.scheduler import Scheduler

    scheduler = Scheduler(services_for(args))
    if args.job not in scheduler.jobs:
        raise BotError(f"no job {args.job!r}; one of {', '.join(scheduler.jobs)}")
    print(f"{args.job}: {scheduler.run(args.job)}", file=out)
    return 0


def cmd_schedule_jobs(args: argparse.Namespace, out: TextIO) -> int:
    """Each job's last run, from the database (shared by every process)."""
    from bot.cli import services_for
    from storage import reminders, session_scope

    services = services_for(args)
    tz = services.settings.tz
    with session_scope(services.engine) as session:
        for job in reminders.jobs(session=session):
            at = (
                job.last_started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
                if job.last_started_at
                else "-"
            )
            outcome = f"error: {job.last_error}" if job.last_error else job.last_result or ""
            print(f"{job.job_id:<18} runs={job.runs:<6} last={at}  {outcome}  [{job.runner}]", file=out)
    return 0


def register(commands: Any) -> None:
    """Add the `reminders`, `report` and `schedule` commands."""
    group = commands.add_parser("reminders", help="routine meetings staff are reminded of")
    sub = group.add_subparsers(dest="reminders_command", required=True)
    listing = sub.add_parser("list", help="the coming meetings, with reminder times and attendees")
    listing.add_argument(
        "--from", dest="start", type=_date, metavar="DATE", help="first day (default: today)"
    )
    listing.add_argument("--days", type=int, default=7, help="how many days (default: 7)")
    listing.add_argument("--json", action="store_true", help="one JSON object per meeting")
    listing.set_defaults(handler=cmd_reminders_list)

    report = commands.add_parser("report", help="one month's figures as Markdown and a PNG chart")
    report.add_argument("--month", required=True, type=_month, metavar="YYYY-MM")
    report.add_argument(
        "--out", type=Path, metavar="DIR", help="folder (default: config [scheduler] report_dir)"
    )
    report.set_defaults(handler=cmd_report)

    schedule = commands.add_parser("schedule", help="the scheduler (it also runs inside `serve`)")
    schedule_sub = schedule.add_subparsers(dest="schedule_command", required=True)
    schedule_sub.add_parser("run", help="run the scheduler in the foreground").set_defaults(
        handler=cmd_schedule_run
    )
    schedule_sub.add_parser("jobs", help="each job's last run").set_defaults(handler=cmd_schedule_jobs)
    job = schedule_sub.add_parser("job", help="run one job now (jobs are idempotent)")
    job.add_argument("job", help="routine_reminders, event_reminders, overdue_cases, abandoned_forms, …")
    job.set_defaults(handler=cmd_schedule_job)
