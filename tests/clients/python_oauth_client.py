"""OAuth 2.1 end to end: a certified OpenID provider, the official Python SDK's OAuth client,
and `grounded serve --http --oauth-issuer` between them.

Run by .ci/run (after `npm ci --prefix tests/oauth`):
    python3 tests/clients/python_oauth_client.py PATH/TO/grounded

It starts two OpenID providers on loopback (tests/oauth/provider.mjs: oidc-provider with
dynamic client registration), and grounded trusting the first. The SDK's OAuthClientProvider
then does what a remote MCP client does on its own - the 401, protected resource metadata,
authorization server metadata, registration, PKCE, the code exchange with the resource
indicator - while this script plays the user in the provider's login and consent pages over
HTTP. It checks:
- a write-scoped token lists the write tools and writes, and the signed-in person is the author;
- a read-scoped token lists only read-only tools, and a write is refused with 403
  insufficient_scope naming grounded:write;
- no token, an expired token, a token for another audience, one from another issuer and one
  with an altered signature are each refused with 401 and a pointer to the metadata;
- after the provider rotates its signing key, a token signed with the new key is accepted.
Every token the negative cases present is first checked here to be sound in all but the one
respect under test, so each 401 is refused for the stated reason. Exits 1 on any failure,
with the output of the processes it started.
"""

import asyncio
import base64
import hashlib
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import httpx2
import jwt
from mcp import ClientSession
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider, TokenStorage
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

PROVIDER = Path(__file__).resolve().parents[1] / "oauth" / "provider.mjs"
# Where the provider sends the browser back with the code. Nothing listens there: the test
# reads the redirect instead of following it, as a native app's loopback listener would.
REDIRECT_URI = "http://127.0.0.1:9/callback"
BOTH_SCOPES = "grounded:read grounded:write"
WRITE_TOOLS = {"draft_okr", "update_okr", "add_evidence", "record_measurements"}
READ_TOOLS = {"check_okr", "list_okrs", "get_okr", "search_evidence", "suggest_links", "score", "explain", "report"}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                         "clientInfo": {"name": "python-oauth-raw", "version": "1"}}}
OKR = {"objective": "New customers reach lasting value in their first week", "owner": "Maya Chen",
       "cycle": "2026-Q4", "key_results": ["Raise week-1 to month-3 retention from 50% to 65%"]}


