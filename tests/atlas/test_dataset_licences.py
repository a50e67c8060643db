"""Every offline data set says under what terms it ships, and where that was read; the facts are checked
against the installed packages that carry them (statsmodels' COPYRIGHT notes, vega_datasets' descriptions)."""

from __future__ import annotations

import importlib
import json
import re
from importlib import resources

import pytest

from learnloop.atlas.load import load_atlas

# An SPDX id, "public domain" (with an optional note), or "see source" where no licence could be confirmed.
LICENCE = re.compile(r"(CC0-1\.0|CC-BY-4\.0|MIT|BSD-3-Clause|Apache-2\.0)( \(.*)?|public domain( \(.*)?|see source")


def test_every_data_set_has_a_licence_and_where_it_was_read() -> None:
    datasets = load_atlas().datasets.values()
    missing = [d.id for d in datasets if not d.licence or not d.licence_source]
    assert not missing, f"data sets without a licence and its source: {missing}"
    odd = {d.id: d.licence for d in datasets if not LICENCE.fullmatch(d.licence or "")}
    assert not odd, f"licences that are neither an SPDX id, 'public domain' nor 'see source': {odd}"
    assert load_atlas().dataset("penguins").licence == "CC0-1.0"


def test_the_licence_and_its_source_go_together() -> None:
    from pydantic import ValidationError

    from learnloop.atlas.schema import Dataset

    penguins = load_atlas().dataset("penguins").model_dump(mode="json")
    with pytest.raises(ValidationError, match="go together"):
        Dataset.model_validate({**penguins, "licence_source": None})


def test_statsmodels_sets_say_public_domain_in_their_own_copyright_note() -> None:
    pytest.importorskip("statsmodels", reason="the datasets extra: python -m pip install 'learnloop[datasets]'")
    for d in load_atlas().datasets.values():
        if d.source != "statsmodels":
            continue
        note = " ".join(importlib.import_module(f"statsmodels.datasets.{d.loader}").COPYRIGHT.split())
        assert d.licence == "public domain" and "public domain" in note, (d.id, note)
        assert note in d.licence_source  # quoted word for word


def test_vega_sets_called_public_domain_say_so_in_the_package() -> None:
    pytest.importorskip("vega_datasets", reason="the datasets extra: python -m pip install 'learnloop[datasets]'")
    info = json.loads(resources.files("vega_datasets").joinpath("dataset_info.json").read_text(encoding="utf-8"))
    for d in load_atlas().datasets.values():
        if d.source != "vega":
            continue
        says = "public domain" in info[d.loader]["description"].replace("public-domain", "public domain")
        assert says == (d.licence == "public domain"), (d.id, d.licence)
