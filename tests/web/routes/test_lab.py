"""The lab on the web: uploads checked before anything runs, the baseline and `try` as background jobs."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from learnloop.config import resolve_settings
from learnloop.web.app import create_app

from ..conftest import Web, alert


def _csv(rows: int = 80) -> bytes:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=rows), rng.normal(size=rows)
    lines = ["width,height,colour,label"]
    for i in range(rows):
        lines.append(f"{a[i]:.3f},{b[i]:.3f},{'red' if i % 3 else 'blue'},{'big' if a[i] + b[i] > 0 else 'small'}")
    return ("\n".join(lines) + "\n").encode()


def _upload(
    web: Web, data: dict[str, Any], name: str, content: bytes, kind: str = "text/csv", status: int = 400
) -> str:
    message = web.refused("/lab/baseline", data, status=status, files={"upload": (name, content, kind)})
    assert web.server.jobs.recent() == [], "nothing runs when the upload is refused"
    return message


def test_lab_page_offers_the_map_tables(web: Web) -> None:
    page = web.get("/lab").text
    assert 'value="penguins"' in page and 'enctype="multipart/form-data"' in page
    assert 'value="cora"' not in page  # a graph, not a table


def test_form_needs_one_source(web: Web) -> None:
    assert web.refused("/lab/baseline", {}) == "choose a data set from the map, or upload a CSV"
    assert (
        web.refused("/lab/baseline", {"dataset": "penguins"}, files={"upload": ("a.csv", _csv(), "text/csv")})
        == "choose a data set from the map or upload a CSV, not both"
    )
    assert "did you mean" in web.refused("/lab/baseline", {"dataset": "penguin"}, status=404)
    assert web.refused("/lab/baseline", {"dataset": "penguins", "cv": "1"}) == "the number of folds must be at least 2"
    assert web.refused("/lab/baseline", {"dataset": "penguins", "cv": "21"}) == "the number of folds must be at most 20"
    assert web.refused("/lab/baseline", {"dataset": "penguins", "budget": "soon"}).startswith(
        "the time budget must be a number"
    )
    assert web.server.jobs.recent() == []


def test_uploads_are_checked_before_anything_runs(web: Web) -> None:
    assert _upload(web, {"target": "label"}, "table.xlsx", b"PK\x03\x04").endswith(
        "is not a .csv file; upload a CSV table"
    )
    assert "not as a CSV table" in _upload(web, {"target": "label"}, "x.csv", _csv(), kind="image/png")
    assert _upload(web, {"target": "label"}, "empty.csv", b"  \n") == "empty.csv is empty"
    assert "at least two columns" in _upload(web, {"target": "label"}, "one.csv", b"label\n1\n2\n3\n")
    assert _upload(web, {}, "t.csv", _csv()) == "say which column of t.csv to predict: target column"
    message = _upload(web, {"target": "lable"}, "t.csv", _csv())
    assert message == "t.csv has no column called 'lable'; did you mean 'label'?"
    assert _upload(web, {"target": "label", "groups": "shop"}, "t.csv", _csv()) == "t.csv has no column called 'shop'"
    assert _upload(web, {"target": "label", "groups": "label"}, "t.csv", _csv()) == (
        "the group column cannot be the target"
    )
    assert _upload(web, {"target": "label", "drop": "weight"}, "t.csv", _csv()) == (
        "a column to leave out is not in the table: 'weight'"
    )


def test_upload_over_the_limit_is_refused(home: Path) -> None:
    app = create_app(resolve_settings(), max_upload_bytes=1024 * 1024)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/lab").text)
        assert token
        row = b"0.5,0.5,red,big\n"
        big = _csv() + row * ((1024 * 1024 + 2000) // len(row))  # over the upload limit, within the body cap
        assert 1024 * 1024 < len(big) < 1024 * 1024 + 64 * 1024
        response = client.post(
            "/lab/baseline",
            data={"csrf": token.group(1), "target": "label"},
            files={"upload": ("big.csv", big, "text/csv")},
        )
        assert response.status_code == 400
        assert alert(response) == "big.csv is larger than 1 MB; use `learnloop baseline` for big files"
        assert app.state.server.jobs.recent() == []


@pytest.mark.slow
def test_baseline_on_an_uploaded_csv(web: Web) -> None:
    response = web.post(
        "/lab/baseline",
        {"target": "label", "cv": "2"},
        follow=False,
        files={"upload": ("shapes.csv", _csv(), "text/csv")},
    )
    assert response.status_code == 303
    job_id = response.headers["location"].removeprefix("/jobs/")
    job = web.server.jobs.wait(job_id, timeout=300)
    assert job.state == "done", job.error
    page = web.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    board = job.result["board"]
    assert board["target"] == "label" and board["cv"] == 2 and board["results"]
    assert board["data"] == "shapes"  # named after the learner's file, not a temporary copy
    best = next(r for r in board["results"] if r["model"] == board["best"])
    assert f"<strong>{best['name']}</strong>" in page.text
    assert "Dummy" in page.text and "verdict" in page.text
    picture = re.search(r'src="(/jobs/[^"]+/files/shapes-learning-curve\.png)"', page.text)
    if board["learning_curve_png"]:  # drawn on tables big enough for one (the lab skips it on small ones)
        assert picture and web.get(picture.group(1)).content.startswith(b"\x89PNG")
    else:
        assert picture is None and "learning-curve" not in page.text
    for name, kind in (
        ("baseline.md", "text/markdown"),
        ("baseline.json", "application/json"),
        ("leaderboard.csv", "text/csv"),
        ("leaderboard.png", "image/png"),
    ):
        download = web.get(f"/jobs/{job_id}/files/{name}")
        assert download.status_code == 200 and download.headers["content-type"].startswith(kind), name
    assert web.get(f"/jobs/{job_id}/files/leaderboard.csv").text.startswith("rank,model,name,status,accuracy")
    assert web.get(f"/jobs/{job_id}/files/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert web.get(f"/jobs/{job_id}/files/result.json").status_code == 404
    assert "Baseline on shapes.csv" in web.get("/lab").text
    assert web.rows()["passes"] == []  # the lab writes nothing to the learner's records


def test_try_unknown_model_is_a_404(web: Web) -> None:
    before = web.server.jobs.recent()
    assert "no model called" in web.refused("/lab/try/random-forrest", {"topic": "random-forest"}, status=404)
    assert web.server.jobs.recent() == before


@pytest.mark.parametrize("model", ["decision-tree"])
def test_run_it_draws_the_picture_and_the_card_shows_it(web: Web, model: str) -> None:
    response = web.post(f"/lab/try/{model}", {"topic": model}, follow=False)
    job_id = response.headers["location"].removeprefix("/jobs/")
    job = web.server.jobs.wait(job_id, timeout=120)
    assert job.state == "done", job.error
    page = web.get(f"/jobs/{job_id}").text
    assert "beats the reference" in page
    assert f'href="/map/{model}#try"' in page
    card = web.get(f"/map/{model}").text
    picture = re.search(rf'src="(/jobs/{job_id}/files/{model}\.png)"', card)
    assert picture
    assert web.get(picture.group(1)).content.startswith(b"\x89PNG")


def test_a_leak_is_shown_on_the_page_before_the_ranking(web: Web) -> None:
    """The lab's honesty warnings reach the web page too, above the board (not only the CLI)."""
    rows = ["a,b,total"] + [
        f"{i * 0.37:.2f},{(i * 7) % 13 + 0.5},{i * 0.37 + (i * 7) % 13 + 0.5:.2f}" for i in range(60)
    ]
    response = web.post(
        "/lab/baseline",
        {"target": "total", "cv": "3"},
        follow=False,
        files={"upload": ("sums.csv", ("\n".join(rows) + "\n").encode(), "text/csv")},
    )
    assert response.status_code == 303
    job_id = response.headers["location"].removeprefix("/jobs/")
    job = web.server.jobs.wait(job_id, timeout=300)
    assert job.state == "done", job.error
    assert job.result["board"]["warnings"], "the lab should find that total = a + b"
    page = web.get(f"/jobs/{job_id}").text
    assert "Read this before the ranking" in page
    assert page.index("Read this before the ranking") < page.index("<table")
    assert "is reproduced by a sum of" in page and "too good to be true" in page


