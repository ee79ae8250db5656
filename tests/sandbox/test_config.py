"""TALKQA_* configuration: each login kind, and one line naming the variable that is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.connectors.settings import ClientCredentialsLogin, JwtLogin, SessionLogin
from harness.errors import ConfigError
from harness.sandbox.config import environ_with_dotenv, load_config, read_dotenv
from harness.sandbox.seam import seam_environment

SECRET = "s3cret-Value-77"


def _env(**changes: str) -> dict[str, str]:
    env = {**seam_environment(), **changes}
    return {k: v for k, v in env.items() if v != "-"}


def _error(env: dict[str, str], **kwargs: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(env, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_missing_password_names_the_variable_and_the_login_kind() -> None:
    assert _error(_env(TALKQA_SF_PASSWORD="-")) == (
        "TALKQA_SF_PASSWORD is not set (needed for TALKQA_SF_AUTH=password);"
        " see README 'Running against sandboxes'"
    )


def test_sf_auth_option_is_named_when_it_chose_the_login() -> None:
    message = _error(
        _env(TALKQA_SF_SESSION_ID="-", TALKQA_SF_INSTANCE_URL="https://x.my.salesforce.com"),
        sf_auth="session",
    )
    assert message.startswith("TALKQA_SF_SESSION_ID is not set (needed for --sf-auth session)")


def test_unknown_auth_kind_lists_the_known_ones() -> None:
    assert "expected one of password, session, jwt, client-credentials" in _error(
        _env(TALKQA_SF_AUTH="magic")
    )


def test_password_login_refuses_an_api_version_without_soap_login() -> None:
    assert "TALKQA_SF_API_VERSION 65.0 has no SOAP password login" in _error(
        _env(TALKQA_SF_API_VERSION="65.0")
    )


def test_production_login_domain_is_refused() -> None:
    assert "TALKQA_SF_DOMAIN is 'login' (production)" in _error(_env(TALKQA_SF_DOMAIN="login"))


def test_client_credentials_need_a_my_domain() -> None:
    env = _env(
        TALKQA_SF_AUTH="client-credentials",
        TALKQA_SF_CONSUMER_KEY="key",
        TALKQA_SF_CONSUMER_SECRET=SECRET,
        TALKQA_SF_DOMAIN="test",
    )
    assert "client credentials need a My Domain" in _error(env)
    env["TALKQA_SF_DOMAIN"] = "talkqa--qa.sandbox.my"
    config = load_config(env)
    assert isinstance(config.salesforce.login, ClientCredentialsLogin)
    assert SECRET in config.secrets()


def test_jwt_reads_the_key_file_and_masks_it(tmp_path: Path) -> None:
    key = tmp_path / "sf.key"
    key.write_text(
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
    )
    env = _env(
        TALKQA_SF_AUTH="jwt", TALKQA_SF_CONSUMER_KEY="3MVG9key", TALKQA_SF_PRIVATE_KEY_FILE=str(key)
    )
    config = load_config(env)
    assert isinstance(config.salesforce.login, JwtLogin)
    assert "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" in config.secrets()
    env["TALKQA_SF_PRIVATE_KEY_FILE"] = str(tmp_path / "missing.key")
    assert "cannot be read" in _error(env)


def test_session_login_needs_an_https_instance() -> None:
    env = _env(
        TALKQA_SF_AUTH="session",
        TALKQA_SF_SESSION_ID=SECRET,
        TALKQA_SF_INSTANCE_URL="http://talkqa--qa.sandbox.my.salesforce.com",
    )
    message = _error(env)
    assert message.startswith("TALKQA_SF_INSTANCE_URL must be an https:// origin")
    env["TALKQA_SF_INSTANCE_URL"] = "https://talkqa--qa.sandbox.my.salesforce.com"
    assert isinstance(load_config(env).salesforce.login, SessionLogin)


def test_crmoffice_allow_list_has_no_default() -> None:
    assert _error(_env(TALKQA_CRM_ALLOWED_BASE_URLS="-")).startswith(
        "TALKQA_CRM_ALLOWED_BASE_URLS is not set"
    )


def test_secrets_never_appear_in_config_errors_or_repr() -> None:
    message = _error(_env(TALKQA_SF_PASSWORD=SECRET, TALKQA_SF_SECURITY_TOKEN="-"))
    assert SECRET not in message
    config = load_config(_env(TALKQA_SF_PASSWORD=SECRET))
    assert SECRET not in repr(config)
    assert SECRET in config.secrets()


def test_dotenv_fills_in_and_the_shell_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nexport TALKQA_SF_AUTH='password'\nTALKQA_SF_DOMAIN=test\n")
    values = environ_with_dotenv(dotenv, {"TALKQA_SF_DOMAIN": "x--qa.sandbox.my"})
    assert values == {"TALKQA_SF_AUTH": "password", "TALKQA_SF_DOMAIN": "x--qa.sandbox.my"}


def test_a_broken_dotenv_line_is_named_by_number_not_content(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"TALKQA_SF_AUTH=password\n{SECRET}\n")
    with pytest.raises(ConfigError) as caught:
        read_dotenv(dotenv)
    assert f"{dotenv}:2 is not KEY=VALUE" in str(caught.value)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize("domain", ["LOGIN", "Login", "login.", "LOGIN.salesforce.com"])
def test_production_login_domain_is_refused_in_any_case(domain: str) -> None:
    """Issue 14, item 5: 'LOGIN' passed a case-sensitive check and sent credentials to
    login.salesforce.com (hosts are case-insensitive)."""
    assert "(production)" in _error(_env(TALKQA_SF_DOMAIN=domain))


@pytest.mark.parametrize("domain", ["TEST", "Login"])
def test_client_credentials_refuse_the_generic_hosts_in_any_case(domain: str) -> None:
    message = _error(
        _env(
            TALKQA_SF_AUTH="client-credentials",
            TALKQA_SF_DOMAIN=domain,
            TALKQA_SF_CONSUMER_KEY="k",
            TALKQA_SF_CONSUMER_SECRET="s",
        )
    )
    assert "need a My Domain" in message or "(production)" in message


@pytest.mark.parametrize("raw", ["nan", "inf", "-1", "1e9", "soon"])
def test_poll_timeout_must_be_finite_seconds_in_range(raw: str) -> None:
    """Issue 14, item 6: TALKQA_POLL_TIMEOUT=nan was accepted and a failing step polled forever."""
    from harness.targets.connect import sandbox_target

    with pytest.raises(ConfigError) as refused:
        sandbox_target({**_env(), "TALKQA_POLL_TIMEOUT": raw}, run_id="r")
    assert "TALKQA_POLL_TIMEOUT" in str(refused.value) and "\n" not in str(refused.value)
