"""Step 1 on the web: reference, notes, and a study of a local folder with its import graph."""

from __future__ import annotations

import re
from pathlib import Path

from ..conftest import Web, alert


def _tiny_repo(root: Path) -> Path:
    package = root / "tinygcn" / "tinygcn"
    package.mkdir(parents=True)
    (root / "tinygcn" / "README.md").write_text("# tinygcn\n")
    (package / "__init__.py").write_text("")
    (package / "layers.py").write_text("import numpy as np\n\n\ndef dense(x):\n    return np.tanh(x)\n")
    (package / "models.py").write_text("from tinygcn.layers import dense\n\n\ndef model(x):\n    return dense(x)\n")
    (package / "train.py").write_text(
        "import argparse\nfrom tinygcn.models import model\n\n"
        "if __name__ == '__main__':\n    open('RAN', 'w').write('the study ran me')\n    print(model(1))\n"
    )
    return root / "tinygcn"


def test_reference_and_notes_are_recorded(web: Web) -> None:
    web.start("graph-neural-networks")
    page = web.get("/study").text
    assert "Suggested for your focus" in page and "tkipf/pygcn" in page
    web.ok("/reference", {"source": "tkipf/pygcn", "why": "the author's own"})
    web.ok("/notes", {"text": "every layer is A·X·W", "kind": "pattern"})
    web.ok("/notes", {"text": "why renormalise A?", "kind": "unclear"})
    page = web.get("/study").text
    assert "https://github.com/tkipf/pygcn" in page and "the author&#39;s own" in page
    assert "every layer is A·X·W" in page and "why renormalise A?" in page
    assert len(web.rows()["notes"]) == 2


def test_bad_reference_and_note_are_refused(web: Web) -> None:
    web.start()
    assert "neither a URL" in web.refused("/reference", {"source": "not a repo at all"})
    assert web.refused("/notes", {"text": "x", "kind": "gossip"}).startswith("a note is one of")
    assert web.refused("/notes", {"text": "   ", "kind": "pattern"}) == "a note needs some text"


def test_notes_before_any_pass_are_refused(web: Web) -> None:
    assert web.refused("/notes", {"text": "x", "kind": "pattern"}).startswith("you have not started yet")


def test_study_path_must_be_a_folder_under_an_allowed_root(web: Web, tmp_path: Path) -> None:
    workspace = web.settings.workspace
    workspace.mkdir(parents=True, exist_ok=True)
    a_file = workspace / "file.txt"
    a_file.write_text("x")
    assert web.refused("/study", {"path": ""}).startswith("give the path of a folder")
    assert "is not a folder" in web.refused("/study", {"path": "relative/sub/path"})  # taken inside the workspace
    assert "is not a folder" in web.refused("/study", {"path": str(workspace / "missing")})
    assert "is not a folder" in web.refused("/study", {"path": str(a_file)})
    assert web.server.jobs.recent() == []


