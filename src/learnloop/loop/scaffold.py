"""Step 4: lay out a project folder the learner can start in at once.

README.md (goal, deadline, data), data/ (the data itself), notebooks/01-explore.ipynb (loads it),
src/, .gitignore, deadline.ics, and a first git commit when git is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
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


@dataclass(frozen=True)
class DataPlan:
    """Where the project's data comes from: a file to copy, a map data set to write, or nothing yet."""

    kind: str  # "file", "dataset", "none"
    source: str | None = None
    reason: str | None = None


def slug(title: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return text[:60] or "project"


def check_directory(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UserError(f"{directory} is not empty; choose a new or empty folder with --dir")


def write_scaffold(directory: Path, *, title: str, goal: str, deadline: date, days: int, plan: DataPlan,
                   calendar: bytes) -> list[str]:
    """Create the folder; on any failure remove what was made. Returns the files written (relative)."""
    check_directory(directory)
    existed = directory.exists()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for sub in ("data", "notebooks", "src"):
            (directory / sub).mkdir()
        data_file = _write_data(directory / "data", plan)
        (directory / "README.md").write_text(_readme(title, goal, deadline, days, plan, data_file), encoding="utf-8")
        (directory / "notebooks" / "01-explore.ipynb").write_text(_notebook(title, data_file), encoding="utf-8")
        (directory / "src" / "README.md").write_text(
            "Your code goes here: move what works in the notebook into small modules.\n", encoding="utf-8")
        (directory / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        (directory / "deadline.ics").write_bytes(calendar)
        _git_init(directory)
    except BaseException:
        if existed:
            for child in directory.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        else:
            shutil.rmtree(directory, ignore_errors=True)
        raise
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file() and ".git" not in p.parts)


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
        f"No data yet. Reason given: {plan.reason}\nNo data, no project: put the data here first.\n",
        encoding="utf-8")
    return None


def _readme(title: str, goal: str, deadline: date, days: int, plan: DataPlan, data_file: str | None) -> str:
    if plan.kind == "dataset":
        data = f"the map's data set `{plan.source}`, written to `{data_file}`"
    elif plan.kind == "file":
        data = f"`{plan.source}`, copied to `{data_file}`"
    else:
        data = f"none yet ({plan.reason})"
    return f"""# {title}

**Goal:** {goal}

**Deadline:** {deadline.isoformat()} ({days} days; `deadline.ics` puts it in your calendar with alarms)

**Data:** {data}

## Layout
- `data/`: the data, untouched. Derived files go elsewhere.
- `notebooks/01-explore.ipynb`: load the data and look at it first.
- `src/`: code that works graduates from the notebook to here.

## The time box
Check in as you go (`learnloop project checkin TEXT`), note what you find you don't know
(`learnloop gap add TEXT`), and finish by the deadline (`learnloop project done --summary TEXT`).
A quick baseline of the classic models: `learnloop baseline {data_file or 'data/FILE.csv'} --target COLUMN`.
"""


def _notebook(title: str, data_file: str | None) -> str:
    import nbformat
    from nbformat import v4

    cells = [v4.new_markdown_cell(f"# {title}: explore the data\n\nLook before you model: shape, types, "
                                  "missing values, the target's balance.")]
    if data_file and data_file.endswith(".csv"):
        cells.append(v4.new_code_cell(f'import pandas as pd\n\ndf = pd.read_csv("../{data_file}")\ndf.head()'))
        cells.append(v4.new_code_cell("df.info()\ndf.describe(include='all').T"))
    elif data_file and data_file.endswith((".parquet", ".pq")):
        cells.append(v4.new_code_cell(f'import pandas as pd\n\ndf = pd.read_parquet("../{data_file}")\ndf.head()'))
    elif data_file and data_file.endswith(".npz"):
        cells.append(v4.new_code_cell(f'import numpy as np\n\ndata = np.load("../{data_file}")\n'
                                      "{name: data[name].shape for name in data.files}"))
    elif data_file:
        cells.append(v4.new_code_cell(f'from pathlib import Path\n\npath = Path("../{data_file}")\n'
                                      "path, path.stat().st_size"))
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
    subprocess.run([git, *args, "commit", "-q", "-m", "Project scaffold from learnloop"], cwd=directory, check=True,
                   capture_output=True)
    return True
