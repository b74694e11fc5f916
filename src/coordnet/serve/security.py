"""The web app's guard: token, Host check, CSRF, body size limit and security headers.

One ASGI middleware in front of every route, so that no route can forget a check:

* **Token** (when the app has one; ``coordnet serve`` sets one whenever it listens on
  anything but the loopback interface): every request must carry it, as
  ``Authorization: Bearer <token>`` or in the ``coordnet_token`` cookie. Visiting any page
  once with ``?token=<token>`` sets that cookie (``HttpOnly``, ``SameSite=Strict``) and
  redirects to the same address without the token, so it does not stay in the address bar
  or the history. A missing or wrong token gets ``401``. Tokens are compared in constant
  time.
* **Host check** (on the loopback interface): the ``Host`` header must name the loopback
  address the server listens on. A web page elsewhere could otherwise point its own domain
  name at 127.0.0.1 (DNS rebinding) and read the app from the analyst's browser.
* **CSRF**: every state-changing request (``POST``, ``PUT``, ``PATCH``, ``DELETE``) must
  carry the CSRF token, in the ``X-CSRF-Token`` header (API) or the ``csrf_token`` form
  field (pages), and the token must match the ``coordnet_csrf`` cookie: the cookie holds a
  random nonce, the token is its HMAC-SHA256 under a secret made when the app starts (a
  signed double-submit cookie: a page elsewhere can neither read the token nor, by planting
  a cookie, forge one). A request whose ``Origin`` names another site is refused too
  (``Origin: null``, which Chromium sends for the app's own forms under ``no-referrer``,
  is left to the token).
  Refusals get ``403``. Pages get the token from ``request.scope["coordnet.csrf"]``; API
  clients from ``GET /api/csrf``.
* **Body size**: a request body over the limit (64 KiB by default) gets ``413``, whether
  it announces its length or streams.
* **Headers on every response**: a strict ``Content-Security-Policy`` (``default-src
  'none'``; scripts, styles and fetches from the app itself only, images from the app or
  ``data:``, no frames, no plug-ins, forms only to the app), ``X-Content-Type-Options:
  nosniff``, ``Referrer-Policy: no-referrer``, ``X-Frame-Options: DENY``,
  ``Cross-Origin-Opener-Policy`` and ``-Resource-Policy: same-origin``, and
  ``Cache-Control: no-store`` (pages hold investigation data).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "MAX_BODY",
    "TOKEN_COOKIE",
    "SecurityMiddleware",
    "SecuritySettings",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Largest request body accepted (bytes).
MAX_BODY = 64 * 1024
TOKEN_COOKIE = "coordnet_token"
CSRF_COOKIE = "coordnet_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])  # fmt: skip
_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class SecuritySettings:
    """What the guard enforces.

    ``token``: required on every request when set. ``allowed_hosts``: accepted ``Host``
    headers (``host`` or ``host:port``, lower case); None accepts any (the token protects
    a server bound off loopback). ``max_body``: largest request body in bytes.
    ``csrf_secret``: key of the CSRF tokens (random by default, so tokens die with the
    process).
    """

    token: str | None = None
    allowed_hosts: frozenset[str] | None = None
    max_body: int = MAX_BODY
    csrf_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))


def _headers(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        name = key.decode("latin-1").lower()
        text = value.decode("latin-1")
        # Repeated cookie headers are joined; for the others the first one counts.
        if name == "cookie" and name in out:
            out[name] += "; " + text
        else:
            out.setdefault(name, text)
    return out


def _cookies(header: str | None) -> dict[str, str]:
    if not header:
        return {}
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def _cookie(name: str, value: str, scope: Scope, *, max_age: int | None = None) -> bytes:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if scope.get("scheme") == "https":
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts).encode("latin-1")


async def _reply(
    send: Send,
    status: int,
    message: str,
    *,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = json.dumps({"detail": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *_HEADERS,
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class SecurityMiddleware:
    """ASGI middleware enforcing :class:`SecuritySettings` (see the module docstring)."""

    def __init__(self, app: ASGIApp, settings: SecuritySettings) -> None:
        self.app = app
        self.settings = settings

    def csrf_token(self, nonce: str) -> str:
        """The CSRF token that goes with cookie ``nonce``."""
        return hmac.new(self.settings.csrf_secret, nonce.encode(), hashlib.sha256).hexdigest()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        s = self.settings
        headers = _headers(scope)
        host = headers.get("host", "").lower()
        if s.allowed_hosts is not None and host not in s.allowed_hosts:
            await _reply(send, 400, "unexpected Host header: open the address the server printed")
            return
        cookies = _cookies(headers.get("cookie"))
        if s.token is not None:
            query = parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                              keep_blank_values=True)  # fmt: skip
            given = [v for k, v in query if k == "token"]
            if given and scope["method"] in ("GET", "HEAD"):
                if not self._token_ok(given[0]):
                    await _reply(send, 401, "wrong token")
                    return
                rest = urlencode([(k, v) for k, v in query if k != "token"])
                target = scope.get("root_path", "") + scope["path"] + (f"?{rest}" if rest else "")
                await _reply(send, 303, "token accepted", extra=[
                    (b"location", target.encode("utf-8")),
                    (b"set-cookie", _cookie(TOKEN_COOKIE, s.token, scope)),
                ])  # fmt: skip
                return
            auth = headers.get("authorization", "")
            bearer = auth[7:].strip() if auth[:7].lower() == "bearer " else None
            if not (self._token_ok(bearer) or self._token_ok(cookies.get(TOKEN_COOKIE))):
                await _reply(send, 401, "a token is required: send 'Authorization: Bearer "
                             "<token>' or open the address with ?token=<token> once",
                             extra=[(b"www-authenticate", b"Bearer")])  # fmt: skip
                return
        nonce = cookies.get(CSRF_COOKIE, "")
        new_nonce = None
        if len(nonce) != 43 or not nonce.replace("-", "").replace("_", "").isalnum():
            nonce = new_nonce = secrets.token_urlsafe(32)
        expected = self.csrf_token(nonce)
        scope["coordnet.csrf"] = expected

        length = headers.get("content-length")
        if length is not None and (
            not (length.isascii() and length.isdigit()) or int(length) > s.max_body
        ):
            await _reply(send, 413, f"request body over {s.max_body} bytes")
            return
        if scope["method"] in _UNSAFE:
            try:
                body = await self._read_body(receive)
            except _TooLarge:
                await _reply(send, 413, f"request body over {s.max_body} bytes")
                return
            origin = headers.get("origin")
            # "null": what Chromium sends for a same-origin form under no-referrer.
            if origin not in (None, "null") and not self._same_origin(str(origin), scope, host):
                await _reply(send, 403, "cross-site request refused")
                return
            token = headers.get(CSRF_HEADER)
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            if token is None and ctype == "application/x-www-form-urlencoded":
                fields = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
                token = next((v for k, v in fields if k == CSRF_FIELD), None)
            if (
                new_nonce is not None
                or not token
                or not hmac.compare_digest(token.encode("utf-8", "replace"), expected.encode())
            ):
                await _reply(send, 403, "missing or wrong CSRF token: reload the page (API: "
                             "GET /api/csrf, then send its token in X-CSRF-Token)")  # fmt: skip
                return
            receive = self._replay(body, receive)
        else:
            receive = self._limited(receive)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in _HEADERS if h[0] not in names]
                if new_nonce is not None:
                    extra.append((b"set-cookie", _cookie(CSRF_COOKIE, new_nonce, scope)))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except _TooLarge:
            await _reply(send, 413, f"request body over {s.max_body} bytes")

    def _token_ok(self, given: str | None) -> bool:
        token = self.settings.token
        if token is None or not given:
            return False
        return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))

    @staticmethod
    def _same_origin(origin: str, scope: Scope, host: str) -> bool:
        try:
            parts = urlsplit(origin)
        except ValueError:
            return False
        return parts.scheme == scope.get("scheme", "http") and parts.netloc.lower() == host

    async def _read_body(self, receive: Receive) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.settings.max_body:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    @staticmethod
    def _replay(body: bytes, original: Receive) -> Receive:
        """The body read already, then the connection's own messages (the disconnect)."""
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if sent:
                return await original()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return receive

    def _limited(self, receive: Receive) -> Receive:
        size = 0

        async def limited() -> Message:
            nonlocal size
            message = await receive()
            size += len(message.get("body", b""))
            if size > self.settings.max_body:
                raise _TooLarge
            return message

        return limited
