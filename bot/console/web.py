"""The staff console's plumbing: the signed-in staff member (the one dependency every page takes), CSRF
checks on every form, rendering with the one base layout, and `act` — one transaction for a staff action,
its audit line and its outbox rows.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.app import Services
from bot.channels.base import storable
from bot.console import auth
from bot.masking import mask_names, mask_personal
from intents.context import render
from intents.outbox import write as write_outbox
from intents.staff.desk import SYSTEM, Desk, Refusal
from intents.turn import OutboxItem
from storage import session_scope, staff_accounts

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_FIELD = 4000  # characters of one form field kept; a reply or a note longer than a phone screen is a paste
T = TypeVar("T")



def _mask(text: str, names: Iterable[str] = ()) -> str:
    """Phones and ID numbers masked, and these workers' names (张*) where a page passes them."""
    return mask_names(mask_personal(text), names)

class SignInRequired(Exception):
    """No valid session: the page answers with a redirect to the sign-in page (403 for a form post)."""


class Forbidden(Exception):
    """A form post without the right CSRF token, or from another site."""


@dataclass(frozen=True, slots=True)
class Staff:
    """The signed-in staff member: id, name, and the session's CSRF token for the forms on the page."""

    id: str
    name: str
    token: str
    csrf: str


@dataclass(frozen=True, slots=True)
class Acted:
    """What a staff action returned, with the outbox rows it wrote."""

    value: object
    outbox: tuple[OutboxItem | None, ...] = ()


