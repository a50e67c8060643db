"""The exercise catalog: valid data, 30-45 exercises in four groups, and for every exercise its shipped
solution passes its hidden cases and a plausible wrong one (kept here) fails them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from learnloop.errors import NotFound, UserError
from learnloop.exercises.catalog import GROUPS, find_exercise, load_exercises
from learnloop.exercises.grader import grade

# id -> (a right solution, a wrong one: the mistake a learner is likely to make); the catalog ships the
# right one as the exercise's `solution` (checked equal below), the wrong one lives only here
SOLUTIONS: dict[str, tuple[str, str]] = {
    "fizzbuzz": (
        """
def fizzbuzz(n):
    out = []
    for i in range(1, n + 1):
        if i % 15 == 0:
            out.append("FizzBuzz")
        elif i % 3 == 0:
            out.append("Fizz")
        elif i % 5 == 0:
            out.append("Buzz")
        else:
            out.append(str(i))
    return out
""",
        """
def fizzbuzz(n):
    out = []
    for i in range(1, n + 1):
        if i % 3 == 0:
            out.append("Fizz")
        elif i % 5 == 0:
            out.append("Buzz")
        elif i % 15 == 0:
            out.append("FizzBuzz")
        else:
            out.append(str(i))
    return out
""",
    ),
    "word-count": (
        """
def word_count(text):
    counts = {}
    for word in text.split():
        word = word.strip(".,!?;:").lower()
        counts[word] = counts.get(word, 0) + 1
    return counts
""",
        """
def word_count(text):
    counts = {}
    for word in text.split(" "):
        counts[word] = counts.get(word, 0) + 1
    return counts
""",
    ),
    "running-total": (
        """
def running_total(numbers):
    totals, total = [], 0
    for x in numbers:
        total += x
        totals.append(total)
    return totals
""",
        """
def running_total(numbers):
    return [sum(numbers[:i]) for i in range(len(numbers))]
""",
    ),
    "unique-in-order": (
        """
def unique_in_order(items):
    seen, out = set(), []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out
""",
        """
def unique_in_order(items):
    return list(set(items))
""",
    ),
    "batches": (
        """
def batches(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]
""",
        """
def batches(items, size):
    return [items[i:i + size] for i in range(0, len(items) - size + 1, size)]
""",
    ),
    "flatten": (
        """
def flatten(nested):
    return [x for inner in nested for x in inner]
""",
        """
def flatten(nested):
    out = []
    for inner in nested:
        out.append(inner)
    return out
""",
    ),
    "accuracy": (
        """
def accuracy(predicted, actual):
    if len(predicted) != len(actual):
        raise ValueError("different lengths")
    if not actual:
        return 0.0
    return sum(p == a for p, a in zip(predicted, actual)) / len(actual)
""",
        """
def accuracy(predicted, actual):
    if not actual:
        return 0.0
    return sum(p == a for p, a in zip(predicted, actual)) / len(actual)
""",
    ),
    "parse-scores": (
        """
def parse_scores(lines):
    scores = {}
    for line in lines:
        if ":" not in line:
            continue
        name, score = line.split(":", 1)
        scores[name.strip()] = float(score)
    return scores
""",
        """
def parse_scores(lines):
    scores = {}
    for line in lines:
        name, score = line.split(":")
        scores[name] = float(score)
    return scores
""",
    ),
    "top-words": (
        """
def top_words(counts, k):
    return sorted(counts, key=lambda w: (-counts[w], w))[:k]
""",
        """
def top_words(counts, k):
    return sorted(counts, key=counts.get, reverse=True)[:k]
""",
    ),
    "invert-dict": (
        """
def invert(mapping):
    groups = {}
    for key, value in mapping.items():
        groups.setdefault(value, []).append(key)
    return {value: sorted(keys) for value, keys in groups.items()}
""",
        """
def invert(mapping):
    return {value: [key] for key, value in mapping.items()}
""",
    ),
    "standardise": (
        """
import numpy as np

def standardise(x):
    x = np.asarray(x, dtype=float)
    return (x - x.mean(axis=0)) / x.std(axis=0)
""",
        """
import numpy as np

def standardise(x):
    x = np.asarray(x, dtype=float)
    return (x - x.mean()) / x.std()
