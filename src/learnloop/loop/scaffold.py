"""Step 4: lay out a project folder the learner can start in at once, and never leave half of one behind.

README.md (goal, deadline, data, commands that run on this data), requirements.txt (the focus's stack and what
the data needs), data/ (the data itself), notebooks/01-explore.ipynb (loads the data, shows it, runs one
baseline), src/, .gitignore, deadline.ics, and a first git commit when git is installed.

Crash safety, in three moves: the folder is built complete under a temporary name beside the target
(``.NAME.learnloop-scaffold-PID-RANDOM``); the project's record is committed; only then is the folder renamed
into place (an ``after_commit`` hook). A crash before the commit leaves a temporary folder that no record
names: :func:`recover` removes it once its process is gone. A crash between the commit and the rename leaves a
record whose folder is still under its temporary name: :func:`recover` renames it into place.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from learnloop.errors import UserError

GITIGNORE = """\
__pycache__/
*.py[cod]
.ipynb_checkpoints/
.venv/
venv/
*.egg-info/
"""
PARTIAL = ".learnloop-scaffold-"
_PARTIAL_NAME = re.compile(r"^\.(?P<name>.+)\.learnloop-scaffold-(?P<pid>\d+)-[0-9a-f]+$")


@dataclass(frozen=True)
class DataPlan:
    """Where the project's data comes from: a file to copy, a map data set to write, or nothing yet."""

    kind: str  # "file", "dataset", "none"
    source: str | None = None
    reason: str | None = None
    target: str | None = None  # the column to predict, when the map knows it
    task: str | None = None  # classification, regression, forecasting, clustering, ...
    form: str | None = None  # table or graph


