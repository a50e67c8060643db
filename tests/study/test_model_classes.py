"""Finding the classes that define models, through imports and the repository's own base classes."""

from __future__ import annotations

from learnloop.study.model_classes import find_models
from learnloop.study.modules import build_index
from learnloop.study.pysource import read_python

FILES = {
    "net/__init__.py": "from .base import Base\n",
    "net/base.py": "from torch import nn\n\nclass Base(nn.Module):\n    pass\n",
    "net/gcn.py": "from net import Base\n\nclass GCN(Base):\n    pass\n\nclass Plain(object):\n    pass\n",
    "net/layer.py": "import torch\n\nclass Layer(torch.nn.Module):\n    pass\n",
    "net/keras_model.py": "import tensorflow as tf\n\nclass Tiny(tf.keras.Model):\n    pass\n",
    "net/estimator.py": "from sklearn.base import BaseEstimator as BE, ClassifierMixin\n\n"
    "class Mine(ClassifierMixin, BE):\n    pass\n",
    "net/deep.py": "from .gcn import GCN as G\n\nclass Deeper(G):\n    pass\n",
}


def test_models_are_found_through_aliases_reexports_and_subclasses() -> None:
    index = build_index(list(FILES), "repo")
    facts = {index.by_path[p].id: read_python(text) for p, text in FILES.items()}
    found = find_models(index, {m: f.classes for m, f in facts.items()}, {m: f.imports for m, f in facts.items()})
    by_name = {m.name: (m.framework, m.base) for m in found}
    assert by_name == {
        "Base": ("PyTorch", "torch.nn.Module"),
        "GCN": ("PyTorch", "net.base.Base"),
        "Deeper": ("PyTorch", "net.gcn.GCN"),
        "Layer": ("PyTorch", "torch.nn.Module"),
        "Tiny": ("Keras", "tensorflow.keras.Model"),
        "Mine": ("scikit-learn", "sklearn.base.ClassifierMixin"),
    }