class Console:
    """Shared by every console page: services, the cookie signer and the templates."""

    def __init__(self, services: Services, wake_sender: Callable[[], None]) -> None:
        self.services = services
        self.wake_sender = wake_sender
        self.settings = services.settings.console
        self.signer = auth.Signer(auth.signing_key(services.engine, self.settings, services.clock.now()))
        self.names = {member.id: member.name for member in services.settings.staff}
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True), trim_blocks=True
        )
        self.env.filters["mask"] = _mask
        self.env.filters["local"] = self._local
        self.env.globals["staff_names"] = self.names

    def _local(self, moment: Any, fmt: str = "%m-%d %H:%M") -> str:
        return moment.astimezone(self.services.settings.tz).strftime(fmt) if moment else "-"

    # ---- who is signed in -----------------------------------------------------------------

    def _token(self, request: Request) -> str | None:
        cookie = request.cookies.get(auth.COOKIE, "")
        return self.signer.unsign(cookie) if cookie else None

    async def staff(self, request: Request) -> Staff:
        """The signed-in staff member.

        Raises:
            SignInRequired: no cookie, a cookie this server did not sign, or a session that ended or expired.
        """
        token = self._token(request)
        if token is None:
            raise SignInRequired
        now = self.services.clock.now()
        staff_id = await run_in_threadpool(auth.session_staff, self.services.engine, token, now)
        if staff_id is None or staff_id not in self.names:
            raise SignInRequired
        return Staff(staff_id, self.names[staff_id], token, self.signer.token_for("csrf", token))

    async def form(self, request: Request, staff: Staff) -> FormData:
        """The posted form, after checking its CSRF token against the session and its origin against this host.

        Raises:
            Forbidden: the token is missing or wrong, or the browser says the post came from another site.
        """
        self.same_origin(request)
        form = await request.form()
        sent = form.get("csrf")
        if not isinstance(sent, str) or not secrets.compare_digest(sent, staff.csrf):
            raise Forbidden
        return form

    @staticmethod
    def same_origin(request: Request) -> None:
        """Refuse a post whose Origin (or Sec-Fetch-Site) names another site.

        Raises:
            Forbidden: the browser reports a cross-site request.
        """
        origin = request.headers.get("origin")
        if origin and origin != "null" and origin.rstrip("/") != f"{request.url.scheme}://{request.url.netloc}":
            raise Forbidden
        if request.headers.get("sec-fetch-site") == "cross-site":
            raise Forbidden

    # ---- doing and showing ----------------------------------------------------------------

    async def act(
        self, staff: Staff, action: str, target: str, work: Callable[[Desk], T], detail: str = ""
    ) -> T:
        """Run `work` on the staff member's desk in one transaction with its audit line and any outbox rows.

        The desk functions write the outbox rows that tell workers themselves; `work` may also return an
        `Acted` carrying more rows to write. A refusal it raises rolls everything back (the audit line too:
        nothing happened).
        """

        def run() -> T:
            with session_scope(self.services.engine) as session:
                desk = self.desk(session, staff.id)
                result = work(desk)
                if isinstance(result, Acted):
                    write_outbox(session=session, items=result.outbox, now=desk.now)
                staff_accounts.audit(
                    session=session, staff_id=staff.id, action=action, target=target, detail=detail[:500], now=desk.now
                )
                return result

        result = await run_in_threadpool(run)
        self.wake_sender()  # whatever the action wrote to the outbox goes out now
        return result

    async def read(self, work: Callable[[Desk], T]) -> T:
        """Run a read-only `work` on a desk (the page has checked who is signed in)."""

        def run() -> T:
            with session_scope(self.services.engine) as session:
                return work(self.desk(session, SYSTEM))

        return await run_in_threadpool(run)

    def refused(self, refusal: Refusal) -> str:
        """What the staff desk refused, in its own words (its key is the desk's, never the request's)."""
        return refusal.render(lambda key, **values: render(self.services.kb.reply(key), self.services.policy.facts,
                                                           **values))

    def say(self, key: str, **values: object) -> str:
        """A console sentence from replies/console.toml ("" for a key that is not one: query strings are input)."""
        if not key.startswith("console_") or key not in self.services.kb.replies:
            return ""
        return render(self.services.kb.reply(key), self.services.policy.facts, **values)

    def desk(self, session: Any, staff_id: str) -> Desk:
        """The desk of one transaction for a signed-in staff member (SYSTEM: reading only), with the knowledge
        as it stands now.

        Raises:
            Refusal: ("staff_only") `staff_id` is no longer a staff member in config.toml.
        """
        services = self.services
        now = services.clock.now()
        if staff_id == SYSTEM:
            return Desk.for_operator(session=session, kb=services.kb, policy=services.policy, now=now, staff=SYSTEM)
        return Desk.for_staff(session=session, kb=services.kb, policy=services.policy, now=now, staff=staff_id)

    def render(
        self, request: Request, template: str, staff: Staff | None, status_code: int = 200, **values: Any
    ) -> HTMLResponse:
        """A page in the base layout; `notice` / `error` keys in the query string show a one-line message."""
        shown = {name: self.say(request.query_params.get(name, "")) for name in ("notice", "error")}
        body = self.env.get_template(template).render(
            request=request, staff=staff, path=request.url.path, **{**shown, **values}
        )
        return HTMLResponse(
            body,
            status_code=status_code,
            headers={
                "Cache-Control": "no-store",
                "X-Frame-Options": "DENY",
                "Referrer-Policy": "same-origin",
                "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
            },
        )


def text(form: FormData, name: str) -> str:
    """One text field of a form, stripped and cut to a sane length ("" when absent)."""
    value = form.get(name)
    return storable(value).strip()[:MAX_FIELD] if isinstance(value, str) else ""


def lines(form: FormData, name: str) -> list[str]:
    """A text area as its non-empty lines."""
    return [line.strip() for line in text(form, name).splitlines() if line.strip()]


def done(url: str, notice: str = "", error: str = "") -> Response:
    """After a post: back to a page (303, so a reload does not post again), with a sentence key to show."""
    for name, key in (("notice", notice), ("error", error)):
        if key:
            url += ("&" if "?" in url else "?") + f"{name}={quote(key)}"
    return RedirectResponse(url, status_code=303)


def query(request: Request, names: Sequence[str]) -> Mapping[str, str]:
    """The query parameters of a filter form, only those named."""
    return {name: request.query_params.get(name, "") for name in names}
