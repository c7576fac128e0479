"""OpenID Connect sign-in against a local fake of Entra ID (tests/fakes/oidc_provider.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest

from bot.web.app import COOKIE
from bot.web.oidc import FLOW_COOKIE
from storage.sql import SqlStore
from tests.fakes.oidc_provider import FakeOidcProvider
from tests.integration.web.conftest import Dashboard, serving


@pytest.fixture
async def provider() -> AsyncIterator[FakeOidcProvider]:
    fake = FakeOidcProvider(client_id="sva-dashboard", client_secret="s3cret", user_oid="oid-maya")
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def oidc_dashboard(
    sql_store: SqlStore, provider: FakeOidcProvider
) -> AsyncIterator[Dashboard]:
    settings = {
        "oidc_issuer": provider.url,
        "oidc_client_id": "sva-dashboard",
        "oidc_client_secret": "s3cret",
    }
    async with serving(sql_store, **settings) as served:
        yield served


async def sign_in(d: Dashboard, *, state: str | None = None) -> aiohttp.ClientResponse:
    """Start at /signin/oidc, let the provider sign in, return the callback's response."""
    async with aiohttp.ClientSession() as http:
        start = await http.get(d.url + "/signin/oidc", allow_redirects=False)
        assert start.status == 303, await start.text()
        flow = start.cookies[FLOW_COOKIE]
        assert flow["httponly"]
        query = parse_qs(urlparse(start.headers["Location"]).query)
        assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
        back = await http.get(start.headers["Location"], allow_redirects=False)
        assert back.status == 302
        callback = back.headers["Location"]
        if state is not None:
            callback = callback.split("&state=")[0] + f"&state={state}"
        return await http.get(callback, cookies={FLOW_COOKIE: flow.value}, allow_redirects=False)


async def test_an_entra_account_linked_to_a_manager_signs_in(
    oidc_dashboard: Dashboard, provider: FakeOidcProvider
) -> None:
    done = await sign_in(oidc_dashboard)
    assert done.status == 303 and done.headers["Location"] == "/dashboard"
    cookie = done.cookies[COOKIE]
    assert cookie["httponly"] and cookie["secure"]
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            oidc_dashboard.url + "/dashboard/team/North", cookies={COOKIE: cookie.value}
        ) as page,
    ):
        assert page.status == 200
        assert "Tom Newman" in await page.text()
    (token_call,) = provider.named("token")
    assert token_call.body["code_verifier"]  # PKCE


@pytest.mark.parametrize("misbehave", ["audience", "nonce", "expired", "signature"])
async def test_a_bad_id_token_is_refused(
    oidc_dashboard: Dashboard, provider: FakeOidcProvider, misbehave: str
) -> None:
    provider.misbehave = misbehave
    done = await sign_in(oidc_dashboard)
    assert done.status == 400 and COOKIE not in done.cookies


async def test_a_forged_state_is_refused(oidc_dashboard: Dashboard) -> None:
    done = await sign_in(oidc_dashboard, state="forged")
    assert done.status == 400 and COOKIE not in done.cookies


async def test_an_account_nobody_in_the_directory_has_is_refused(
    oidc_dashboard: Dashboard, provider: FakeOidcProvider
) -> None:
    provider.user_oid = "oid-stranger"
    done = await sign_in(oidc_dashboard)
    assert done.status == 403 and COOKIE not in done.cookies
    assert "not linked" in await done.text()


async def test_the_sign_in_page_offers_the_council_account(oidc_dashboard: Dashboard) -> None:
    async with aiohttp.ClientSession() as http, http.get(oidc_dashboard.url + "/signin") as page:
        assert 'href="/signin/oidc"' in await page.text()


async def test_a_code_the_provider_refuses_is_refused(
    oidc_dashboard: Dashboard, provider: FakeOidcProvider
) -> None:
    provider.client_secret = "rotated"  # the token endpoint answers invalid_grant
    done = await sign_in(oidc_dashboard)
    assert done.status == 400 and COOKIE not in done.cookies
