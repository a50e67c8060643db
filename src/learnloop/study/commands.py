"""How the authors say to run their project: commands quoted in the README and docs, and task-runner targets.

A README line such as ``$ python train.py config/train_shakespeare_char.py`` names the file a learner
runs first; ``python -m pkg.cli``, ``torchrun ... train.py``, ``make train`` and ``jupyter notebook
x.ipynb`` too. Makefile, justfile and tox.ini targets are listed with their lines. Only words are read:
nothing is run, and a command that names no file of the repository is kept as a quote only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_COMMANDS = 40
MAX_LINE = 400

# Words that start a Python run, and the options they take before the script or -m.
PYTHONS = re.compile(r"^(?:python(?:\d(?:\.\d+)?)?|py|pythonw|ipython)$")
LAUNCHERS = {
    "torchrun",
    "deepspeed",
    "accelerate",
    "uv",
    "poetry",
    "pipenv",
    "pdm",
    "hatch",
    "conda",
    "srun",
    "CUDA_VISIBLE_DEVICES",
    "horovodrun",
    "mpirun",
    "nohup",
    "time",
    "sudo",
}
RUNNERS = {"make": "make", "just": "just", "nox": "nox", "tox": "tox", "invoke": "invoke"}
OPTION_WITH_VALUE = {
    "--nproc_per_node",
    "--nnodes",
    "--num_processes",
    "--config_file",
    "-n",
    "--node_rank",
    "--master_port",
    "--standalone",
    "-W",
    "-X",
}
SCRIPT_SUFFIXES = (".py", ".ipynb", ".sh")


@dataclass(frozen=True, slots=True)
class QuotedCommand:
    """A command the docs quote: where (line), the words, and what it runs."""

    line: int
    text: str
    kind: str  # python | module | notebook | make | just | nox | tox | shell
    target: str  # the script path as written, the module name, or the target
    args: tuple[str, ...] = ()


def _words(line: str) -> list[str]:
    text = line.strip()
    for prefix in ("$ ", "> ", "% ", "# ", "!", "- ", "* "):
        if text.startswith(prefix):
            text = text[len(prefix) :].lstrip()
    return [w.strip("`'\",;()") for w in text.replace("`", " ` ").split() if w.strip("`'\",;()")]


def read_commands(text: str) -> list[QuotedCommand]:
    """The run commands quoted in a README or a docs page (one per line, first ones first)."""
    found: list[QuotedCommand] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if len(raw) > MAX_LINE or not raw.strip():
            continue
        lowered = raw.lower()
        if (
            "python" not in lowered
            and "make " not in lowered
            and "just " not in lowered
            and "jupyter" not in lowered
            and "torchrun" not in lowered
            and "nox" not in lowered
            and "tox " not in lowered
            and "bash " not in lowered
            and "uv run" not in lowered
        ):
            continue
        pieces = re.findall(r"`+([^`]+)`+", raw) if "`" in raw else [raw]  # inline code: only what is quoted
        for piece in pieces:
            command = _command_of(_words(piece), number)
            if command is not None:
                found.append(command)
                break
        if len(found) >= MAX_COMMANDS:
            break
    return found


def _command_of(words: list[str], line: int) -> QuotedCommand | None:
    for index, word in enumerate(words):
        base = word.rsplit("/", 1)[-1]
        rest = words[index + 1 :]
        if PYTHONS.match(base) or base in LAUNCHERS:
            found = _python_target(rest)
            if found is not None:
                kind, target, args = found
                return QuotedCommand(line, " ".join(words[index:])[:200], kind, target, tuple(args[:8]))
        elif base in RUNNERS and index == 0:
            target = next((w for w in rest if not w.startswith("-")), "")
            if target and re.fullmatch(r"[\w.:-]+", target):
                return QuotedCommand(line, " ".join(words)[:200], RUNNERS[base], target)
            return None
        elif base == "jupyter" and rest[:1] and rest[0] in ("notebook", "lab", "nbconvert", "execute"):
            notebook = next((w for w in rest[1:] if w.endswith(".ipynb")), None)
            if notebook:
                return QuotedCommand(line, " ".join(words[index:])[:200], "notebook", notebook)
        elif base in ("bash", "sh") and rest[:1] and rest[0].endswith(".sh"):
            return QuotedCommand(line, " ".join(words[index:])[:200], "shell", rest[0], tuple(rest[1:8]))
    return None


def _python_target(words: list[str]) -> tuple[str, str, list[str]] | None:
    skip = False
    for index, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word == "-m" and index + 1 < len(words):
            module = words[index + 1]
            if re.fullmatch(r"[A-Za-z_][\w.]*", module):
                return "module", module, words[index + 2 :]
            return None
        if word.endswith(SCRIPT_SUFFIXES) and not word.startswith("-"):
            return ("notebook" if word.endswith(".ipynb") else "python"), word, words[index + 1 :]
        if word.startswith("-") or word in ("run", "launch", "exec", "python", "python3") or "=" in word:
            skip = word in OPTION_WITH_VALUE
            continue
        return None
    return None


MAKE_TARGET = re.compile(r"^([A-Za-z0-9][\w.-]*)[ \t]*:(?![=:])", re.M)
JUST_RECIPE = re.compile(r"^@?([A-Za-z0-9][\w-]*)(?:[ \t]+[\w=*+\"'$-]+)*[ \t]*:(?!=)", re.M)
TOX_ENV = re.compile(r"^\[testenv:([\w.,{}-]+)\]", re.M)


def read_targets(name: str, text: str) -> list[tuple[str, int]]:
    """(target, line) of a Makefile, justfile or tox.ini: what ``make X`` / ``just X`` / ``tox -e X`` runs."""
    lower = name.lower()
    if lower in ("makefile", "gnumakefile") or lower.endswith((".mk", ".mak")):
        pattern = MAKE_TARGET
    elif lower in ("justfile", ".justfile"):
        pattern = JUST_RECIPE
    elif lower == "tox.ini":
        pattern = TOX_ENV
    else:
        return []
    found = []
    for match in pattern.finditer(text):
        target = match.group(1)
        if target.startswith(".") or (target in ("all", "default") and pattern is not MAKE_TARGET):
            continue
        found.append((target, text.count("\n", 0, match.start()) + 1))
        if len(found) >= MAX_COMMANDS:
            break
    return found


def is_doc_page(path: str) -> bool:
    """A README anywhere near the top, or a page of the docs folder, where run commands are quoted."""
    parts = path.split("/")
    name = parts[-1].lower()
    if not name.endswith((".md", ".rst", ".txt", ".markdown")) and name != "readme":
        return False
    if name.startswith("readme"):
        return len(parts) <= 3
    return (len(parts) == 2 and parts[0] in ("docs", "doc")) or (
        len(parts) == 1 and name.startswith(("install", "usage", "getting", "quickstart", "tutorial"))
    )