def slug(title: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return text[:60] or "project"


def check_directory(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UserError(f"{directory} is not empty; choose a new or empty folder", field="directory")


def partial_name(target: Path) -> Path:
    return target.parent / f".{target.name}{PARTIAL}{os.getpid()}-{secrets.token_hex(4)}"


JOURNAL = ".learnloop-scaffolds"


def _journal(workspace: Path | None, building: Path, *, add: bool) -> None:
    """Note (or forget) a build in progress in the workspace, so recovery finds it wherever it was made."""
    if workspace is None:
        return
    entry = workspace / JOURNAL / building.name
    if add:
        from learnloop.files import write_atomic

        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(entry, str(building), force=True)
    else:
        entry.unlink(missing_ok=True)


def settle(building: Path, workspace: Path | None) -> None:
    """The build is placed or removed: forget it."""
    _journal(workspace, building, add=False)


def pending_folders(workspace: Path) -> list[Path]:
    """The folders where builds noted in the workspace's journal were made."""
    folders: list[Path] = []
    try:
        entries = list((workspace / JOURNAL).iterdir())
    except OSError:
        return folders
    for entry in entries:
        try:
            building = Path(entry.read_text(encoding="utf-8").strip())
        except (OSError, UnicodeDecodeError):
            continue
        if not building.exists():
            entry.unlink(missing_ok=True)
        elif building.parent not in folders:
            folders.append(building.parent)
    return folders


def build_scaffold(
    target: Path,
    *,
    title: str,
    goal: str,
    deadline: date,
    days: int,
    plan: DataPlan,
    calendar: bytes,
    stack: Iterable[str] = (),
    workspace: Path | None = None,
) -> tuple[Path, list[str]]:
    """Build the whole folder under a temporary name beside ``target``; (that folder, the files, relative).

    The build is noted in ``workspace``'s journal first. On any failure the temporary folder is removed and
    nothing is left beside the target.
    """
    check_directory(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = partial_name(target)
    _journal(workspace, building, add=True)
    try:
        building.mkdir()
        for sub in ("data", "notebooks", "src"):
            (building / sub).mkdir()
        data_file = _write_data(building / "data", plan)
        (building / "README.md").write_text(_readme(title, goal, deadline, days, plan, data_file), encoding="utf-8")
        (building / "requirements.txt").write_text(requirements(stack, data_file), encoding="utf-8")
        (building / "notebooks" / "01-explore.ipynb").write_text(_notebook(title, data_file, plan), encoding="utf-8")
        (building / "src" / "README.md").write_text(
            "Your code goes here: move what works in the notebook into small modules.\n", encoding="utf-8"
        )
        (building / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        (building / "deadline.ics").write_bytes(calendar)
        _git_init(building)
        files = sorted(
            str(p.relative_to(building)) for p in building.rglob("*") if p.is_file() and ".git" not in p.parts
        )
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        settle(building, workspace)
        raise
    return building, files


def place(building: Path, target: Path) -> None:
    """Rename the finished folder into place (an empty folder the learner made may stand there)."""
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
    os.rename(building, target)
    _fsync_folder(target.parent)


def write_scaffold(
    directory: Path,
    *,
    title: str,
    goal: str,
    deadline: date,
    days: int,
    plan: DataPlan,
    calendar: bytes,
    stack: Iterable[str] = (),
) -> list[str]:
    """Build and place at once (no record to commit in between). Returns the files written (relative)."""
    building, files = build_scaffold(
        directory, title=title, goal=goal, deadline=deadline, days=days, plan=plan, calendar=calendar, stack=stack
    )
    try:
        place(building, directory)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return files


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(folder: Path, committed: Callable[[Path], bool]) -> list[str]:
    """Finish or undo the scaffolds a crash interrupted in ``folder``; what was done, in words.

    ``committed(target)`` says whether a project record names ``target``. A temporary folder whose record is
    committed is renamed into place; one with no record, whose process is gone, is removed.
    """
    done: list[str] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return done
    for entry in entries:
        found = _PARTIAL_NAME.match(entry.name)
        if not found or not entry.is_dir() or entry.is_symlink():
            continue
        target = folder / found.group("name")
        if committed(target) and (not target.exists() or (target.is_dir() and not any(target.iterdir()))):
            place(entry, target)
            done.append(f"finished placing {target}")
        elif not committed(target) and not _alive(int(found.group("pid"))):
            shutil.rmtree(entry, ignore_errors=True)
            done.append(f"removed the unfinished {entry.name}")
    return done


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


DATA_NEEDS = {".csv": ["pandas"], ".parquet": ["pandas", "pyarrow"], ".npz": ["numpy", "scipy"]}


def requirements(stack: Iterable[str], data_file: str | None) -> str:
    """The focus's stack, what the data and the notebook's baseline need, and Jupyter to open it."""
    wanted = list(stack)
    if data_file:
        wanted += DATA_NEEDS.get(Path(data_file).suffix.lower(), [])
    wanted += ["scikit-learn", "jupyterlab"]
    unique = list(dict.fromkeys(w.strip() for w in wanted if w.strip()))
    return "# pip install -r requirements.txt\n" + "\n".join(unique) + "\n"


def _write_data(data_dir: Path, plan: DataPlan) -> str | None:
    if plan.kind == "file" and plan.source:
        source = Path(plan.source)
        target = data_dir / source.name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
        return f"data/{source.name}"
    if plan.kind == "dataset" and plan.source:
        from learnloop.atlas.load import load_atlas

        dataset = load_atlas().dataset(plan.source)
        if dataset.form in ("graph", "text"):  # shipped files (npz, txt) are copied as they are
            from importlib import resources

            blob = resources.files("learnloop.data") / dataset.loader
            (data_dir / dataset.loader).write_bytes(blob.read_bytes())
            return f"data/{dataset.loader}"
        from learnloop.lab.datasets import load_table

        name = f"{plan.source}.csv"
        load_table(plan.source).frame.to_csv(data_dir / name, index=False)
        return f"data/{name}"
    (data_dir / "README.md").write_text(
        f"No data yet. Reason given: {plan.reason}\nNo data, no project: put the data here first.\n", encoding="utf-8"
    )
    return None


def _readme(title: str, goal: str, deadline: date, days: int, plan: DataPlan, data_file: str | None) -> str:
    if plan.kind == "dataset":
        data = f"the map's data set `{plan.source}`, written to `{data_file}`"
    elif plan.kind == "file":
        data = f"`{plan.source}`, copied to `{data_file}`"
    else:
        data = f"none yet ({plan.reason})"
    if data_file and data_file.endswith(".csv") and plan.target:
        quick = (
            f"A quick baseline of the classic models, from this folder:\n"
            f"`learnloop baseline {data_file} --target {plan.target} --report reports/baseline`"
        )
    elif data_file and data_file.endswith(".csv"):
        quick = (
            f"A quick baseline of the classic models, from this folder (name the column you predict):\n"
            f"`learnloop baseline {data_file} --target COLUMN --report reports/baseline`"
        )
    elif data_file:
        quick = "The notebook's last cell runs a first baseline on this data: run it top to bottom."
    else:
        quick = "Once the data is in `data/`, the notebook is where you load it first."
    return f"""# {title}

**Goal:** {goal}

**Deadline:** {deadline.isoformat()} ({days} days; `deadline.ics` puts it in your calendar with reminders)

**Data:** {data}

## Layout
- `data/`: the data, untouched. Derived files go elsewhere.
- `notebooks/01-explore.ipynb`: loads the data, shows it, and runs a first baseline.
- `src/`: code that works graduates from the notebook to here.
- `requirements.txt`: what this project needs (`pip install -r requirements.txt`).

## First steps
1. Open the notebook (`jupyter lab notebooks/01-explore.ipynb`) and run it top to bottom.
2. {quick}
3. Check in by the half-way date: `learnloop project checkin "where I am, what is in the way"`.
4. Note what you find you don't know as you go: `learnloop gap add "what I don't know"`.
5. Finish by the deadline: `learnloop project done --summary "what I built"`.
"""


def _baseline_cell(plan: DataPlan) -> str:
    """One cell that fits a first model and the dummy it must beat, on a table already in ``df``."""
    target = f'"{plan.target}"' if plan.target else "df.columns[-1]  # the column you predict: change it"
    if plan.task == "clustering" or (plan.kind == "dataset" and not plan.target):
        return (
            "from sklearn.cluster import KMeans\nfrom sklearn.metrics import silhouette_score\n"
            "from sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler\n\n"
            "X = df.select_dtypes('number').dropna()\n"
            "labels = make_pipeline(StandardScaler(), KMeans(n_clusters=3, n_init=10, random_state=0))"
            ".fit_predict(X)\n"
            "print(f'silhouette of 3 clusters: {silhouette_score(X, labels):.3f}')"
        )
    regression = plan.task in ("regression", "forecasting")
    model = "HistGradientBoostingRegressor" if regression else "HistGradientBoostingClassifier"
    dummy = "DummyRegressor" if regression else "DummyClassifier"
    cv = "KFold(5)" if plan.task == "forecasting" else "5"
    lines = [
        "from sklearn.dummy import " + dummy,
        "from sklearn.ensemble import " + model,
        "from sklearn.model_selection import KFold, cross_val_score"
        if cv != "5"
        else "from sklearn.model_selection import cross_val_score",
        "",
        f"TARGET = {target}",
        "data = df.dropna(subset=[TARGET])",
        "features = data.drop(columns=[TARGET])",
        "# leave out ids and free text: a text column with more than 30 values is not a category",
        "features = features[[c for c in features if features[c].dtype.kind in 'biuf' or features[c].nunique() <= 30]]",
        "X = pd.get_dummies(features, dummy_na=True)",
        "y = data[TARGET]",
        "if X.shape[1] == 0:  # nothing but the target: predict from the row's position (a time index)",
        "    X = pd.DataFrame({'t': range(len(y))})",
    ]
    if not regression:
        lines.append("y = y.astype(str)")
    lines += [
        f"model = cross_val_score({model}(random_state=0), X, y, cv={cv}).mean()",
        f"dummy = cross_val_score({dummy}(), X, y, cv={cv}).mean()",
        "print(f'first model {model:.3f} against the dummy {dummy:.3f}: the score to beat')",
    ]
    return "\n".join(lines)


def _notebook(title: str, data_file: str | None, plan: DataPlan | None = None) -> str:
    import nbformat
    from nbformat import v4

    plan = plan or DataPlan("none")
    cells = [
        v4.new_markdown_cell(
            f"# {title}: explore the data\n\nLook before you model: shape, types, "
            "missing values, the target's balance. The last cell is a first baseline: "
            "the score your project has to beat."
        )
    ]
    if data_file and data_file.endswith((".csv", ".parquet", ".pq")):
        reader = "read_csv" if data_file.endswith(".csv") else "read_parquet"
        cells.append(v4.new_code_cell(f'import pandas as pd\n\ndf = pd.{reader}("../{data_file}")\ndf.head()'))
        cells.append(v4.new_code_cell("df.info()\ndf.describe(include='all').T"))
        cells.append(v4.new_markdown_cell("## A first baseline"))
        cells.append(v4.new_code_cell(_baseline_cell(plan)))
    elif data_file and data_file.endswith(".npz"):
        cells.append(
            v4.new_code_cell(
                f'import numpy as np\n\ndata = np.load("../{data_file}")\n'
                "{name: data[name].shape for name in data.files}"
            )
        )
        cells.append(
            v4.new_markdown_cell(
                "## A first baseline: the node features alone, without the graph\n\n"
                "The score a graph model has to beat."
            )
        )
        cells.append(
            v4.new_code_cell(
                "from scipy.sparse import csr_matrix\nfrom sklearn.linear_model import LogisticRegression\n\n"
                "X = csr_matrix((np.ones(len(data['features_indices'])), data['features_indices'], "
                "data['features_indptr']), shape=tuple(data['features_shape']))\n"
                "y = data['labels']\n"
                "model = LogisticRegression(max_iter=1000).fit(X[data['train']], y[data['train']])\n"
                "print(f\"features only: {model.score(X[data['test']], y[data['test']]):.3f} test accuracy\")"
            )
        )
    elif data_file:
        cells.append(
            v4.new_code_cell(f'from pathlib import Path\n\npath = Path("../{data_file}")\npath, path.stat().st_size')
        )
    else:
        cells.append(v4.new_markdown_cell("No data yet: put it in `../data/` and load it here."))
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.validate(notebook)
    return nbformat.writes(notebook)


def _git_init(directory: Path) -> bool:
    git = shutil.which("git")
    if git is None:
        return False
    identity = ["-c", "user.name=learnloop", "-c", "user.email=learnloop@localhost"]
    configured = subprocess.run([git, "config", "user.email"], cwd=directory, capture_output=True, text=True)
    args = [] if configured.stdout.strip() else identity
    subprocess.run([git, "init", "-q"], cwd=directory, check=True, capture_output=True)
    subprocess.run([git, "add", "."], cwd=directory, check=True, capture_output=True)
    subprocess.run(
        [git, *args, "commit", "-q", "-m", "Project scaffold from learnloop"],
        cwd=directory,
        check=True,
        capture_output=True,
    )
    return True
