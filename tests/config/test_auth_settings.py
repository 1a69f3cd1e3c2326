"""Sign-in settings: the modes, the proxy's header and addresses, the OIDC secrets and
the server options a shared server needs. Each refusal is one sentence saying what to do."""

from __future__ import annotations

from typing import Any

import pytest

from team.config import (
    COOKIE_SECRET_MIN,
    ConfigError,
    Settings,
    check_auth_secrets,
    check_bind_address,
    check_server_options,
    parse_config,
)

GOOD_SECRETS = {
    "auth": {
        "redirect_uri": "https://team.example.com/oauth2callback",
        "cookie_secret": "x" * COOKIE_SECRET_MIN,
        "client_id": "team-app",
        "client_secret": "s3cret",
        "server_metadata_url": "https://id.example.com/.well-known/openid-configuration",
    }
}


def _settings(**auth: Any) -> Settings:
    return parse_config({"auth": auth})


def test_modes_parse_and_unknown_mode_is_named() -> None:
    assert _settings(mode="oidc").auth.mode == "oidc"
    proxy = _settings(mode="proxy", header="X-Auth-Email", proxy_addresses=["10.0.0.5"])
    assert proxy.auth.header == "X-Auth-Email"
    with pytest.raises(ConfigError, match=r"'auth.mode'.*'local', 'oidc' or 'proxy'"):
        _settings(mode="ldap")


@pytest.mark.parametrize(
    ("auth", "fragment"),
    [
        ({"mode": "proxy", "header": "X Email"}, "HTTP header name"),
        ({"mode": "proxy", "proxy_addresses": ["proxy.internal"]}, "IP addresses"),
    ],
)
def test_bad_proxy_settings(auth: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        _settings(**auth)


def test_bind_address_rules_per_mode() -> None:
    check_bind_address(_settings(mode="oidc"), "0.0.0.0")  # a signed-in server may listen widely
    check_bind_address(_settings(mode="proxy"), "127.0.0.1")
    check_bind_address(_settings(mode="proxy", proxy_addresses=["10.0.0.5"]), "10.0.0.5")
    with pytest.raises(ConfigError, match="reachable only by the proxy"):
        check_bind_address(_settings(mode="proxy", proxy_addresses=["10.0.0.5"]), "0.0.0.0")
    with pytest.raises(ConfigError, match="loopback"):
        check_bind_address(_settings(mode="local"), "10.0.0.5")


def test_oidc_secrets_are_checked() -> None:
    oidc = _settings(mode="oidc")
    check_auth_secrets(oidc, GOOD_SECRETS)
    check_auth_secrets(_settings(mode="local"), None)  # local mode needs none
    with pytest.raises(ConfigError, match=r"no \[auth\] section"):
        check_auth_secrets(oidc, None)
    lacking = {"auth": {**GOOD_SECRETS["auth"], "client_secret": ""}}
    with pytest.raises(ConfigError, match="lacks client_secret"):
        check_auth_secrets(oidc, lacking)


@pytest.mark.parametrize("secret", [None, "", "short", "x" * (COOKIE_SECRET_MIN - 1)])
def test_cookie_secret_is_required_and_long_enough(secret: str | None) -> None:
    secrets = {"auth": {**GOOD_SECRETS["auth"], "cookie_secret": secret}}
    with pytest.raises(ConfigError, match=f"at least {COOKIE_SECRET_MIN} random characters"):
        check_auth_secrets(_settings(mode="oidc"), secrets)


def test_shared_server_needs_xsrf_protection_and_the_proxy_header() -> None:
    options = {"server.enableXsrfProtection": True, "server.trustedUserHeaders": {}}
    check_server_options(_settings(mode="local"), {"server.enableXsrfProtection": False}.get)
    check_server_options(_settings(mode="oidc"), options.get)
    with pytest.raises(ConfigError, match="enableXsrfProtection is off"):
        check_server_options(_settings(mode="oidc"), {"server.enableXsrfProtection": False}.get)
    proxy = _settings(mode="proxy", header="X-Auth-Email")
    with pytest.raises(ConfigError, match="does not pass the X-Auth-Email header"):
        check_server_options(proxy, options.get)
    mapped = {**options, "server.trustedUserHeaders": {"x-auth-email": "email"}}
    check_server_options(proxy, mapped.get)
