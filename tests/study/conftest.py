"""Fixtures for the study tests: small repositories written file by file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from learnloop.atlas.load import Atlas, build_atlas

Tree = dict[str, str | bytes]


def write_tree(root: Path, files: Tree) -> Path:
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_tree(tmp_path: Path) -> Callable[..., Path]:
    """``make_tree({"pkg/__init__.py": "", ...}, name="repo")`` writes the files and returns the folder."""

    def make(files: Tree, name: str = "repo") -> Path:
        return write_tree(tmp_path / name, files)

    return make


# A small GCN project laid out like the article's example (tkipf/pygcn), written for these tests.
GCN_REPO: Tree = {
    "README.md": "# tinygcn\n\nA graph convolutional network in a few files.\n",
    "requirements.txt": "numpy>=1.20\n# a comment\ntorch\n-e .\nscipy ; python_version > '3.8'\n",
    "setup.py": (
        "from setuptools import setup, find_packages\n"
        "setup(name='tinygcn', packages=find_packages(),\n"
        "      entry_points={'console_scripts': ['tinygcn-train = tinygcn.train:main']})\n"
    ),
    "tinygcn/__init__.py": "from .layers import *\nfrom .models import *\n",
    "tinygcn/layers.py": (
        '"""The graph convolution layer."""\n'
        "import math\n\nimport torch\nfrom torch.nn.modules.module import Module\n\n\n"
        "class GraphConvolution(Module):\n"
        "    def forward(self, x, adj):\n        return torch.spmm(adj, x)\n"
    ),
    "tinygcn/models.py": (
        "import torch.nn as nn\nimport torch.nn.functional as F\n\nfrom tinygcn.layers import GraphConvolution\n\n\n"
        "class GCN(nn.Module):\n    def forward(self, x, adj):\n        return F.relu(x)\n"
    ),
    "tinygcn/utils.py": "import numpy as np\nimport scipy.sparse as sp\n\n\ndef load_data():\n    return np.zeros(3)\n",
    "tinygcn/train.py": (
        "import argparse\nimport time\n\nimport torch.optim as optim\n\n"
        "from tinygcn.models import GCN\nfrom tinygcn.utils import load_data\n\n"
        "parser = argparse.ArgumentParser(description='Train a GCN')\n\n\n"
        "def main():\n    model = GCN()\n\n\n"
        "if __name__ == '__main__':\n    main()\n"
    ),
    "tests/test_models.py": "from tinygcn.models import GCN\n\n\ndef test_gcn():\n    assert GCN\n",
}


TOOL_TOPIC = """  - id: {id}
    name: {name}
    kind: tool
    summary: A library used in these tests. It stands in for the real card.
    why: Tests need a card to find.
    aliases: [{aliases}]
"""


@pytest.fixture
def tiny_atlas(tmp_path: Path) -> Atlas:
    """A map with two tool cards (pytorch, numpy) and one focus whose stack holds torch."""
    folder = tmp_path / "atlas"
    folder.mkdir()
    topics = (
        "topics:\n"
        + TOOL_TOPIC.format(id="pytorch", name="PyTorch", aliases="torch")
        + TOOL_TOPIC.format(id="numpy", name="NumPy", aliases="np")
        + TOOL_TOPIC.format(id="graphs", name="Graphs", aliases="")
    )
    (folder / "topics.yaml").write_text(topics, encoding="utf-8")
    (folder / "datasets.yaml").write_text(
        "datasets:\n  - id: cora\n    name: Cora\n    source: repo\n    loader: cora.npz\n    target: label\n"
        "    task: classification\n    rows: 2708\n    columns: 1433\n    summary: Papers that cite papers.\n",
        encoding="utf-8",
    )
    (folder / "focuses.yaml").write_text(
        "focuses:\n  - id: graph-ml\n    name: Graph machine learning\n    summary: Learning on graphs.\n"
        "    topics: [graphs]\n"
        "    stack:\n      - {pip: torch, import_name: torch, role: tensors and training}\n"
        "    references:\n"
        "      - {repo: tkipf/pygcn, title: pygcn, why: small, read_first: [pygcn/train.py]}\n"
        "      - {repo: a/b, title: b, why: also small, read_first: [b.py]}\n"
        "    ideas:\n"
        "      - {id: one, title: One, summary: First idea., dataset: cora, days: 7}\n"
        "      - {id: two, title: Two, summary: Second idea., dataset: cora, days: 14}\n",
        encoding="utf-8",
    )
    return build_atlas(folder)


@pytest.fixture
def gcn_repo(make_tree: Callable[..., Path]) -> Path:
    return make_tree(GCN_REPO, name="tinygcn")
