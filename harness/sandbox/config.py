"""Sandbox configuration from TALKQA_* environment variables (and a gitignored .env file).

    config = load_config(environ_with_dotenv(Path(".env")))
    config.salesforce, config.crmoffice, config.allowed_org_ids, config.min_remaining

Every missing or invalid variable is a ConfigError that names it in one line; values of secret
variables never appear in a message. The README section 'Running against sandboxes' lists them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from harness.connectors.settings import (
    DEFAULT_SALESFORCE_API_VERSION,
    ClientCredentialsLogin,
    CrmofficeSettings,
    JwtLogin,
    PasswordLogin,
    SalesforceLogin,
    SalesforceSettings,
    SessionLogin,
)
from harness.errors import ConfigError

README_HINT = "see README 'Running against sandboxes'"
AUTH_KINDS = ("password", "session", "jwt", "client-credentials")
# SOAP login() is gone from API 65.0 on (salesforce-api.md §1.3).
MAX_PASSWORD_API_VERSION = 64.0
DEFAULT_MIN_REMAINING = 1000
DEFAULT_LEDGER = Path("reports") / "sandbox-ledger.jsonl"
# Variables whose values are credentials: never printed, always masked in reports.
SECRET_VARIABLES = (
    "TALKQA_SF_PASSWORD",
    "TALKQA_SF_SECURITY_TOKEN",
    "TALKQA_SF_SESSION_ID",
    "TALKQA_SF_CONSUMER_SECRET",
    "TALKQA_CRM_CLIENT_SECRET",
    "TALKQA_CRM_REFRESH_TOKEN",
)


@dataclass(frozen=True)
class SandboxConfig:
    salesforce: SalesforceSettings
    crmoffice: CrmofficeSettings
    allowed_org_ids: frozenset[str]
    allowed_crm_base_urls: frozenset[str]
    min_remaining: int = DEFAULT_MIN_REMAINING
    ledger_path: Path = DEFAULT_LEDGER
    secret_values: tuple[str, ...] = field(default=(), repr=False)

    def secrets(self) -> list[str]:
        """Every credential value this configuration holds (for masking and for searching)."""
        return [value for value in self.secret_values if value]


_LOGIN_VARIABLES = {
    PasswordLogin: "TALKQA_SF_USERNAME, TALKQA_SF_PASSWORD, TALKQA_SF_SECURITY_TOKEN and"
    " TALKQA_SF_DOMAIN",
    SessionLogin: "TALKQA_SF_INSTANCE_URL and TALKQA_SF_SESSION_ID (a session id expires)",
    JwtLogin: "TALKQA_SF_USERNAME, TALKQA_SF_CONSUMER_KEY, TALKQA_SF_PRIVATE_KEY_FILE and"
    " TALKQA_SF_DOMAIN",
    ClientCredentialsLogin: "TALKQA_SF_CONSUMER_KEY, TALKQA_SF_CONSUMER_SECRET and"
    " TALKQA_SF_DOMAIN",
}


def login_variables(config: SandboxConfig) -> str:
    """The variables behind a refused Salesforce login, for the one-line message."""
    return _LOGIN_VARIABLES[type(config.salesforce.login)]


def environ_with_dotenv(
    dotenv: Path | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The process environment over a .env file: a variable set in the shell wins."""
    source = os.environ if environ is None else environ
    values = read_dotenv(dotenv or Path(source.get("TALKQA_ENV_FILE") or ".env"))
    values.update(source)
    return values


def child_environment(*, without: tuple[str, ...] = ()) -> dict[str, str]:
    """The environment a child process of talkqa's starts with (PATH, HOME, ...), less the
    variables whose names start with `without`: copied here, the one module that reads it."""
    return {k: v for k, v in os.environ.items() if not k.startswith(without)}  # () keeps all


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; '#' comments, blank lines and an optional 'export ' are allowed."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key.strip()):
            # The line may hold a secret, so only its number is named.
            raise ConfigError(f"{path}:{number} is not KEY=VALUE; {README_HINT}")
        values[key.strip()] = _unquote(value.strip())
    return values


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def load_config(env: Mapping[str, str], *, sf_auth: str | None = None) -> SandboxConfig:
    """The whole sandbox configuration, or a ConfigError naming the first bad variable."""
    reader = _Reader(env)
    kind = sf_auth or reader.get("TALKQA_SF_AUTH") or ""
    salesforce = _salesforce(reader, kind, "--sf-auth" if sf_auth else "TALKQA_SF_AUTH")
    crmoffice = _crmoffice(reader)
    return SandboxConfig(
        salesforce=salesforce,
        crmoffice=crmoffice,
        allowed_org_ids=frozenset(_org_ids(reader)),
        allowed_crm_base_urls=frozenset(_allowed_crm_urls(reader)),
        min_remaining=reader.integer("TALKQA_SF_MIN_REMAINING_REQUESTS", DEFAULT_MIN_REMAINING),
        ledger_path=Path(reader.get("TALKQA_LEDGER") or DEFAULT_LEDGER),
        secret_values=(*reader.secret_values(), *_key_secrets(salesforce)),
    )


