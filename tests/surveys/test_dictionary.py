"""The data dictionary: items to concepts, ICCS codes checked, every mistake named."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from observatory.errors import InvalidInput
from observatory.surveys.dictionary import Dictionary, load_dictionary
from observatory.surveys.synthetic import DICTIONARY_TOML


def test_the_synthetic_dictionary_maps_every_concept() -> None:
    dictionary = Dictionary.from_mapping(tomllib.loads(DICTIONARY_TOML))
    assert [c.iccs for c in dictionary.crimes] == ["0201", "0401", "0301", "0501", "0502"]
    assert dictionary.crimes[1].title == "Robbery"
    assert all(c.reported is not None for c in dictionary.crimes)
    assert dictionary.contact is not None and dictionary.bribe is not None and dictionary.safety is not None
    assert dictionary.items[:3] == ("sex", "v_assault", "r_assault")


def test_items_code_yes_no_and_missing() -> None:
    dictionary = Dictionary.from_mapping(tomllib.loads(DICTIONARY_TOML))
    data = pd.DataFrame({"safe": [1, 2, 3, 4, 8, np.nan]})
    assert dictionary.safety is not None
    values = dictionary.safety.indicator(data)
    assert values[:4].tolist() == [1.0, 1.0, 0.0, 0.0] and np.isnan(values[4:]).all()


def test_an_unknown_iccs_code_is_refused_naming_the_item(tmp_path: Path) -> None:
    path = tmp_path / "dictionary.toml"
    path.write_text(DICTIONARY_TOML.replace('iccs = "0401"', 'iccs = "0499"'), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_dictionary(path)
    assert caught.value.code == "unknown-iccs-code"
    assert "v_robbery" in caught.value.message and "0499" in caught.value.message
    assert caught.value.location is not None and caught.value.location.field == "victimization[1].iccs"


@pytest.mark.parametrize(
    ("text", "code", "field"),
    [
        ('[safety]\nitem = "safe"\nyes = [1]\nno = [1, 2]\n', "invalid-dictionary", "safety.yes"),
        ('[safety]\nitem = "safe"\nyes = ["a"]\nno = [2]\n', "invalid-dictionary", "safety.yes"),
        ('[bribery]\ncontact = { item = "c", yes = [1], no = [2] }\n', "invalid-dictionary", "bribery"),
        ('[[victimization]]\nitem = "v"\niccs = 401\nyes = [1]\nno = [2]\n', "invalid-dictionary", None),
        ("[dictionary]\ntitle = 'empty'\n", "invalid-dictionary", ""),
        ("[weights]\nx = 1\n", "invalid-dictionary", "weights"),
    ],
)
def test_bad_dictionaries_are_refused(text: str, code: str, field: str | None) -> None:
    with pytest.raises(InvalidInput) as caught:
        Dictionary.from_mapping(tomllib.loads(text), "d.toml")
    assert caught.value.code == code
    if field is not None:
        assert caught.value.location is not None and caught.value.location.field == field


def test_an_item_missing_from_the_data_is_named() -> None:
    dictionary = Dictionary.from_mapping(tomllib.loads(DICTIONARY_TOML))
    data = pd.DataFrame({"sex": [1], "v_assault": [2]})
    with pytest.raises(InvalidInput) as caught:
        dictionary.check(data, "survey.csv")
    assert caught.value.code == "unknown-variable" and "r_assault" in caught.value.message
