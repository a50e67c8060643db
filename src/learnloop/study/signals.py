"""What a source file's text says it does: train, evaluate, load or download data, and which data it names.

Read from the text with a handful of regular expressions rather than by walking every expression of
the syntax tree: a full expression walk cost as much as parsing on scikit-learn, and these calls are
plain to see in the text (``loss.backward()``, ``optimizer.step()``, ``DataLoader(``, a string that is
a URL). Only the first few hits of each kind are kept, with their line numbers, so the cost is one
pass over the text per kind. Nothing is imported or run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_HITS = 4

Hit = tuple[int, str]  # (line, what was seen)

TRAINING = re.compile(
    r"\.backward\(|\.zero_grad\(|\boptimi[sz]er\.step\(|\bopt\.step\(|\.apply_gradients\(|\bGradientTape\("
    r"|\btrainer\.fit\(|\bmodel\.fit\(|\bclf\.fit\(|\bestimator\.fit\(|\bpipe(?:line)?\.fit\(|\bgrid\.fit\("
    r"|\bfor\s+(?:epochs?|ep|iter\w*|step|it|i_iter)\s*(?:,\s*\w+\s*)?in\b|\bwhile\s+True\s*:|\bGradScaler\("
    r"|\.train\(\)"
    r"|\blr_scheduler\.|\bscheduler\.step\(|\bcross_val_score\("
)
EVALUATION = re.compile(
    r"\.eval\(\)|\btorch\.no_grad\(|\binference_mode\(|\.predict(?:_proba)?\(|\.evaluate\("
    r"|\baccuracy_score\(|\bconfusion_matrix\(|\bclassification_report\(|\.generate\(|\.score\("
    r"|\bf1_score\(|\broc_auc_score\(|\bmean_squared_error\(|\bestimate_loss\("
)
DATA = re.compile(
    r"\bDataLoader\(|\bload_dataset\(|\burlretrieve\(|\brequests\.get\(|\burlopen\(|\bread_csv\(|\bread_parquet\("
    r"|\bnp\.load\(|\bnp\.memmap\(|\bnp\.fromfile\(|\bnp\.genfromtxt\(|\bnp\.loadtxt\(|\btorchvision\.datasets\."
    r"|\bImageFolder\(|\btf\.data\.|\bfetch_openml\(|\bfetch_\w+\(|\bload_(?:iris|digits|wine|breast_cancer|"
    r"diabetes|data|dataset|mnist|cifar\w*)\(|\btiktoken\.|\bpickle\.load\(|\bDataset\)|\bhf_hub_download\("
    r"|\bsnapshot_download\(|\bdownload\w*\("
)
URL = re.compile(r"""['"](https?://[^\s'"<>{}]+)['"]""")
DATA_FILE = re.compile(
    r"""['"]([\w./{}-]*\.(?:csv|tsv|txt|npz|npy|bin|pkl|pickle|jsonl|parquet|h5|hdf5|pt|pth|ckpt|zip|gz|tgz|mat"""
    r"""|content|cites|arff|feather|tfrecords?|safetensors|idx\d-ubyte))['"]"""
)
NOT_DATA_FILES = frozenset({"requirements.txt", "readme.txt", "license.txt", "setup.cfg", "cmakelists.txt"})
# Hosts whose links are documentation, not data.
DOC_HOSTS = ("github.com/", "docs.", "readthedocs", "arxiv.org", "wikipedia.org", "stackoverflow.com",
             "pytorch.org/docs", "scikit-learn.org", "python.org", "numpy.org", "opensource.org", "apache.org/licenses",
             "gnu.org", "creativecommons.org", "doi.org", "mozilla.org")


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
        return any(not what.startswith(("for", "while", ".train")) for _line, what in self.training)

    def empty(self) -> bool:
        return not (self.training or self.evaluation or self.data or self.urls or self.files)


def _hits(pattern: re.Pattern[str], text: str, group: int = 0) -> list[Hit]:
    found: list[Hit] = []
    seen: set[str] = set()
    for match in pattern.finditer(text):
        what = match.group(group)
        if what in seen:
            continue
        seen.add(what)
        found.append((text.count("\n", 0, match.start()) + 1, what))
        if len(found) >= MAX_HITS:
            break
    return found


def read_signals(text: str) -> Signals:
    """The training, evaluation and data hints of one source text (first few of each, with lines)."""
    signals = Signals()
    if ".backward(" in text or ".step(" in text or ".fit(" in text or "for " in text or ".train()" in text \
            or "GradientTape" in text or "while True" in text or "scheduler" in text or "cross_val" in text:
        signals.training = _hits(TRAINING, text)
    signals.evaluation = _hits(EVALUATION, text)
    signals.data = _hits(DATA, text)
    if "://" in text:
        signals.urls = [(line, url) for line, url in _hits(URL, text, 1) if not any(h in url for h in DOC_HOSTS)]
    if "." in text:
        signals.files = [(line, name) for line, name in _hits(DATA_FILE, text, 1)
                         if name.rsplit("/", 1)[-1].lower() not in NOT_DATA_FILES]
    return signals
