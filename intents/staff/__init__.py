"""The back office: one desk for staff work, whatever the front end (chat commands, the command line, the web
console). `desk` (who, when, which transaction; the one refusal type), `cases`, `tickets`, `events`,
`meetings` (the routine calendar and moving one occurrence), `drafts` (knowledge drafts and their approval),
`report` (the monthly figures in words), and `commands` (the chat command table). Front ends only render
what these return.
"""

from intents.staff.commands import COMMANDS, staff_command
from intents.staff.desk import Desk, Refusal

__all__ = ["COMMANDS", "Desk", "Refusal", "staff_command"]
