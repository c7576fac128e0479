"""Signing in with a one-time link from chat (/dashboard), and signing out.

GET /signin/{token} only shows a "Sign in" button (chat clients fetch links to preview
them; a GET must never use the link up). POST /signin uses the link: valid signature, not
expired, never used before (the nonce is stored), its person still in the directory. The
form is protected by a double-submit cookie, since there is no session yet. POST /signout
ends the session on the server too (its nonce is stored the same way): a copy of the cookie
is refused afterwards.
"""

from __future__ import annotations

import secrets

from aiohttp import web

from bot.assistant.dashboard_links import Grant
from bot.web.app import COOKIE, GRANT, Web, see_other, signed_in
from storage.sql import SqlTransaction

PRE_COOKIE = "sva_signin"
REFUSED = "This sign-in link has expired, has been used already or is not valid. Ask the assistant for a new one: type /dashboard in chat."


class SignIn:
    def __init__(self, web_: Web) -> None:
        self.web = web_

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/signin", self.page),
            web.get("/signin/{token}", self.confirm),
            web.post("/signin", self.use),
            web.post("/signout", signed_in(self.web, self.sign_out)),
        ]

    async def page(self, request: web.Request) -> web.Response:
        return self.web.render("signin.html", request, oidc=self.web.oidc)

    async def _valid(self, token: str) -> Grant | None:
        grant = self.web.links.read("link", token, self.web.clock())
        if grant is None:
            return None
        used = await self.web.store.run_sql(lambda tx: tx.sign_in.used(grant.nonce))
        return None if used else grant

    async def confirm(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if await self._valid(token) is None:
            return self.web.render("refused.html", request, status=400, message=REFUSED)
        pre = secrets.token_urlsafe(18)
        response = self.web.render(
            "confirm.html", request, token=token, pre=self.web.links.signer.derive("signin", pre)
        )
        response.set_cookie(
            PRE_COOKIE,
            pre,
            max_age=600,
            httponly=True,
            secure=self.web.secure_cookies,
            samesite="Strict",
            path="/signin",
        )
        return response

    async def use(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        pre = request.cookies.get(PRE_COOKIE, "")
        sent = str(form.get("pre", ""))
        if not pre or sent != self.web.links.signer.derive("signin", pre):
            return self.web.render(
                "refused.html",
                request,
                status=403,
                message="This form has expired. Open the link from chat again.",
            )
        grant = self.web.links.read("link", str(form.get("token", "")), self.web.clock())
        now = self.web.clock()

        def take(tx: SqlTransaction) -> bool:
            assert grant is not None
            known = tx.directory.person(grant.person_id) is not None
            return known and tx.sign_in.use(grant.nonce, grant.person_id, now)

        if grant is None or not await self.web.store.run_sql(take):
            return self.web.render("refused.html", request, status=400, message=REFUSED)
        response = see_other("/dashboard")
        self.web.start_session(response, grant.person_id)
        response.del_cookie(PRE_COOKIE, path="/signin")
        return response

    async def sign_out(self, request: web.Request) -> web.StreamResponse:
        if not self.web.csrf_ok(request, await request.post()):
            return self.web.render(
                "refused.html",
                request,
                status=403,
                message="This form has expired. Reload the page and try again.",
            )
        await self.web.end_session(request[GRANT])
        response = see_other("/signin")
        response.del_cookie(COOKIE, path="/")
        return response
