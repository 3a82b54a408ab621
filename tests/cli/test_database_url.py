"""Where the database is: ``--db``, ``$PAPERBOT_DATABASE_URL``, ``[storage] url``, ``path``.

A URL's password only ever comes from the environment, and no message repeats a URL's user
or password.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import database_location
from bot.cli import app
from bot.config import Config, ConfigError, StorageConfig, load_config
from bot.database_url import DATABASE_ENV, has_password, shown_location

URL = "postgresql://bot@db.lab:5432/paperbot"
HOST = "db.lab:5432"


def test_a_database_url_with_a_password_given_as_db_is_refused_without_echoing_it() -> None:
    done = CliRunner().invoke(app, ["status", "--db", "postgresql://u:s3cret@127.0.0.1:1/x"])
    assert done.exit_code == 2
    assert "s3cret" not in done.output and "127.0.0.1" not in done.output
    assert DATABASE_ENV in done.output and "PGPASSWORD" in done.output


def test_another_scheme_given_as_db_is_refused_without_echoing_it() -> None:
    done = CliRunner().invoke(app, ["status", "--db", "mysql://u:s3cret@127.0.0.1:1/x"])
    assert done.exit_code == 2
    assert "s3cret" not in done.output and "not a mysql URL" in done.output


def test_a_database_url_without_a_password_is_accepted_and_shown_without_its_user() -> None:
    # Nothing listens on port 1: opening fails, and the message names the database only.
    done = CliRunner().invoke(app, ["status", "--db", "postgresql://someone@127.0.0.1:1/x"])
    assert done.exit_code == 2
    assert "postgresql://127.0.0.1:1/x" in done.output and "someone" not in done.output


def test_precedence_db_then_environment_then_url_then_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    both = Config(storage=StorageConfig(path="a.db", url=URL))
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    assert database_location(None, Config(storage=StorageConfig(path="a.db"))) == "a.db"
    assert database_location(None, Config()) == "paperbot.db"
    assert database_location(None, both) == URL
    monkeypatch.setenv(DATABASE_ENV, "postgresql://bot:pw@env.lab/paperbot")
    assert database_location(None, both) == "postgresql://bot:pw@env.lab/paperbot"
    assert database_location("b.db", both) == "b.db"


def test_a_config_url_with_a_password_is_an_error_that_does_not_echo_it(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    for url in ("postgresql://bot:s3cret@db.lab/paperbot", "postgresql://db.lab/p?password=s3cret"):
        path.write_text(f'[storage]\nurl = "{url}"\n', encoding="utf-8")
        with pytest.raises(ConfigError) as raised:
            load_config(path)
        assert "s3cret" not in str(raised.value) and "db.lab" not in str(raised.value)
        assert "storage.url" in str(raised.value) and DATABASE_ENV in str(raised.value)


def test_a_config_url_must_name_postgresql(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[storage]\nurl = "paperbot.db"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="postgresql://"):
        load_config(path)
    path.write_text(f'[storage]\nurl = "{URL}"\n', encoding="utf-8")
    assert load_config(path).storage.url == URL


@pytest.mark.parametrize(
    ("location", "shown", "secret"),
    [
        (f"postgresql://bot:pw@{HOST}/p?sslmode=require", f"postgresql://{HOST}/p", True),
        ("postgres://bot@db.lab/paperbot", "postgres://db.lab/paperbot", False),
        ("postgresql:///paperbot?host=/run/pg&password=pw", "postgresql:///paperbot", True),
        ("postgresql://a:b:c@[::1]:5432/x", "postgresql://[::1]:5432/x", True),
        ("data/paperbot.db", "data/paperbot.db", None),
    ],
)  # fmt: skip
def test_a_location_is_shown_without_user_or_password(
    location: str, shown: str, secret: bool | None
) -> None:
    assert shown_location(location) == shown
    if secret is not None:
        assert has_password(location) is secret
