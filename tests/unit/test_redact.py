from __future__ import annotations

import pytest

from harness.redact import MASK, Redactor


@pytest.mark.parametrize(
    ("raw", "leaked"),
    [
        ('{"access_token": "eyJabc.def", "instance_url": "x"}', "eyJabc.def"),
        ("grant_type=refresh_token&refresh_token=rt-123456&client_id=c", "rt-123456"),
        ("<sessionId>00D5g000004abcd!AQ8AQ.xyz</sessionId>", "00D5g000004abcd!AQ8AQ.xyz"),
        ("<n1:password>hunter2TOKEN</n1:password>", "hunter2TOKEN"),
        ("Authorization: Bearer abc.def-ghi", "abc.def-ghi"),
        ("session 00DRO0000000001!AQcAQH0dMHZfz972 expired", "00DRO0000000001!AQcAQH0dMHZfz972"),
    ],
)
def test_credentials_are_masked_by_shape(raw: str, leaked: str) -> None:
    masked = Redactor().text(raw)
    assert leaked not in masked
    assert MASK in masked


def test_known_secret_values_are_masked_anywhere() -> None:
    redactor = Redactor(secrets=["pa55word-xyz"])
    assert redactor.text("login failed for pa55word-xyz!") == f"login failed for {MASK}!"


def test_headers_and_nested_data() -> None:
    redactor = Redactor()
    assert redactor.headers({"Authorization": "Bearer x", "Accept": "json"}) == {
        "Authorization": MASK,
        "Accept": "json",
    }
    assert redactor.data({"records": [{"client_secret": "s", "Name": "ok"}]}) == {
        "records": [{"client_secret": MASK, "Name": "ok"}]
    }


def test_ordinary_text_is_left_alone() -> None:
    text = '{"FirstName": "Åse", "Phone": "+47 22 33 44 55"}'
    assert Redactor().text(text) == text


def test_credential_variables_are_found_by_name_and_urls_are_not() -> None:
    from harness.redact import secrets_in_environment

    env = {
        "TALKQA_SF_PASSWORD": "pw-1234",
        "TALKQA_SF_SECURITY_TOKEN": "tok-1234",
        "TALKQA_CRM_CLIENT_SECRET": "sec-1234",
        "TALKQA_SF_SESSION_ID": "00D!x",
        "TALKQA_CRM_TOKEN_URL": "https://id.example/token",
        "TALKQA_SF_PRIVATE_KEY_FILE": "/keys/k.pem",
        "TALKQA_SF_USERNAME": "qa@x",
        "TALKQA_SESAM_JWT": "eyJ.jwt-1234.sig",
        "TALKQA_SESAM_NODE_URL": "https://datahub-x.sesam.cloud/api",
        "HOME": "/root",
    }
    assert sorted(secrets_in_environment(env)) == [
        "00D!x",
        "eyJ.jwt-1234.sig",
        "pw-1234",
        "sec-1234",
        "tok-1234",
    ]