""",
    ),
    "one-hot": (
        """
import numpy as np

def one_hot(labels, n_classes):
    out = np.zeros((len(labels), n_classes))
    out[np.arange(len(labels)), labels] = 1.0
    return out
""",
        """
import numpy as np

def one_hot(labels, n_classes):
    return np.eye(n_classes)[:len(labels)]
""",
    ),
    "softmax": (
        """
import numpy as np

def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
""",
        """
import numpy as np

def softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
""",
    ),
    "pairwise-distances": (
        """
import numpy as np

def pairwise_distances(a, b):
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))
""",
        """
import numpy as np

def pairwise_distances(a, b):
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)
""",
    ),
    "mean-squared-error": (
        """
import numpy as np

def mse(y_true, y_pred):
    return float(np.mean((y_true - y_pred) ** 2))
""",
        """
import numpy as np

def mse(y_true, y_pred):
    return float(np.mean(np.abs(y_true - y_pred)))
""",
    ),
    "moving-average": (
        """
import numpy as np

def moving_average(x, k):
    return np.convolve(x, np.ones(k) / k, mode="valid")
""",
        """
import numpy as np

def moving_average(x, k):
    return np.convolve(x, np.ones(k) / k, mode="same")
""",
    ),
    "confusion-matrix": (
        """
import numpy as np

def confusion_matrix(y_true, y_pred, n_classes):
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts
""",
        """
import numpy as np

def confusion_matrix(y_true, y_pred, n_classes):
    counts = np.zeros((n_classes, n_classes), dtype=int)
    counts[y_true, y_pred] += 1
    return counts
""",
    ),
    "select-rows": (
        """
def adults(people):
    return people[people["age"] >= 18].reset_index(drop=True)
""",
        """
def adults(people):
    return people[people["age"] > 18].reset_index(drop=True)
""",
    ),
    "fill-missing": (
        """
def fill_with_median(frame, column):
    result = frame.copy()
    result[column] = result[column].fillna(result[column].median())
    return result
""",
        """
def fill_with_median(frame, column):
    frame[column] = frame[column].fillna(frame[column].mean())
    return frame
""",
    ),
    "group-mean": (
        """
def mean_by_group(frame, by, value):
    return frame.groupby(by)[value].mean()
""",
        """
def mean_by_group(frame, by, value):
    return frame.groupby(by)[value].sum()
""",
    ),
    "new-column": (
        """
def add_bmi(frame):
    result = frame.copy()
    result["bmi"] = result["weight_kg"] / result["height_m"] ** 2
    return result
""",
        """
def add_bmi(frame):
    result = frame.copy()
    result["bmi"] = result["weight_kg"] / result["height_m"] * 2
    return result
""",
    ),
    "class-shares": (
        """
def class_shares(labels):
    return labels.value_counts(normalize=True).sort_index()
""",
        """
def class_shares(labels):
    return labels.value_counts().sort_index() / len(labels)
""",
    ),
    "join-tables": (
        """
def join_scores(students, scores):
    return students.merge(scores, on="id").sort_values("id").reset_index(drop=True)
""",
        """
def join_scores(students, scores):
    return students.merge(scores, on="id", how="left").sort_values("id").reset_index(drop=True)
""",
    ),
    "pivot-table": (
        """
def totals_by_region(sales):
    table = sales.pivot_table(index="region", columns="month", values="amount", aggfunc="sum", fill_value=0)
    return table.sort_index().sort_index(axis=1)
""",
        """
def totals_by_region(sales):
    return sales.pivot_table(index="region", columns="month", values="amount", aggfunc="sum")
""",
    ),
}

# script exercises: id -> a wrong answer (file name -> text); the right one is the catalog's solution
SCRIPT_MISTAKES: dict[str, dict[str, str]] = {
    "csv-column-mean": {
        "column_mean.py": """
import csv, sys
path, column = sys.argv[1], sys.argv[2]
with open(path, newline="") as handle:
    values = [float(row[column] or 0) for row in csv.DictReader(handle)]
print(f"mean of {column}: {sum(values) / len(values):.2f}")
"""
    },
    "missing-file": {
        "count_lines.py": """
