"""What a source file's text says it does: train, evaluate, load or download data, and which data it names.

Read from the text with a handful of regular expressions rather than by walking every expression of
the syntax tree: a full expression walk cost as much as parsing on scikit-learn, and these calls are
plain to see in the text (``loss.backward()``, ``optimizer.step()``, ``DataLoader(``, a string that is
a URL). Only the first few hits of each kind are kept, with their line numbers; the words of a kind that
begin with the same character are searched for together, so the cost is a few passes over the text per kind.
Nothing is imported or run.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

MAX_HITS = 4

Hit = tuple[int, str]  # (line, what was seen)

# Each kind is a list of plain substrings, searched as literal text grouped by first character (see
# ``_patterns``): one large regular expression of alternatives starting with ``\b`` cost 5 CPU s on
# scikit-learn, a ``str.find`` per word 0.07 s, the grouped patterns 0.04 s.
TRAINING = (
    ".backward(",
    ".zero_grad(",
    ".step(",
    ".apply_gradients(",
    "GradientTape(",
    ".fit(",
    "GradScaler(",
    "cross_val_score(",
    "for epoch",
    "for iter",
    "for step in",
    "while True:",
    ".train()",
)
# ``x.step(`` and ``x.fit(`` train only when ``x`` is an optimiser, a scheduler, a model or a trainer.
OWNERS = {
    ".step(": ("optimizer", "optimiser", "opt", "scheduler", "lr_scheduler", "optim"),
    ".fit(": ("trainer", "model", "clf", "estimator", "pipe", "pipeline", "grid", "search", "reg", "net"),
}
WEAK_TRAINING = ("for ", "while", ".train")
EVALUATION = (
    ".eval()",
    "torch.no_grad(",
    "inference_mode(",
    ".predict(",
    ".predict_proba(",
    ".evaluate(",
    "accuracy_score(",
    "confusion_matrix(",
    "classification_report(",
    ".generate(",
    ".score(",
    "f1_score(",
    "roc_auc_score(",
    "mean_squared_error(",
    "estimate_loss(",
)
DATA = (
    "DataLoader(",
    "load_dataset(",
    "urlretrieve(",
    "requests.get(",
    "urlopen(",
    "read_csv(",
    "read_parquet(",
    "np.load(",
    "np.memmap(",
    "np.fromfile(",
    "np.genfromtxt(",
    "np.loadtxt(",
    "torchvision.datasets.",
    "ImageFolder(",
    "tf.data.",
    "fetch_openml(",
    "load_iris(",
    "load_digits(",
    "load_wine(",
    "load_breast_cancer(",
    "load_diabetes(",
    "load_data(",
    "load_mnist(",
    "pickle.load(",
    "tiktoken.",
    "(Dataset)",
    "hf_hub_download(",
    "snapshot_download(",
    "download(",
    "download_url(",
    "wget ",
)
URL = re.compile(r"(https?://[^\s'\"<>{}]+)['\"]")
DATA_FILE = re.compile(
    r"\.(?:csv|tsv|txt|npz|npy|bin|pkl|pickle|jsonl|parquet|h5|hdf5|pt|pth|ckpt|zip|gz|tgz|mat|content|cites|arff"
    r"|feather|tfrecords?|safetensors)['\"]"
)
FILE_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./{}-")
NOT_DATA_FILES = frozenset({"requirements.txt", "readme.txt", "license.txt", "setup.cfg", "cmakelists.txt"})
# Hosts whose links are documentation, not data.
DOC_HOSTS = (
    "github.com/",
    "docs.",
    "readthedocs",
    "arxiv.org",
    "wikipedia.org",
    "stackoverflow.com",
    "pytorch.org/docs",
    "scikit-learn.org",
    "python.org",
    "numpy.org",
    "opensource.org",
    "apache.org/licenses",
    "gnu.org",
    "creativecommons.org",
    "doi.org",
    "mozilla.org",
)


@dataclass(slots=True)
class Signals:
    training: list[Hit] = field(default_factory=list)
    evaluation: list[Hit] = field(default_factory=list)
    data: list[Hit] = field(default_factory=list)
    urls: list[Hit] = field(default_factory=list)
    files: list[Hit] = field(default_factory=list)

    @property
    def trains(self) -> bool:
        """A strong sign of a training loop (a backward pass, an optimiser step, a fit call), not just a loop."""
        return any(not what.startswith(WEAK_TRAINING) for _line, what in self.training)

    def best_training(self) -> Hit | None:
        """The hit that says "training loop" most plainly: a backward pass, then an optimiser step, then a fit."""
        strong = [h for h in self.training if not h[1].startswith(WEAK_TRAINING)]
        if not strong:
            return None
        for word in (".backward(", ".step(", ".fit(", ".apply_gradients("):
            for hit in strong:
                if hit[1].endswith(word):
                    return hit
        return strong[0]

    def empty(self) -> bool:
        return not (self.training or self.evaluation or self.data or self.urls or self.files)


@functools.cache
def _patterns(words: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """Regular expressions that match ``words`` (literal text), one for the words of each first character.

    The words of one pattern share a literal first character the engine searches for quickly (a pattern whose
    alternatives start differently is tried at every position: no quicker than a ``find`` per word), so the
    twelve training words cost five scans of the text instead of twelve. No word matches where another begins
    (``tests/study/test_signals.py``), so one match per position loses nothing."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word)
    return tuple(re.compile("|".join(re.escape(w) for w in group)) for group in by_first.values())


