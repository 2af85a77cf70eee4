"""Unanswered questions and knowledge drafts: attach a question to an answer, draft a new answer, approve."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.web import Console, done, lines, text
from intents import IntentId
from intents.staff.desk import Desk, Refusal
from intents.staff.drafts import approve, draft_entry, draft_phrasings, group_questions, reject, workers_names
from storage import drafts

LOOK_BACK = timedelta(days=60)


def routes(console: Console) -> list[Route]:
    """/questions (groups, drafts waiting for approval) and the posts that draft, approve and reject."""
    services = console.services

    def overview(desk: Desk) -> dict[str, Any]:
        items = drafts.unanswered(session=desk.session, since=desk.now - LOOK_BACK)
        changes = drafts.changes(session=desk.session)
        return {
            "groups": group_questions(items, services.matcher, changes)[:50],
            "pending": [change for change in changes if change.status == "pending"],
            "recent": [change for change in changes if change.status != "pending"][-10:],
            "intents": [intent.value for intent in IntentId],
            "entries": services.kb.by_id,
            "names": workers_names(desk),
        }

    async def page(request: Request, staff: Any, error: str = "", status_code: int = 200) -> Response:
        values = await console.read(overview)
        return console.render(request, "questions.html", staff, status_code=status_code, error=error or values.pop("error", ""), **values)

    async def questions_page(request: Request) -> Response:
        return await page(request, await console.staff(request))

    async def attach(request: Request) -> Response:
        staff = await console.staff(request)
        form = await console.form(request, staff)
        entry, phrasings = text(form, "entry_other") or text(form, "entry"), lines(form, "phrasings")
        try:
            await console.act(
                staff, "kb_draft_phrasings", entry,
                lambda desk: draft_phrasings(desk, entry_id=entry, phrasings=phrasings),
                detail="\n".join(phrasings),
            )
        except Refusal as refusal:
            return await page(request, staff, console.refused(refusal), 400)
        return done("/staff/questions", "console_kb_drafted")

    async def new_entry(request: Request) -> Response:
        staff = await console.staff(request)
        form = await console.form(request, staff)
        entry = text(form, "entry")
        try:
            await console.act(
                staff, "kb_draft_entry", entry,
                lambda desk: draft_entry(
                    desk, entry_id=entry, intent=text(form, "intent"), answer=text(form, "answer"),
                    refs=lines(form, "refs"), phrasings=lines(form, "phrasings")),
                detail=text(form, "answer"),
            )
        except Refusal as refusal:
            return await page(request, staff, console.refused(refusal), 400)
        return done("/staff/questions", "console_kb_drafted")

    async def review(request: Request) -> Response:
        staff = await console.staff(request)
        form = await console.form(request, staff)
        change_id = request.path_params["change_id"]
        verdict = text(form, "verdict")
        try:
            if verdict == "approve":
                await console.act(
                    staff, "kb_approve", str(change_id),
                    lambda desk: approve(desk, change_id=change_id),
                )
            else:
                await console.act(
                    staff, "kb_reject", str(change_id),
                    lambda desk: reject(desk, change_id=change_id, note=text(form, "note")),
                )
        except Refusal as refusal:
            return await page(request, staff, console.refused(refusal), 409)
        if verdict == "approve":
            # Live at once in this process; the others pick it up at their next poll.
            await run_in_threadpool(services.knowledge.reload, services.engine)
            return done("/staff/questions", "console_kb_approved")
        return done("/staff/questions", "console_kb_rejected")

    return [
        Route("/questions", questions_page, methods=["GET"]),
        Route("/questions/attach", attach, methods=["POST"]),
        Route("/questions/entry", new_entry, methods=["POST"]),
        Route("/questions/drafts/{change_id:int}", review, methods=["POST"]),
    ]