def _key_secrets(settings: SalesforceSettings) -> tuple[str, ...]:
    # The JWT key comes from a file, not a variable; mask it (and each of its lines) too.
    if isinstance(settings.login, JwtLogin):
        key = settings.login.private_key
        return (key, *(line for line in key.splitlines() if len(line) >= 16))
    return ()


class _Reader:
    """Reads variables and remembers the secret ones it handed out."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env
        self.needed_for = ""

    def get(self, name: str) -> str | None:
        value = self._env.get(name, "").strip()
        return value or None

    def require(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise ConfigError(f"{name} is not set (needed for {self.needed_for}); {README_HINT}")
        return value

    def integer(self, name: str, default: int) -> int:
        raw = self.get(name)
        if raw is None:
            return default
        if not raw.isdigit():
            raise ConfigError(f"{name} must be a whole number, got {raw!r}; {README_HINT}")
        return int(raw)

    def secret_values(self) -> tuple[str, ...]:
        return tuple(v for v in (self.get(name) for name in SECRET_VARIABLES) if v)


def _salesforce(reader: _Reader, kind: str, option: str) -> SalesforceSettings:
    if kind not in AUTH_KINDS:
        shown = f"{kind!r}" if kind else "not set"
        raise ConfigError(
            f"TALKQA_SF_AUTH is {shown}; expected one of {', '.join(AUTH_KINDS)}; {README_HINT}"
        )
    reader.needed_for = f"{option} {kind}" if option == "--sf-auth" else f"{option}={kind}"
    version = _api_version(reader, kind)
    return SalesforceSettings(_LOGINS[kind](reader), api_version=version)


def _api_version(reader: _Reader, kind: str) -> str:
    version = reader.get("TALKQA_SF_API_VERSION") or DEFAULT_SALESFORCE_API_VERSION
    if not re.fullmatch(r"\d{2}\.0", version):
        raise ConfigError(f"TALKQA_SF_API_VERSION must look like 59.0, got {version!r}")
    if kind == "password" and float(version) > MAX_PASSWORD_API_VERSION:
        raise ConfigError(
            f"TALKQA_SF_API_VERSION {version} has no SOAP password login (gone from 65.0);"
            f" use 64.0 or lower, or TALKQA_SF_AUTH=jwt / client-credentials; {README_HINT}"
        )
    return version


def _password(reader: _Reader) -> SalesforceLogin:
    return PasswordLogin(
        reader.require("TALKQA_SF_USERNAME"),
        reader.require("TALKQA_SF_PASSWORD"),
        reader.require("TALKQA_SF_SECURITY_TOKEN"),
        domain=_domain(reader, default="test"),
    )


def _session(reader: _Reader) -> SalesforceLogin:
    instance = _https_url(reader, "TALKQA_SF_INSTANCE_URL")
    return SessionLogin(instance, reader.require("TALKQA_SF_SESSION_ID"))


def _jwt(reader: _Reader) -> SalesforceLogin:
    username = reader.require("TALKQA_SF_USERNAME")
    consumer_key = reader.require("TALKQA_SF_CONSUMER_KEY")
    key_file = Path(reader.require("TALKQA_SF_PRIVATE_KEY_FILE"))
    try:
        private_key = key_file.read_text("utf-8")
    except OSError as error:
        raise ConfigError(
            f"TALKQA_SF_PRIVATE_KEY_FILE {key_file} cannot be read ({error.strerror})"
        ) from None
    if "PRIVATE KEY" not in private_key:
        raise ConfigError(f"TALKQA_SF_PRIVATE_KEY_FILE {key_file} holds no PEM private key")
    return JwtLogin(username, consumer_key, private_key, domain=_domain(reader, default="test"))


def _client_credentials(reader: _Reader) -> SalesforceLogin:
    domain = reader.require("TALKQA_SF_DOMAIN")
    if _is_production(domain):
        raise ConfigError(
            f"TALKQA_SF_DOMAIN is {domain!r} (production); client credentials"
            f" need a sandbox My Domain such as 'mycompany--qa.sandbox.my'; {README_HINT}"
        )
    if domain.lower().rstrip(".") == "test":
        raise ConfigError(
            f"TALKQA_SF_DOMAIN is {domain!r}, but client credentials need a My Domain such as"
            f" 'mycompany--qa.sandbox.my'; {README_HINT}"
        )
    return ClientCredentialsLogin(
        reader.require("TALKQA_SF_CONSUMER_KEY"),
        reader.require("TALKQA_SF_CONSUMER_SECRET"),
        domain=domain,
    )


_LOGINS: dict[str, Callable[[_Reader], SalesforceLogin]] = {
    "password": _password,
    "session": _session,
    "jwt": _jwt,
    "client-credentials": _client_credentials,
}


def _is_production(domain: str) -> bool:
    """login.salesforce.com is production's login host, in any letter case (hosts are
    case-insensitive), with or without a trailing dot or the salesforce.com suffix."""
    host = domain.lower().rstrip(".").removesuffix(".salesforce.com")
    return host == "login"


def _domain(reader: _Reader, *, default: str) -> str:
    domain = reader.get("TALKQA_SF_DOMAIN") or default
    if _is_production(domain):
        # A sandbox never needs production's login host: refuse before any request.
        raise ConfigError(
            f"TALKQA_SF_DOMAIN is {domain!r} (production); use 'test' or"
            f" '<mydomain>--<sandbox>.sandbox.my'; {README_HINT}"
        )
    if not re.fullmatch(r"[A-Za-z0-9.-]+", domain):
        raise ConfigError(f"TALKQA_SF_DOMAIN {domain!r} is not a host prefix; {README_HINT}")
    return domain


def _https_url(reader: _Reader, name: str) -> str:
    url = reader.require(name).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or parts.path not in ("", "/"):
        raise ConfigError(f"{name} must be an https:// origin such as https://host, got {url!r}")
    return url


def _crmoffice(reader: _Reader) -> CrmofficeSettings:
    reader.needed_for = "the Crmoffice sandbox"
    refresh = reader.get("TALKQA_CRM_REFRESH_TOKEN")
    settings = CrmofficeSettings(
        base_url=_https_url(reader, "TALKQA_CRM_BASE_URL"),
        token_url=_https_token_url(reader),
        client_id=reader.require("TALKQA_CRM_CLIENT_ID"),
        client_secret=reader.require("TALKQA_CRM_CLIENT_SECRET"),
        refresh_token=refresh,
    )
    scope = reader.get("TALKQA_CRM_SCOPE")
    return replace(settings, scope=scope) if scope else settings


def _https_token_url(reader: _Reader) -> str:
    url = reader.require("TALKQA_CRM_TOKEN_URL")
    if urlsplit(url).scheme != "https":
        raise ConfigError(f"TALKQA_CRM_TOKEN_URL must be https://, got {url!r}")
    return url


def _org_ids(reader: _Reader) -> list[str]:
    raw = reader.get("TALKQA_SF_ALLOWED_ORG_IDS") or ""
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    for org_id in ids:
        if not re.fullmatch(r"00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?", org_id):
            raise ConfigError(
                f"TALKQA_SF_ALLOWED_ORG_IDS: {org_id!r} is not an org id (00D + 12 or 15 chars)"
            )
    return [org_id[:15] for org_id in ids]  # compare on the 15-character form


def _allowed_crm_urls(reader: _Reader) -> list[str]:
    # No default: an allow-list nobody wrote cannot vouch for an account.
    reader.needed_for = "the Crmoffice guard: the base URLs of test accounts"
    raw = reader.require("TALKQA_CRM_ALLOWED_BASE_URLS")
    return [part.strip().rstrip("/") for part in raw.split(",") if part.strip()]