def _found(words: tuple[str, ...], text: str) -> list[Hit]:
    """The first few of ``words`` that occur in ``text``, in the order they occur, with their lines (the first
    occurrence of each word; for ``x.step(`` and ``x.fit(``, the first whose ``x`` is an owner, among the first
    eight occurrences)."""
    found: list[tuple[int, str]] = []
    for pattern in _patterns(words):
        found.extend(_first_of(pattern, text))
    found.sort()
    return [(text.count("\n", 0, at) + 1, word) for at, word in found[:MAX_HITS]]


def _first_of(pattern: re.Pattern[str], text: str) -> list[tuple[int, str]]:
    """(position, word) of the first occurrence of each word ``pattern`` matches, at most ``MAX_HITS`` of them."""
    found: list[tuple[int, str]] = []
    looked: dict[str, int] = {}  # owned word -> occurrences looked at
    done: set[str] = set()
    position = 0
    while len(found) < MAX_HITS:
        match = pattern.search(text, position)
        if match is None:
            break
        at, word = match.start(), match.group()
        position = at + 1  # words may overlap (``download(`` ends ``snapshot_download(``)
        if word in done:
            continue
        owners = OWNERS.get(word)
        if owners is None:
            done.add(word)
            found.append((at, word))
            continue
        looked[word] = looked.get(word, 0) + 1
        owned_at, owned = _owner(text, word, owners, at)
        if owned_at >= 0:
            done.add(word)
            found.append((owned_at, owned))
        elif looked[word] >= 8:
            done.add(word)  # eight ``x.fit(`` with no model or trainer before the dot: not a training call here
    return found


def _owner(text: str, word: str, owners: tuple[str, ...], at: int) -> tuple[int, str]:
    """(start of the owner, ``owner.step(``) when the name before the dot at ``at`` is one of ``owners``, else -1."""
    start = at
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    owner = text[start:at]
    if owner in owners or owner.endswith(("model", "optimizer", "trainer")):
        return start, owner + word
    return -1, word


def _urls(text: str) -> list[Hit]:
    found: list[Hit] = []
    for match in URL.finditer(text):
        start = match.start()
        url = match.group(1)
        if start == 0 or text[start - 1] not in "'\"" or any(h in url for h in DOC_HOSTS):
            continue  # only a string that is a whole URL, and not a link to documentation
        found.append((text.count("\n", 0, start) + 1, url))
        if len(found) >= MAX_HITS:
            break
    return found


def _file_names(text: str) -> list[Hit]:
    found: list[Hit] = []
    seen: set[str] = set()
    for match in DATA_FILE.finditer(text):
        end = match.end() - 1
        start = end
        while start > 0 and text[start - 1] in FILE_NAME_CHARS:
            start -= 1
        if start == 0 or text[start - 1] != text[end]:
            continue  # the name must be a whole string literal
        name = text[start:end]
        if not name or name in seen or name.rsplit("/", 1)[-1].lower() in NOT_DATA_FILES:
            continue
        seen.add(name)
        found.append((text.count("\n", 0, start) + 1, name))
        if len(found) >= MAX_HITS:
            break
    return found


def read_signals(text: str, *, runs: bool = True) -> Signals:
    """The training, evaluation and data hints of one source text (first few of each, with lines). ``runs``
    False (a module that neither has a ``__main__`` block nor does work at module level, nor is named for data or
    evaluation) skips the evaluation and loader words, which only decide the role of a file that runs."""
    signals = Signals()
    signals.training = _found(TRAINING, text)
    if runs:
        signals.evaluation = _found(EVALUATION, text)
        signals.data = _found(DATA, text)
    if "://" in text:
        signals.urls = _urls(text)
    if "'" in text or '"' in text:
        signals.files = _file_names(text)
    return signals