def test_the_form_offers_the_lab_options_the_cli_has(web: Web) -> None:
    page = web.get("/lab").text
    split = re.search(r'<select id="lab-split" name="split">(.*?)</select>', page, re.S)
    assert split and re.findall(r'<option value="([a-z]+)"', split.group(1)) == ["auto", "time", "random"]
    assert 'name="groups"' in page and 'name="metric"' in page
    metric = re.search(r'<select id="lab-metric" name="metric">(.*?)</select>', page, re.S)
    assert metric
    assert {"accuracy", "balanced_accuracy", "f1_macro", "roc_auc", "r2", "rmse", "mae"} <= set(
        re.findall(r'<option value="([a-z_0-9]+)"', metric.group(1))
    )
    assert 'name="cv" type="number" min="2" max="20"' in page  # the lab's own range, as on the CLI


def test_a_bad_option_comes_back_beside_its_field_in_one_line(web: Web) -> None:
    """The lab's option checks run when the form is posted, before any job: the error sits beside its field."""
    for data, field, message in (
        ({"cv": "21"}, "cv", "the number of folds must be at most 20"),
        ({"split": "sideways"}, "split", "the folds must be one of auto, time or random"),
        ({"budget": str(8 * 24 * 3600)}, "budget", "the time budget must be at most 604800.0"),
        ({"metric": "speed"}, "metric", "no metric called 'speed'; choose one from the list"),
    ):
        page = web.client.post(
            "/lab/baseline",
            data={"csrf": web.token(), "dataset": "penguins", **data},
            headers={"Referer": "http://127.0.0.1/lab"},
        )
        assert page.status_code == 400, data
        assert page.text.count('role="alert"') == 1, data
        line = re.search(rf'<p class="error field-error" role="alert" id="error-{field}">([^<]*)</p>', page.text)
        assert line and html.unescape(line.group(1)) == message, (data, line and line.group(1))
        assert page.text.index(f'id="error-{field}"') < page.text.index(f'name="{field}"')
        assert f'aria-invalid="true" aria-describedby="error-{field}"' in page.text
        folded = field in ("split", "metric")  # under "More choices": the section opens to show the line
        assert ("<details open>" in page.text) == folded, data
    assert web.server.jobs.recent() == []


