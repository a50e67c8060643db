"""The exercise catalog: valid data, 20-30 exercises in three groups, and for every exercise a right
solution that passes its hidden cases and a plausible wrong one that fails them."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.errors import NotFound, UserError
from learnloop.exercises.catalog import GROUPS, find_exercise, load_exercises
from learnloop.exercises.grader import grade

# id -> (a right solution, a wrong one: the mistake a learner is likely to make)
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

IDS = [item.exercise.id for item in load_exercises()]


def test_catalog_has_20_to_30_exercises_in_three_groups() -> None:
    exercises = load_exercises()
    assert 20 <= len(exercises) <= 30
    groups = [item.exercise.group for item in exercises]
    assert set(groups) == set(GROUPS)
    assert all(groups.count(g) >= 5 for g in GROUPS)
    assert [item.number for item in exercises] == list(range(1, len(exercises) + 1))


def test_every_exercise_has_a_right_and_a_wrong_solution() -> None:
    assert set(SOLUTIONS) == set(IDS)


def test_find_by_number_or_id() -> None:
    assert find_exercise("2").exercise.id == IDS[1]
    assert find_exercise(IDS[4]).number == 5
    with pytest.raises(NotFound, match="did you mean 'word-count'"):
        find_exercise("word-cout")
    with pytest.raises(UserError, match="numbered 1 to"):
        find_exercise("99")


@pytest.mark.parametrize("kind", ["right", "wrong"])
@pytest.mark.parametrize("exercise_id", IDS)
def test_reference_solutions(exercise_id: str, kind: str, tmp_path: Path) -> None:
    right, wrong = SOLUTIONS[exercise_id]
    path = tmp_path / "answer.py"
    path.write_text(right if kind == "right" else wrong)
    result = grade(find_exercise(exercise_id), path)
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
    for item in load_exercises():
        compile(item.exercise.starter, item.file_name, "exec")
    item = find_exercise("fizzbuzz")
    path = tmp_path / "starter.py"
    path.write_text(item.exercise.starter)
    result = grade(item, path)
    assert result.outcome == "failed"
    assert "fizzbuzz(5) returned [], but the answer is ['1', '2', 'Fizz', '4', 'Buzz']" in result.message