import sys
path = sys.argv[1]
with open(path) as handle:
    print(f"{path}: {len(handle.readlines())} lines")
"""
    },
    "second-module": {
        "geometry.py": "def area(w, h):\n    return w * h\n\n\ndef perimeter(w, h):\n    return 2 * (w + h)\n",
        "main.py": """
import sys
w, h = float(sys.argv[1]), float(sys.argv[2])
print(f"area {w * h}, perimeter {2 * (w + h)}")
""",
    },
    "small-class": {
        "layer.py": """
class Linear:
    def __init__(self, weights, bias):
        self.weights = weights
        self.bias = bias

    def forward(self, inputs):
        return sum(w * x for w, x in zip(self.weights, inputs)) + self.bias


if __name__ == "__main__":
    print(Linear([1.0, 2.0], 0.5).forward([3.0, 4.0]))
"""
    },
    "subclass-a-module": {
        "module.py": "class Module:\n    def __init__(self):\n        self.calls = 0\n\n"
        "    def __call__(self, *args):\n        self.calls += 1\n        return self.forward(*args)\n",
        "model.py": """
from module import Module


class TwoSteps(Module):
    def __init__(self, scale, shift):
        self.scale = scale
        self.shift = shift

    def forward(self, x):
        return [max(0.0, self.scale * v + self.shift) for v in x]


if __name__ == "__main__":
    model = TwoSteps(2.0, -1.0)
    print(model([0.0, 1.0, 2.0]), model.calls)
""",
    },
    "argparse-options": {
        "greet.py": """
import sys
name = sys.argv[1]
times = int(sys.argv[sys.argv.index("--times") + 1]) if "--times" in sys.argv else 1
line = f"Hello, {name}!"
for _ in range(times):
    print(line.upper() if "--shout" in sys.argv else line)
"""
    },
    "write-report": {
        "summarise.py": """
import sys
numbers = [float(x) for x in open(sys.argv[1]) if x.strip()]
with open(sys.argv[2], "w") as report:
    report.write(f"count: {len(numbers)}\\nmean: {sum(numbers) / len(numbers):.2f}\\nmax: {max(numbers):.2f}\\n")
print(f"wrote {sys.argv[2]}")
"""
    },
    "json-settings": {
        "train.py": """
import json, sys
settings = json.load(open(sys.argv[1]))
print(f"epochs={settings.get('epochs', 10)} lr={settings.get('lr', 0.01)}")
"""
    },
    "filter-csv": {
        "keep_rows.py": """
import csv, sys
source, target = sys.argv[1], sys.argv[2]
minimum = float(sys.argv[4]) if len(sys.argv) > 4 else 50
rows = list(csv.reader(open(source, newline="")))
kept = [r for r in rows[1:] if float(r[1]) >= minimum]
with open(target, "w", newline="") as out:
    csv.writer(out).writerows([rows[0], *kept])
print(f"kept {len(kept)} of {len(rows) - 1} rows")
"""
    },
    "main-guard": {
        "stats.py": """
import sys


def mean(values):
    return sum(values) / len(values)


if sys.argv[1:]:
    print("mean:", mean([float(word) for word in sys.argv[1:]]))
else:
    print("stats loaded")
"""
    },
    "folder-of-files": {
        "line_counts.py": """
import os, sys
folder = sys.argv[1]
total = 0
for name in os.listdir(folder):
    if name.endswith(".txt"):
        count = len(open(os.path.join(folder, name)).read().splitlines())
        total += count
        print(f"{name}: {count}")
