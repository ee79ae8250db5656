"""Logins: SOAP login() and the OAuth 2.0 token endpoint (JWT bearer, client credentials, password).

    soap_login(org, request, version="59.0")   # 200 loginResponse XML, or a 500 SOAP fault
    oauth_token(org, request)                   # 200 {access_token, instance_url, ...} or 400

JWT assertions are decoded but their signature is NOT verified: the fake accepts any well-formed
JWT whose iss is the consumer key, sub the username and aud a login host or the instance. exp is
not checked either, because simple-salesforce stamps it from the wall clock, not the fake clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from harness.fakes.http import FakeRequest, FakeResponse
from harness.fakes.salesforce.org import SOAP_LOGIN_LAST_VERSION, Org

INVALID_LOGIN = "Invalid username, password, security token; or user locked out."
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_XML = "text/xml; charset=utf-8"


# --- SOAP -----------------------------------------------------------------------------------


def soap_login(org: Org, request: FakeRequest, version: str) -> FakeResponse:
    if float(version) > SOAP_LOGIN_LAST_VERSION:
        return soap_fault(
            "INVALID_OPERATION",
            f"The SOAP Login operation is not available in the API version specified ({version})",
        )
    credentials = _soap_credentials(request.body)
    if credentials is None:
        return soap_fault(
            "INVALID_REQUEST", "Unable to parse the login request", code="soapenv:Client"
        )
    username, password = credentials
    settings = org.settings
    if username != settings.username or password != settings.password + settings.security_token:
        return soap_fault("INVALID_LOGIN", INVALID_LOGIN)
    return FakeResponse(
        200,
        _login_response(org, org.sessions.issue(), version).encode(),
        {
            "Content-Type": _XML,
        },
    )


def soap_fault(exception_code: str, message: str, *, code: str | None = None) -> FakeResponse:
    """A login() fault the way Salesforce sends it: HTTP 500, sf:exceptionCode in detail."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:sf="urn:fault.partner.soap.sforce.com" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>'
        f"<faultcode>{escape(code or exception_code)}</faultcode>"
        f"<faultstring>{escape(exception_code)}: {escape(message)}</faultstring>"
        '<detail><sf:LoginFault xsi:type="sf:LoginFault">'
        f"<sf:exceptionCode>{escape(exception_code)}</sf:exceptionCode>"
        f"<sf:exceptionMessage>{escape(message)}</sf:exceptionMessage>"
        "</sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )
    return FakeResponse(500, body.encode(), {"Content-Type": _XML})


def _soap_credentials(body: bytes) -> tuple[str, str] | None:
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None
    found = {el.tag.rsplit("}", 1)[-1]: el.text or "" for el in root.iter()}
    if "username" not in found or "password" not in found:
        return None
    return found["username"], found["password"]


def _login_response(org: Org, session_id: str, version: str) -> str:
    s = org.settings
    user_info = "".join(
        f"<{tag}>{escape(value)}</{tag}>"
        for tag, value in (
            ("organizationId", s.org_id),
            ("organizationName", s.organization_name),
            ("sessionSecondsValid", "7200"),
            ("userEmail", s.username),
            ("userFullName", f"{s.user_first_name} {s.user_last_name}"),
            ("userId", s.user_id),
            ("userName", s.username),
        )
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns="urn:partner.soap.sforce.com" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<soapenv:Body><loginResponse><result>"
        f"<metadataServerUrl>{s.instance_url}/services/Soap/m/{version}/{s.org_id}</metadataServerUrl>"
        "<passwordExpired>false</passwordExpired>"
        f"<sandbox>{str(s.is_sandbox).lower()}</sandbox>"
        f"<serverUrl>{s.instance_url}/services/Soap/u/{version}/{s.org_id}</serverUrl>"
        f"<sessionId>{escape(session_id)}</sessionId>"
        f"<userId>{s.user_id}</userId><userInfo>{user_info}</userInfo>"
        "</result></loginResponse></soapenv:Body></soapenv:Envelope>"
    )


# --- OAuth 2.0 ------------------------------------------------------------------------------


def oauth_token(org: Org, request: FakeRequest) -> FakeResponse:
    form = request.form()
    grant = form.get("grant_type", "")
    if grant == JWT_BEARER:
        problem = _check_jwt(org, form.get("assertion", ""))
    elif grant == "client_credentials":
        problem = _check_client_credentials(org, request, form)
    elif grant == "password":
        problem = _check_password_grant(org, form)
    else:
        problem = ("unsupported_grant_type", "grant type not supported")
    if problem is not None:
        return oauth_error(*problem)
    return FakeResponse(200, _token_body(org, request.host))


def oauth_token_handler(org: Org, request: FakeRequest, match: object) -> FakeResponse:
    return oauth_token(org, request)


def oauth_error(error: str, description: str) -> FakeResponse:
    return FakeResponse(400, {"error": error, "error_description": description})


def _check_jwt(org: Org, assertion: str) -> tuple[str, str] | None:
    claims = _jwt_claims(assertion)
    if claims is None:
        return ("invalid_grant", "invalid assertion")
    s = org.settings
    if claims.get("iss") != s.consumer_key:
        return ("invalid_client_id", "client identifier invalid")
    if claims.get("sub") != s.username:
        return ("invalid_grant", "invalid assertion")
    if claims.get("aud") not in (*s.login_hosts, s.instance_url):
        return ("invalid_grant", "audience is invalid")
    return None


def _jwt_claims(assertion: str) -> dict[str, Any] | None:
    parts = assertion.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (binascii.Error, ValueError):
        return None
    return claims if isinstance(claims, dict) else None


def _check_client_credentials(
    org: Org, request: FakeRequest, form: dict[str, str]
) -> tuple[str, str] | None:
    if request.host in org.settings.login_hosts:
        # Salesforce runs this flow only on the org's My Domain, never on login/test hosts.
        return ("invalid_grant", "request not supported on this domain")
    key, secret = _basic_auth(request.header("Authorization")) or (
        form.get("client_id", ""),
        form.get("client_secret", ""),
    )
    if (key, secret) != (org.settings.consumer_key, org.settings.consumer_secret):
        return ("invalid_client", "invalid client credentials")
    return None


def _check_password_grant(org: Org, form: dict[str, str]) -> tuple[str, str] | None:
    s = org.settings
    if (form.get("client_id"), form.get("client_secret")) != (s.consumer_key, s.consumer_secret):
        return ("invalid_client", "invalid client credentials")
    if form.get("username") != s.username or form.get("password") not in (
        s.password,
        s.password + s.security_token,
    ):
        return ("invalid_grant", "authentication failure")
    return None


def _basic_auth(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip()).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    key, _, secret = decoded.partition(":")
    return key, secret


def _token_body(org: Org, host: str) -> dict[str, Any]:
    s = org.settings
    identity = f"{host}/id/{s.org_id}/{s.user_id}"
    issued_at = str(int(org.clock.now().timestamp() * 1000))
    digest = hmac.new(s.consumer_secret.encode(), (identity + issued_at).encode(), hashlib.sha256)
    return {
        "access_token": org.sessions.issue(),
        "instance_url": s.instance_url,
        "id": identity,
        "token_type": "Bearer",
        "issued_at": issued_at,
        "signature": base64.b64encode(digest.digest()).decode(),
        "scope": "api",
    }
