import sqlite3

from parcours.settings.base import database_from_url


def test_sqlite_is_the_default_with_wal(tmp_path):
    config = database_from_url(f"sqlite:///{tmp_path}/parcours.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    connexion = sqlite3.connect(config["NAME"])
    connexion.executescript(config["OPTIONS"]["init_command"])
    assert connexion.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_postgresql_from_database_url():
    config = database_from_url("postgres://parcours:secret@db.interne:5432/parcours")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["NAME"], config["PORT"]) == ("db.interne", "parcours", 5432)
    assert "OPTIONS" not in config or "init_command" not in config["OPTIONS"]
