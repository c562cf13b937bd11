"""A tiny OpenID Connect provider shaped like ProConnect, served by http.server in a thread.

It issues authorization codes on demand (the test plays the agent at ProConnect's door), then
answers the token endpoint with an RS256-signed id_token, the userinfo endpoint with a signed JWT
(as ProConnect does) and the JWKS endpoint with its public key.
"""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "cotri-test"
CLIENT_SECRET = "secret-de-test"  # noqa: S105
KID = "cle-de-test"


class Provider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict] = {}  # code → {nonce, claims, redirect_uri}
        self.access_tokens: dict[str, dict] = {}  # access token → userinfo claims
        self.token_requests: list[dict] = []
        self.id_tokens: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/api/v2"
        self.issuer = self.base_url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def settings(self) -> dict:
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_RP_SCOPES": "openid email given_name usual_name",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.base_url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.base_url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.base_url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.base_url}/jwks",
            "OIDC_OP_LOGOUT_ENDPOINT": f"{self.base_url}/session/end",
            "OIDC_STORE_ID_TOKEN": True,
            "OIDC_CREATE_USER": False,
            "OIDC_TIMEOUT": 5,
            "OIDC_CALLBACK_CLASS": "cotri.proconnect.ProConnectCallbackView",
            "LOGIN_REDIRECT_URL": "/espace/",
            "LOGIN_REDIRECT_URL_FAILURE": "/espace/connexion/",
        }

    def authorize(self, *, nonce: str, redirect_uri: str, email: str, **extra) -> str:
        """What ProConnect does once the agent has signed in: a one-time code for cotri."""
        code = secrets.token_urlsafe(16)
        claims = {"sub": "agent-" + secrets.token_hex(4), "email": email, **extra}
        claims.setdefault("given_name", "Camille")
        claims.setdefault("usual_name", "Agent")
        self.codes[code] = {"nonce": nonce, "claims": claims, "redirect_uri": redirect_uri}
        return code

    def sign(self, payload: dict) -> str:
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": KID})

    def jwks(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]}

    def exchange(self, form: dict) -> tuple[int, dict]:
        self.token_requests.append(form)
        grant = self.codes.pop(form.get("code", ""), None)  # a code is good once
        if (
            grant is None
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
            or form.get("grant_type") != "authorization_code"
            or form.get("redirect_uri") != grant["redirect_uri"]
        ):
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        claims = grant["claims"]
        id_token = self.sign(
            {
                "iss": self.issuer,
                "sub": claims["sub"],
                "aud": claims.pop("_aud", CLIENT_ID),
                "iat": now,
                "exp": now + 60,
                "nonce": grant["nonce"],
                "acr": "eidas1",
            }
        )
        self.id_tokens.append(id_token)
        access_token = secrets.token_urlsafe(16)
        self.access_tokens[access_token] = claims
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 60,
            "id_token": id_token,
        }

    def userinfo(self, authorization: str) -> str | None:
        claims = self.access_tokens.get(authorization.removeprefix("Bearer "))
        if claims is None:
            return None
        return self.sign({**claims, "iss": self.issuer, "aud": CLIENT_ID})


def _handler(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output clean
            pass

        def _send(self, status: int, body: str, content_type: str = "application/json"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            path = urlparse(self.path).path
            if path.endswith("/jwks"):
                self._send(200, json.dumps(provider.jwks()))
            elif path.endswith("/userinfo"):
                signed = provider.userinfo(self.headers.get("Authorization", ""))
                if signed is None:
                    self._send(401, json.dumps({"error": "invalid_token"}))
                else:
                    self._send(200, signed, "application/jwt; charset=utf-8")
            else:
                self._send(404, "{}")

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlparse(self.path).path.endswith("/token"):
                status, body = provider.exchange(form)
                self._send(status, json.dumps(body))
            else:
                self._send(404, "{}")

    return Handler
