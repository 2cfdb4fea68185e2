"""SPSS and Stata microdata: codes and value labels kept, unreadable files refused with their name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from observatory.errors import InvalidInput
from observatory.model.survey import Design
from observatory.surveys.design import SurveySample
from observatory.surveys.estimate import mean, proportion
from observatory.surveys.microdata import labelled, value_labels, write_labelled
from observatory.surveys.service import read_microdata

LABELS = {
    "sex": {1: "male", 2: "female"},
    "safe": {1: "very safe", 2: "fairly safe", 3: "unsafe", 8: "don't know"},
}


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "stratum": [1, 1, 1, 2, 2, 2],
            "weight": [10.0, 10.0, 12.5, 20.0, 20.0, 21.0],
            "sex": [1, 2, 2, 1, 2, 1],
            "safe": [1, 3, 2, 8, 3, 1],
            "age": [23.0, 41.5, 67.0, 35.0, np.nan, 52.0],
        }
    )


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_labelled_files_keep_codes_and_labels(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"survey{suffix}"
    pyreadstat_writer = pyreadstat.write_sav if suffix == ".sav" else pyreadstat.write_dta
    pyreadstat_writer(
        _frame(),
        str(path),
        column_labels=["Stratum", "Weight", "Sex of respondent", "Feeling safe after dark", "Age"],
        variable_value_labels=LABELS,
    )
    frame = read_microdata(path)
    assert frame["sex"].tolist() == [1, 2, 2, 1, 2, 1]  # codes, as integers
    assert frame["safe"].dtype.kind == "i"
    assert np.isnan(frame["age"].iloc[4]) and frame["age"].iloc[1] == 41.5
    assert value_labels(frame)["safe"][8] == "don't know"
    assert frame.attrs["variable_labels"]["sex"] == "Sex of respondent"
    safe = labelled(frame, "safe")
    assert list(safe.cat.categories) == ["very safe", "fairly safe", "unsafe", "don't know"]  # code order
    assert safe.tolist() == ["very safe", "unsafe", "fairly safe", "don't know", "unsafe", "very safe"]


def test_estimates_from_a_sav_file_equal_those_from_the_same_csv(tmp_path: Path) -> None:
    frame = _frame()
    write_labelled(frame, tmp_path / "s.sav", value_labels=LABELS)
    frame.to_csv(tmp_path / "s.csv", index=False)
    design = Design(strata="stratum", weights="weight")
    results = []
    for name in ("s.sav", "s.csv"):
        sample = SurveySample.build(read_microdata(tmp_path / name), design, source=name)
        results.append((mean(sample, "age", na_rm=True).rows[0], proportion(sample, "sex").rows))
    (sav_mean, sav_prop), (csv_mean, csv_prop) = results
    assert sav_mean.estimate == pytest.approx(csv_mean.estimate) and sav_mean.se == pytest.approx(csv_mean.se)
    assert [r.estimate for r in sav_prop] == pytest.approx([r.estimate for r in csv_prop])
    assert sav_mean.estimate == pytest.approx(
        np.average([23, 41.5, 67, 35, 52], weights=[10, 10, 12.5, 20, 21])
    )


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_an_unreadable_file_is_refused_naming_it(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(b"this is not a statistical file at all" * 10)
    with pytest.raises(InvalidInput) as caught:
        read_microdata(path)
    assert caught.value.code == "unreadable-microdata"
    assert caught.value.location is not None and caught.value.location.file == str(path)


def test_writing_refuses_other_formats(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        write_labelled(_frame(), tmp_path / "x.xlsx")
    assert caught.value.code == "unknown-format"
