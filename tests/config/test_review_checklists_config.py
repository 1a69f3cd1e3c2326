"""config.yaml ``review_checklists``: built-in lists when left out (the same the
repository's config.yaml spells out), a kind left out keeps its own, and a bad section
is one sentence naming its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from team.config import ConfigError, load_config, parse_config
from team.config_checklists import ChecklistItem
from team.vocabulary import ReviewKind

ROOT = Path(__file__).resolve().parents[2]


def test_the_defaults_give_each_kind_required_and_optional_items() -> None:
    checklists = parse_config({}).review_checklists
    for kind in ReviewKind:
        items = checklists.for_kind(kind)
        assert any(i.required for i in items) and any(not i.required for i in items)
    analysis = {i.text: i.required for i in checklists.for_kind(ReviewKind.ANALYSIS)}
    assert analysis["The comparison is fair (cohorts, baselines, selection)"] is True
    assert analysis["Seasonality and trends are handled"] is False


def test_the_repository_config_spells_out_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEAM_DATABASE_URL", raising=False)
    written = load_config(ROOT / "config.yaml").review_checklists
    assert written == parse_config({}).review_checklists


def test_a_kind_left_out_keeps_its_list_and_an_empty_list_means_none() -> None:
    raw = {
        "review_checklists": {
            "code": ["Tests pass", {"text": "  Fast   enough ", "required": False}],
            "data_cleaning": [],
        }
    }
    checklists = parse_config(raw).review_checklists
    assert checklists.code == (
        ChecklistItem(text="Tests pass", required=True),
        ChecklistItem(text="Fast enough", required=False),
    )
    assert checklists.data_cleaning == ()
    assert checklists.analysis == parse_config({}).review_checklists.analysis
    empty_section = parse_config({"review_checklists": None}).review_checklists
    assert empty_section == parse_config({}).review_checklists


@pytest.mark.parametrize(
    ("section", "sentence"),
    [
        (
            {"code": ["Tests pass", "tests  PASS"]},
            "config: 'review_checklists.code': expected distinct item texts, but “tests PASS” "
            "is listed twice.",
        ),
        (
            {"analysis": [{"text": ""}]},
            "config: 'review_checklists.analysis.0.text': expected an item text of 1 to 300 "
            "characters (got '').",
        ),
        (
            {"analysis": [{"text": "x" * 301}]},
            "config: 'review_checklists.analysis.0.text': expected an item text of 1 to 300 "
            "characters",
        ),
        (
            {"code": [{"title": "Tests pass"}]},
            "config: 'review_checklists.code.0': expected an item such as "
            "{text: Tests pass, required: true}.",
        ),
        (
            {"code": None},
            "config: 'review_checklists.code': expected a list of items (write [] for no "
            "checklist) (got None).",
        ),
        (
            {"qa": ["Tests pass"]},
            "config: unknown key 'review_checklists.qa'; remove it or check its spelling.",
        ),
        (
            {"code": [{"text": "Tests pass", "required": "maybe"}]},
            "config: 'review_checklists.code.0.required':",
        ),
    ],
)
def test_a_bad_section_is_one_sentence_naming_its_key(section: object, sentence: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config({"review_checklists": section})
    assert str(refused.value).startswith(sentence)
    assert str(refused.value).endswith(".") and "\n" not in str(refused.value)
