import pytest

from parcours.lib.env import EnvError, env_bool, env_int, env_list, env_str


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("P_BOOL", "oui")
    monkeypatch.setenv("P_INT", "42")
    monkeypatch.setenv("P_LIST", "a, b,,c")
    assert env_bool("P_BOOL", False) is True
    assert env_bool("P_ABSENT", True) is True
    assert env_int("P_INT", 0) == 42
    assert env_list("P_LIST", []) == ["a", "b", "c"]
    assert env_str("P_ABSENT", "défaut") == "défaut"


def test_env_helpers_refuse_bad_values(monkeypatch):
    monkeypatch.setenv("P_BOOL", "peut-être")
    monkeypatch.setenv("P_INT", "quarante")
    with pytest.raises(EnvError, match="true ou false"):
        env_bool("P_BOOL", False)
    with pytest.raises(EnvError, match="entier"):
        env_int("P_INT", 0)
    with pytest.raises(EnvError, match="obligatoire"):
        env_str("P_ABSENT_OBLIGATOIRE")