def test_study_outside_the_roots_never_says_whether_the_path_exists(web: Web, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (web.settings.workspace).mkdir(parents=True, exist_ok=True)
    (web.settings.workspace / "link").symlink_to(outside)
    answers = {
        web.refused("/study", {"path": p})
        for p in (
            str(outside),
            str(tmp_path / "missing"),
            "/proc/self",
            "../outside",
            "/etc",
            str(web.settings.workspace / "link"),
        )
    }
    assert len(answers) == 1, answers
    assert "can only read folders under" in answers.pop()
    assert web.server.jobs.recent() == []


def test_study_runs_in_the_background_and_shows_the_report(web: Web, tmp_path: Path) -> None:
    repo = _tiny_repo(web.settings.workspace)
    response = web.post("/study", {"path": str(repo), "notes": "true"}, follow=False)
    assert response.status_code == 303
    job_url = response.headers["location"]
    assert job_url.startswith("/jobs/")
    job = web.server.jobs.wait(job_url.removeprefix("/jobs/"))
    assert job.state == "done", job.error
    page = web.get(job_url).text
    assert 'http-equiv="refresh"' not in page
    assert "Reading order" in page and "README.md" in page
    assert "tinygcn/train.py" in page
    picture = re.search(r'src="(/jobs/[^/"]+/files/import-graph\.png)"', page)
    assert picture
    image = web.get(picture.group(1))
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    for name in ("study.md", "study.json", "notes.md"):
        assert f"/files/{name}" in page
        assert (Path(job.folder) / name).is_file()
    assert Path(job.folder).is_relative_to(web.settings.workspace)
    assert not (repo / "RAN").exists() and not Path("RAN").exists()
    assert "Recent studies" in web.get("/study").text


def test_study_job_that_fails_shows_one_line(web: Web, tmp_path: Path) -> None:
    repo = _tiny_repo(web.settings.workspace)
    response = web.post("/study", {"path": str(repo)}, follow=False)
    job_id = response.headers["location"].removeprefix("/jobs/")
    web.server.jobs.wait(job_id)
    unknown = web.get("/jobs/not-a-job")
    assert unknown.status_code == 404
    assert alert(unknown) == "no job called 'not-a-job'"


def _bare_repository(root: Path, work: Path) -> Path:
    """A bare repository under ``root`` holding the tiny repository, pushed from ``work`` (git only, no network)."""
    import subprocess

    env = {
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "PATH": "/usr/bin:/bin",
    }
    bare = root / "tinygcn.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True, env=env)
    repo = _tiny_repo(work)
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "."],
        ["commit", "-q", "-m", "tiny"],
        ["push", "-q", bare.as_uri(), "main"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    return bare


def test_a_repository_address_is_cloned_and_studied_in_a_job(web: Web, tmp_path: Path, require_system) -> None:
    import shutil

    require_system("git", shutil.which("git") is not None, "apt-get install -y git")
    web.settings.workspace.mkdir(parents=True, exist_ok=True)
    bare = _bare_repository(web.settings.workspace, tmp_path / "work")
    response = web.post("/study", {"path": bare.as_uri(), "notes": "true"}, follow=False)
    assert response.status_code == 303, alert(response)
    job = web.server.jobs.wait(response.headers["location"].removeprefix("/jobs/"))
    assert job.state == "done", job.error
    page = web.get(f"/jobs/{job.id}").text
    assert "Reading order" in page and "tinygcn/train.py" in page
    assert (Path(job.folder) / "study.md").is_file() and Path(job.folder).name.startswith("tinygcn-")
    assert any((tmp_path / "cache").rglob("train.py")), "the clone is kept in the learner's cache"
    assert not any(p.name == "RAN" for p in tmp_path.rglob("RAN"))


def test_the_reference_list_offers_to_study_it(web: Web, tmp_path: Path, require_system) -> None:
    import shutil

    require_system("git", shutil.which("git") is not None, "apt-get install -y git")
    web.ok("/start")
    web.settings.workspace.mkdir(parents=True, exist_ok=True)
    bare = _bare_repository(web.settings.workspace, tmp_path / "work")
    web.ok("/reference", {"source": bare.as_uri(), "why": "small"})
    form = re.search(r'action="/study" class="inline">.*?name="path" value="([^"]+)"', web.get("/study").text)
    assert form, "each reference has a Study it button"
    response = web.post("/study", {"path": form.group(1), "notes": "true"}, follow=False)
    assert response.status_code == 303, alert(response)
    assert web.server.jobs.wait(response.headers["location"].removeprefix("/jobs/")).state == "done"


def test_a_file_address_outside_the_roots_is_refused_like_a_folder(web: Web, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.git"
    outside.mkdir()
    web.settings.workspace.mkdir(parents=True, exist_ok=True)
    assert "can only read folders under" in web.refused("/study", {"path": outside.as_uri()})
    assert "can only read folders under" in web.refused("/study", {"path": (tmp_path / "missing.git").as_uri()})
    assert web.server.jobs.recent() == []