print(f"total: {total}")
"""
    },
}

ITEMS = load_exercises()
IDS = [item.exercise.id for item in ITEMS]
SCRIPT_IDS = [item.exercise.id for item in ITEMS if item.exercise.kind == "script"]
FUNCTION_IDS = [item.exercise.id for item in ITEMS if item.exercise.kind == "function"]


def test_catalog_has_30_to_45_exercises_in_four_groups() -> None:
    groups = [item.exercise.group for item in ITEMS]
    assert 30 <= len(ITEMS) <= 45
    assert set(groups) == set(GROUPS)
    assert all(groups.count(g) >= 5 for g in GROUPS)
    assert groups.count("scripts") >= 10
    assert [item.number for item in ITEMS] == list(range(1, len(ITEMS) + 1))


def test_every_exercise_has_a_shipped_solution_and_a_wrong_one_here() -> None:
    assert set(SOLUTIONS) == set(FUNCTION_IDS)
    assert set(SCRIPT_MISTAKES) == set(SCRIPT_IDS)
    for exercise_id in FUNCTION_IDS:
        assert find_exercise(exercise_id).exercise.solution.strip() == SOLUTIONS[exercise_id][0].strip()


def test_find_by_number_or_id() -> None:
    assert find_exercise("2").exercise.id == IDS[1]
    assert find_exercise(IDS[4]).number == 5
    with pytest.raises(NotFound, match="did you mean 'word-count'"):
        find_exercise("word-cout")
    with pytest.raises(UserError, match="numbered 1 to"):
        find_exercise("99")


def _answer(tmp_path: Path, exercise_id: str, kind: str) -> Path:
    exercise = find_exercise(exercise_id).exercise
    if exercise.kind == "function":
        path = tmp_path / "answer.py"
        path.write_text(exercise.solution if kind == "right" else SOLUTIONS[exercise_id][1])
        return path
    files = exercise.solution if kind == "right" else SCRIPT_MISTAKES[exercise_id]
    folder = tmp_path / "answer"
    folder.mkdir()
    assert isinstance(files, dict)
    for name in exercise.files:  # a wrong answer may leave a given file as the starter had it
        (folder / name).write_text(files.get(name, exercise.files[name]))
    return folder


@pytest.mark.parametrize("kind", ["right", "wrong"])
@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_solutions(exercise_id: str, kind: str, tmp_path: Path) -> None:
    result = grade(find_exercise(exercise_id), _answer(tmp_path, exercise_id, kind))
    if kind == "right":
        assert result.passed, result.message
        assert result.cases_passed == result.cases_total
        assert result.message == f"all {result.cases_total} checks pass"
    else:
        assert not result.passed
        assert result.outcome in ("failed", "error"), result.message
        assert result.cases_passed < result.cases_total
        assert result.message.startswith(f"check {result.cases_passed + 1} of {result.cases_total}")


def test_a_starter_file_is_valid_python_that_does_not_pass_yet(tmp_path: Path) -> None:
    for item in ITEMS:
        for name, text in (
            {item.file_name: item.exercise.starter} if item.exercise.kind == "function" else item.exercise.files
        ).items():
            compile(text or "", name, "exec")
    item = find_exercise("fizzbuzz")
    path = tmp_path / "starter.py"
    path.write_text(item.exercise.starter or "")
    result = grade(item, path)
    assert result.outcome == "failed"
    assert "fizzbuzz(5) returned [], but the answer is ['1', '2', 'Fizz', '4', 'Buzz']" in result.message


@pytest.mark.parametrize("exercise_id", SCRIPT_IDS)
def test_a_script_starter_fails_its_checks(exercise_id: str, tmp_path: Path) -> None:
    item = find_exercise(exercise_id)
    folder = tmp_path / "starter"
    folder.mkdir()
    for name, text in item.exercise.files.items():
        (folder / name).write_text(text)
    result = grade(item, folder)
    assert not result.passed
    assert result.message.startswith("check 1 of")


# the calls a starter must not name (the answer's own library calls); the hint may name them
TELLING = re.compile(
    r"\b(?:split|strip|setdefault|sorted\(|zip|convolve|cumsum|add\.at|keepdims|value_counts|"
    r"merge|pivot_table|fillna|\.median\(|groupby|DictReader|argparse|json\.load|FileNotFoundError|"
    r"super\(\)|glob|open\(|sys\.exit|reset_index|np\.eye|np\.exp)"
)


def test_starters_do_not_name_the_calls_to_use_and_hints_do() -> None:
    for item in ITEMS:
        exercise = item.exercise
        starters = (
            [exercise.starter or ""]
            if exercise.kind == "function"
            else [text for name, text in exercise.files.items() if "Do not change this file" not in text]
        )
        for text in starters:
            assert not TELLING.findall(text), (exercise.id, TELLING.findall(text))
        assert len(exercise.hint) >= 40, exercise.id
