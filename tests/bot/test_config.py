from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def test_environment_overrides_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIONBOT_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("UNIONBOT_STATION_PHONE", "010-1234-5678")
    settings = load_settings(REPO / "config.toml")
    assert settings.database.url == "postgresql://postgres@127.0.0.1:5432/test"
    assert settings.station.phone == "010-1234-5678"
    assert settings.facts()["station_phone"] == "010-1234-5678"


def test_a_misspelt_key_fails_with_its_name(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    text = (REPO / "config.toml").read_text(encoding="utf-8").replace("threshold =", "treshold =")
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"matching\.treshold"):
        load_settings(config)


def test_a_threshold_out_of_range_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIONBOT_MATCHING_THRESHOLD", "1.7")
    with pytest.raises(ConfigError, match=r"matching\.threshold"):
        load_settings(REPO / "config.toml")


def test_a_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")


def test_aid_tiers_become_one_sentence_for_answers() -> None:
    facts = load_settings(REPO / "config.toml").facts()
    assert "10000元" in facts["aid_tiers"] and "3000元" in facts["aid_tiers"]