def test_an_upload_column_the_form_names_is_checked_beside_its_field(web: Web) -> None:
    page = web.client.post(
        "/lab/baseline",
        data={"csrf": web.token(), "target": "label", "groups": "shop"},
        files={"upload": ("t.csv", _csv(), "text/csv")},
        headers={"Referer": "http://127.0.0.1/lab"},
    )
    assert page.status_code == 400 and page.text.count('role="alert"') == 1
    assert "t.csv has no column called &#x27;shop&#x27;" in page.text and 'id="error-groups"' in page.text
    assert 'value="shop"' in page.text  # what was typed comes back
    assert web.server.jobs.recent() == []


def _shops_csv(rows: int = 90) -> bytes:
    """A regression table in Windows-1252 (a 'café' shop) with a few far targets and 4 rows per shop."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=rows)
    y = 3 * x + rng.normal(scale=0.5, size=rows)
    y[[5, 40, 70]] = [400.0, -350.0, 500.0]
    lines = ["shop;x;sales"]
    for i in range(rows):
        shop = "café" if i % 23 == 0 else f"shop{i // 4}"
        lines.append(f"{shop};{x[i]:.3f}".replace(".", ",") + f";{y[i]:.2f}".replace(".", ","))
    return ("\n".join(lines) + "\n").encode("cp1252")


def test_split_groups_and_the_labs_notices_reach_the_job_and_its_page(web: Web) -> None:
    """A European Windows-1252 CSV is read as the lab reads files; groups and the suggestions reach the page."""
    response = web.post(
        "/lab/baseline",
        {"target": "sales", "cv": "3", "groups": "shop", "split": "auto", "models": ["linear-regression"]},
        follow=False,
        files={"upload": ("shops.csv", _shops_csv(), "text/csv")},
    )
    assert response.status_code == 303
    job_id = response.headers["location"].removeprefix("/jobs/")
    job = web.server.jobs.wait(job_id, timeout=300)
    assert job.state == "done", job.error
    assert job.params["groups"] == "shop" and job.params["split"] == "auto"
    board = job.result["board"]
    assert board["split"] == "groups" and board["task"] == "regression" and board["n_rows"] == 90
    assert any("Windows-1252" in n or "cp1252" in n for n in board["notices"]), board["notices"]
    assert any(s["field"] == "metric" and s["value"] == "mae" for s in board["suggestions"])
    page = web.get(f"/jobs/{job_id}").text
    assert "Worth trying" in page and "<code>mae</code>" in page
    assert "keep the rows of each group together" in page
