"""The notify and app sections of config.yaml: the README's example is valid, and each
mistake is one sentence naming the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from team.config import ConfigError, SmtpSecurity, parse_config
from team.vocabulary import Cadence

README = Path(__file__).parents[2] / "README.md"


def test_the_readme_example_is_valid() -> None:
    section = README.read_text(encoding="utf-8").split("### Settings (`config.yaml`)")[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    settings = parse_config(yaml.safe_load(block.group(1)))
    notify = settings.notify
    assert notify.email is not None and notify.email.security == SmtpSecurity.STARTTLS
    assert notify.email.sender == "Team answers <team@example.com>"
    assert notify.webhook is not None and notify.webhook.secret_env == "TEAM_WEBHOOK_SECRET"
    assert settings.app.public_url == "https://team.example.com"


def test_a_bare_off_in_yaml_means_off() -> None:
    """YAML reads `off` as false; a person writing it means the cadence."""
    raw = yaml.safe_load("notify:\n  defaults: {email: off, slack: off, webhook: immediate}")
    defaults = parse_config(raw).notify.defaults
    assert (defaults.email, defaults.slack, defaults.webhook) == (
        Cadence.OFF,
        Cadence.OFF,
        Cadence.IMMEDIATE,
    )


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"notify": {"time_zone": "Mars/Olympus"}}, "'notify.time_zone'"),
        ({"notify": {"digest_hour": 24}}, "'notify.digest_hour'"),
        (
            {"notify": {"email": {"host": "h", "from": "a@b.c", "password_env": "A B"}}},
            "'notify.email.password_env'",
        ),
        ({"notify": {"email": {"host": "h"}}}, "'notify.email.from'"),
        ({"notify": {"email": {"host": "h", "from": "a@b.c", "user": "bot"}}}, "password_env"),
        ({"notify": {"webhook": {"url": "ftp://x/y", "secret_env": "S"}}}, "'notify.webhook.url'"),
        ({"notify": {"webhook": {"url": "https://x/y"}}}, "'notify.webhook.secret_env'"),
        ({"notify": {"defaults": {"email": "hourly"}}}, "'notify.defaults.email'"),
        ({"app": {"public_url": "team.example.com"}}, "'app.public_url'"),
        ({"notify": {"sms": {}}}, "'notify.sms'"),
    ],
)
def test_a_bad_notify_setting_names_its_key(raw: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(key)) as caught:
        parse_config(raw)
    assert len(str(caught.value).splitlines()) == 1