class Failed(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise Failed(message)


class Process:
    """A child process whose stdout and stderr are drained on threads (a full pipe would stall
    it) and kept, to be shown when the test fails."""

    def __init__(self, name: str, argv: list[str]):
        self.name = name
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
        for stream in (self.popen.stdout, self.popen.stderr):
            threading.Thread(target=self._drain, args=(stream,), daemon=True).start()

    def _drain(self, stream) -> None:
        for line in stream:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait_for(self, prefix: str, timeout: float = 20) -> str:
        """The rest of the first output line that starts with `prefix`."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for line in self.lines:
                    if line.startswith(prefix):
                        return line[len(prefix):].strip()
                left = deadline - time.monotonic()
                check(left > 0 and self.popen.poll() is None,
                      f"{self.name} did not print {prefix!r} (exit code {self.popen.poll()})")
                self.changed.wait(min(left, 0.2))

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def output(self) -> str:
        return "\n".join(f"  {line}" for line in self.lines[-60:]) or "  (nothing)"


class Forms(HTMLParser):
    """The forms of a page: action and inputs, which is all the provider's pages use."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "inputs": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(attrs)


async def sign_in(authorization_url: str, login: str, refuse: tuple[str, ...] = ()) -> dict[str, str]:
    """Play the user in a browser with no session yet: follow the authorization request to the
    provider's login page, sign in as `login`, allow every scope on the consent page except
    `refuse`, and return the query of the final redirect to REDIRECT_URI (code, state, iss)."""
    pages = []
    async with httpx2.AsyncClient(follow_redirects=False, timeout=10) as browser:
        request = browser.build_request("GET", authorization_url)
        for _ in range(12):
            response = await browser.send(request)
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if location.startswith(REDIRECT_URI):
                    answer = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
                    check("error" not in answer, f"the provider refused the authorization: {answer}")
                    check(pages == ["login", "consent"], f"expected a login then a consent page, saw {pages}")
                    return answer
                request = browser.build_request("GET", location)
                continue
            parser = Forms()
            parser.feed(response.text)
            check(response.status_code == 200 and len(parser.forms) == 1,
                  f"the provider answered {response.status_code} at {response.url}: {response.text[:500]}")
            form = parser.forms[0]
            names = {i.get("name") for i in form["inputs"]}
            if "login" in names:
                pages.append("login")
                fields = {"login": login, "password": "not checked by the test provider"}
            else:
                pages.append("consent")
                offered = [i["value"] for i in form["inputs"] if i.get("type") == "checkbox"]
                check(set(BOTH_SCOPES.split()) <= set(offered), f"the consent page offers {offered}")
                fields = {"scope": [s for s in offered if s not in refuse]}
            request = browser.build_request("POST", urljoin(str(response.url), form["action"]), data=fields)
    raise Failed(f"no redirect to the client after 12 steps (pages: {pages})")


class Browser:
    """The SDK's redirect_handler and callback_handler: 'opening' the authorization URL drives
    the provider's pages; the callback hands the code from the redirect back to the SDK."""

    def __init__(self, login: str, refuse: tuple[str, ...] = ()):
        self.login, self.refuse = login, refuse
        self.opened: list[str] = []
        self.answer: dict[str, str] = {}

    async def open(self, authorization_url: str) -> None:
        self.opened.append(authorization_url)
        self.answer = await sign_in(authorization_url, self.login, self.refuse)

    async def callback(self) -> AuthorizationCodeResult:
        return AuthorizationCodeResult(code=self.answer["code"], state=self.answer.get("state"),
                                       iss=self.answer.get("iss"))


class MemoryStorage(TokenStorage):
    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


def sdk_oauth(url: str, client_name: str, scope: str, browser: Browser, storage: MemoryStorage) -> OAuthClientProvider:
    metadata = OAuthClientMetadata(client_name=client_name, redirect_uris=[REDIRECT_URI], scope=scope)
    return OAuthClientProvider(server_url=url, client_metadata=metadata, storage=storage,
                               redirect_handler=browser.open, callback_handler=browser.callback)


async def token_by_hand(issuer: str, resource: str, login: str, client_name: str = "grounded test (by hand)",
                        scope: str = BOTH_SCOPES, refuse: tuple[str, ...] = ()) -> str:
    """An access token from the same authorization-code flow with PKCE, done here without the
    SDK, so the test can choose the resource (audience), the client's name (its TTL) and the
    scopes the user refuses at consent."""
    async with httpx2.AsyncClient(timeout=10) as http:
        meta = (await http.get(f"{issuer}/.well-known/openid-configuration")).json()
        registered = await http.post(meta["registration_endpoint"], json={
            "client_name": client_name, "redirect_uris": [REDIRECT_URI], "application_type": "native",
            "token_endpoint_auth_method": "none", "grant_types": ["authorization_code"], "response_types": ["code"]})
        check(registered.status_code == 201, f"registration at {issuer}: {registered.status_code} {registered.text}")
        client_id = registered.json()["client_id"]
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        state = secrets.token_urlsafe(16)
        answer = await sign_in(meta["authorization_endpoint"] + "?" + urlencode({
            "response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT_URI, "scope": scope,
            "state": state, "code_challenge": challenge, "code_challenge_method": "S256", "resource": resource}),
            login, refuse)
        check(answer.get("state") == state and answer.get("iss") == issuer, f"authorization response {answer}")
        token = await http.post(meta["token_endpoint"], data={
            "grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT_URI,
            "client_id": client_id, "code_verifier": verifier, "resource": resource})
        check(token.status_code == 200, f"token request at {issuer}: {token.status_code} {token.text}")
        return token.json()["access_token"]


async def claims(token: str, issuer: str, audience: str, verify_exp: bool = True) -> dict:
    """The token's claims, checked as a resource server would check them (signature against the
    issuer's current JWKS, iss, aud, exp) - to know a token is sound but for what a case alters."""
    async with httpx2.AsyncClient(timeout=10) as http:
        meta = (await http.get(f"{issuer}/.well-known/openid-configuration")).json()
        keys = jwt.PyJWKSet.from_dict((await http.get(meta["jwks_uri"])).json())
    key = keys[jwt.get_unverified_header(token)["kid"]]
    return jwt.decode(token, key.key, algorithms=["RS256", "ES256"], issuer=issuer, audience=audience,
                      options={"verify_exp": verify_exp})


async def post(url: str, body: dict, token: str | None, session_id: str | None = None) -> httpx2.Response:
    headers = dict(MCP_HEADERS)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if session_id is not None:
        headers["Mcp-Session-Id"] = session_id
    async with httpx2.AsyncClient(timeout=10) as http:
        return await http.post(url, json=body, headers=headers)


def refused(case: str, answer: httpx2.Response, status: int, *parts: str) -> None:
    """The answer has this status and a Bearer challenge containing each of `parts`."""
    challenge = answer.headers.get("www-authenticate", "")
    check(answer.status_code == status and challenge.startswith("Bearer ") and all(p in challenge for p in parts),
          f"{case}: expected {status} with a Bearer challenge containing {parts}; got {answer.status_code}, "
          f"WWW-Authenticate: {challenge!r}, body: {answer.text[:300]!r}")


def tool_names(tools) -> set[str]:
    return {t.name for t in tools}


async def run(binary: str, db: str, processes: list[Process]) -> list[str]:
    checked = []
    provider_a = Process("provider A", ["node", str(PROVIDER), "--port", "0"])
    provider_b = Process("provider B", ["node", str(PROVIDER), "--port", "0"])
    processes += [provider_a, provider_b]
    issuer = provider_a.wait_for("provider: listening on ")
    other_issuer = provider_b.wait_for("provider: listening on ")

    server = Process("grounded", [binary, "--db", f"{db}/db", "serve", "--http", "127.0.0.1:0",
                                  "--oauth-issuer", issuer])
    processes.append(server)
    url = server.wait_for("grounded: listening on ")
    base = url.removesuffix("/mcp")
    metadata_url = f"{base}/.well-known/oauth-protected-resource/mcp"
    invalid_token = ('error="invalid_token"', f'resource_metadata="{metadata_url}"')

    # What a client finds before it has any token.
    async with httpx2.AsyncClient(timeout=10) as http:
        health = await http.get(f"{base}/healthz")
        check(health.status_code == 200, f"/healthz without a token: {health.status_code}")
        expected = {"resource": url, "authorization_servers": [issuer], "scopes_supported": BOTH_SCOPES.split(),
                    "bearer_methods_supported": ["header"], "resource_name": "grounded"}
        for where in (metadata_url, f"{base}/.well-known/oauth-protected-resource"):
            answer = await http.get(where)
            check(answer.status_code == 200, f"GET {where}: {answer.status_code}")
            found = answer.json()
            check({k: found.get(k) for k in expected} == expected, f"GET {where}: {found}, expected {expected}")
    refused("no token", await post(url, INITIALIZE, None), 401,
            f'resource_metadata="{metadata_url}"', f'scope="{BOTH_SCOPES}"')
    checked.append("no token: 401 pointing to the protected resource metadata, which names the issuer")

    # A writer, entirely through the SDK: discovery, registration, PKCE, code exchange.
    browser, storage = Browser("maya"), MemoryStorage()
    oauth = sdk_oauth(url, "grounded test (writer)", BOTH_SCOPES, browser, storage)
    async with create_mcp_http_client(auth=oauth) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                check(init.server_info.name == "grounded", f"server info {init.server_info}")
                names = tool_names((await session.list_tools()).tools)
                check(WRITE_TOOLS | READ_TOOLS <= names, f"a write-scoped token lists {sorted(names)}")
                drafted = await session.call_tool("draft_okr", OKR)
                check(not drafted.is_error, f"draft_okr with a write-scoped token: {drafted.content}")
                detail = await session.call_tool("get_okr", {"id": "O-1", "detail": "full"})
                check(not detail.is_error, f"get_okr: {detail.content}")
                authors = {e["author"] for e in detail.structured_content["full"]["history"]}
                check(authors == {"Maya Chen"}, f"the draft's authors are {authors}, expected the token's name")
    check(len(browser.opened) == 1 and storage.client_info and storage.client_info.client_id,
          f"the SDK registered once and asked for authorization once ({len(browser.opened)} times)")
    opened = parse_qs(urlparse(browser.opened[0]).query)
    check(opened.get("resource") == [url] and opened.get("code_challenge_method") == ["S256"],
          f"the SDK's authorization request: {opened}")
    writer = await claims(storage.tokens.access_token, issuer, url)
    check(writer["sub"] == "maya" and writer["name"] == "Maya Chen" and writer["email"] == "maya@example.test"
          and "grounded:write" in writer["scope"].split(), f"the writer's token claims {writer}")
    checked.append("SDK OAuth client (discovery, registration, PKCE, resource indicator): "
                   "write tools listed, draft_okr written, authored by the token's name")

    # A reader: the same SDK flow, but the user allows only grounded:read on the consent page.
    # (The SDK requests the scopes grounded's challenge names, whatever its own metadata says,
    # so a narrower token comes from the user's consent, as it would for a real person.)
    browser, storage = Browser("sam", refuse=("grounded:write",)), MemoryStorage()
    oauth = sdk_oauth(url, "grounded test (reader)", "grounded:read", browser, storage)
    async with create_mcp_http_client(auth=oauth) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = (await session.list_tools()).tools
                names = tool_names(tools)
                check(READ_TOOLS <= names and not names & WRITE_TOOLS, f"a read-scoped token lists {sorted(names)}")
                writable = [t.name for t in tools if not (t.annotations and t.annotations.read_only_hint)]
                check(not writable, f"a read-scoped token lists tools not marked read-only: {writable}")
                shown = await session.call_tool("get_okr", {"id": "O-1"})
                check(not shown.is_error, f"get_okr with a read-scoped token: {shown.content}")
    reader = storage.tokens.access_token
    scope = (await claims(reader, issuer, url))["scope"].split()
    check("grounded:read" in scope and "grounded:write" not in scope, f"the reader's token has scope {scope}")
    # Raw HTTP for the refusal: on a 403 insufficient_scope the SDK would start a step-up
    # authorization instead of reporting it.
    opened = await post(url, INITIALIZE, reader)
    check(opened.status_code == 200, f"initialize with the reader's token: {opened.status_code} {opened.text[:300]}")
    session_id = opened.headers.get("mcp-session-id")
    await post(url, {"jsonrpc": "2.0", "method": "notifications/initialized"}, reader, session_id)
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "draft_okr", "arguments": OKR}}
    refused("draft_okr with a read-scoped token", await post(url, call, reader, session_id), 403,
            'error="insufficient_scope"', 'scope="grounded:write"', f'resource_metadata="{metadata_url}"')
    checked.append("read-scoped token: only read-only tools listed, get_okr works, draft_okr 403 insufficient_scope")

    # A token the user granted neither scope: valid, but it may not even read.
    scopeless = await token_by_hand(issuer, url, "sam", scope=f"{BOTH_SCOPES} other:read",
                                    refuse=("grounded:read", "grounded:write"))
    scope = (await claims(scopeless, issuer, url)).get("scope", "").split()
    check("grounded:read" not in scope and "grounded:write" not in scope, f"the scopeless token has scope {scope}")
    refused("a token with neither scope", await post(url, INITIALIZE, scopeless), 403,
            'error="insufficient_scope"', 'scope="grounded:read"', f'resource_metadata="{metadata_url}"')
    checked.append("token with neither scope: 403 insufficient_scope naming grounded:read")

    # Tokens refused: each is sound but in the one respect named.
    good = await token_by_hand(issuer, url, "maya")
    await claims(good, issuer, url)
    check((await post(url, INITIALIZE, good)).status_code == 200, "a good token by hand is accepted")

    # The provider issues this client's tokens already 120 s past their exp: with the 60 s
    # leeway a resource server allows for clock skew, a token that expires in a few seconds
    # would need more than a minute of waiting.
    expired = await token_by_hand(issuer, url, "maya", "grounded test (expired, expires_in=-120)")
    exp = (await claims(expired, issuer, url, verify_exp=False))["exp"]
    check(exp < time.time() - 60, f"the expired token's exp is {exp}, now is {time.time():.0f}")
    refused("an expired token", await post(url, INITIALIZE, expired), 401, *invalid_token)
    checked.append("expired token: 401")

    elsewhere = "http://127.0.0.1:9/elsewhere"
    other_audience = await token_by_hand(issuer, elsewhere, "maya")
    await claims(other_audience, issuer, elsewhere)
    refused("a token for another audience", await post(url, INITIALIZE, other_audience), 401, *invalid_token)
    checked.append("token for another audience: 401")

    header, payload, signature = good.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[len(raw) // 2] ^= 0x01  # one bit in the middle: a base64 character at the end may only be padding bits
    forged = f"{header}.{payload}." + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    refused("an altered signature", await post(url, INITIALIZE, forged), 401, *invalid_token)
    checked.append("altered signature: 401")

    # Key rotation: new tokens carry a kid grounded has not seen; it must fetch the JWKS again.
    old_kid = jwt.get_unverified_header(good)["kid"]
    async with httpx2.AsyncClient(timeout=10) as http:
        rotated = await http.post(f"{issuer}/_test/rotate")
    check(rotated.status_code == 200, f"rotating the provider's key: {rotated.status_code}")
    fresh = await token_by_hand(issuer, url, "maya")
    new_kid = jwt.get_unverified_header(fresh)["kid"]
    check(new_kid == rotated.json()["kid"] and new_kid != old_kid, f"kid {old_kid} then {new_kid}")
    await claims(fresh, issuer, url)
    answer = await post(url, INITIALIZE, fresh)
    check(answer.status_code == 200, f"a token signed with the rotated key: {answer.status_code} "
                                     f"{answer.headers.get('www-authenticate')!r} {answer.text[:300]!r}")
    checked.append("rotated signing key: a token with the new kid is accepted")

    # After the rotation: its unknown kid must not spend a JWKS refetch the rotation needs.
    foreign = await token_by_hand(other_issuer, url, "maya")
    await claims(foreign, other_issuer, url)
    refused("a token from another issuer", await post(url, INITIALIZE, foreign), 401, *invalid_token)
    checked.append("token from another issuer (right audience): 401")
    return checked


def first_failed(error: BaseException) -> Failed | None:
    if isinstance(error, Failed):
        return error
    for inner in getattr(error, "exceptions", ()):
        if found := first_failed(inner):
            return found
    return None


def main(binary: str) -> int:
    if not (PROVIDER.parent / "node_modules" / "oidc-provider").is_dir():
        print(f"python OAuth client: FAILED: run `npm ci --prefix {PROVIDER.parent}` first", file=sys.stderr)
        return 1
    started = time.monotonic()
    processes: list[Process] = []
    db = tempfile.mkdtemp(prefix="grounded-oauth-")
    try:
        # A bound on the whole run, so a hang fails CI instead of stalling it; a run takes seconds.
        checked = asyncio.run(asyncio.wait_for(run(binary, db, processes), timeout=120))
    except BaseException as error:  # the SDK's task groups wrap a check failing in its handlers
        failed = first_failed(error)
        if failed is None:
            traceback.print_exception(error)
        message = str(failed) if failed else f"{type(error).__name__}: {error}"
        print(f"python OAuth client: FAILED: {message}", file=sys.stderr)
        for process in processes:
            print(f"--- {process.name} output:\n{process.output()}", file=sys.stderr)
        return 1
    finally:
        for process in processes:
            process.stop()
        shutil.rmtree(db, ignore_errors=True)
    for line in checked:
        print(f"  ok: {line}")
    print(f"python SDK OAuth client against oidc-provider and serve --http: ok ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
