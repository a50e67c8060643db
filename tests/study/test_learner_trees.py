"""Trees shaped like the repositories learners study: where to start and in what order to read.

A nanoGPT-like project (top-level scripts the README runs), and library-like trees (a re-export package,
a CLI subpackage, a src layout with many example scripts), all written into temporary folders.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from learnloop.study.survey import study_repository

NANOGPT = {
    "README.md": (
        "# nanogpt-like\n\nThe simplest repository for training medium-sized GPTs.\n\n## quick start\n\n"
        "```sh\npython data/shakespeare_char/prepare.py\n```\n\nThen train:\n\n"
        "```sh\n$ python train.py config/train_shakespeare_char.py\n```\n\nAnd sample from it:\n\n"
        "```sh\npython sample.py --out_dir=out-shakespeare-char\n```\n"
    ),
    "train.py": (
        '"""\nThis training script can be run both on a single gpu in debug mode,\nand also in a larger run.\n"""\n'
        "import os\nimport time\n\nimport numpy as np\nimport torch\n\nfrom model import GPTConfig, GPT\n\n"
        "batch_size = 12\nlearning_rate = 6e-4\nmax_iters = 600000\n"
        "exec(open('configurator.py').read())\n"
        "data_dir = os.path.join('data', 'shakespeare_char')\n\n\n"
        "def get_batch(split):\n    data = np.memmap(os.path.join(data_dir, 'train.bin'), dtype=np.uint16, mode='r')\n"
        "    return data\n\n\n"
        "@torch.no_grad()\ndef estimate_loss():\n    model.eval()\n    return 0.0\n\n\n"
        "model = GPT(GPTConfig())\noptimizer = model.configure_optimizers()\n"
        "iter_num = 0\nwhile True:\n    loss = model(get_batch('train'))\n    loss.backward()\n"
        "    optimizer.step()\n    optimizer.zero_grad(set_to_none=True)\n    iter_num += 1\n"
    ),
    "sample.py": (
        '"""\nSample from a trained model\n"""\nimport torch\n\nfrom model import GPTConfig, GPT\n\n'
        "out_dir = 'out'\nnum_samples = 10\nexec(open('configurator.py').read())\n"
        "model = GPT(GPTConfig())\nmodel.eval()\nwith torch.no_grad():\n    y = model.generate(None, 10)\n"
        "    print(y)\n"
    ),
    "model.py": (
        '"""\nFull definition of a GPT Language Model, all of it in this single file.\n"""\n'
        "import torch\nimport torch.nn as nn\nfrom dataclasses import dataclass\n\n\n"
        "class LayerNorm(nn.Module):\n    def forward(self, x):\n        return x\n\n\n"
        "@dataclass\nclass GPTConfig:\n    block_size: int = 1024\n\n\n"
        "class GPT(nn.Module):\n    def forward(self, idx):\n        return idx\n\n"
        "    def generate(self, idx, n):\n        return idx\n"
    ),
    "configurator.py": (
        '"""\nPoor Man\'s Configurator.\n"""\nimport sys\nfrom ast import literal_eval\n\n'
        "for arg in sys.argv[1:]:\n    if '=' not in arg:\n        exec(open(arg).read())\n"
    ),
    "config/train_shakespeare_char.py": (
        "# train a miniature character-level shakespeare model\nout_dir = 'out-shakespeare-char'\n"
        "eval_interval = 250\nbatch_size = 64\nblock_size = 256\n"
    ),
    "data/shakespeare_char/prepare.py": (
        '"""\nPrepare the Shakespeare dataset for character-level language modeling.\n"""\n'
        "import os\nimport pickle\n\nimport numpy as np\nimport requests\n\n"
        "input_file_path = os.path.join(os.path.dirname(__file__), 'input.txt')\n"
        "if not os.path.exists(input_file_path):\n"
        "    data_url = 'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt'\n"
        "    with open(input_file_path, 'w') as f:\n        f.write(requests.get(data_url).text)\n"
        "train_ids = np.array([1, 2, 3], dtype=np.uint16)\ntrain_ids.tofile('train.bin')\n"
    ),
    "bench.py": "import torch\nfrom model import GPT\n\nmodel = GPT(None)\nprint(model)\n",
}


def test_nanogpt_like_the_readme_commands_are_the_entry_points(make_tree: Callable[..., Path]) -> None:
    report = study_repository(make_tree(NANOGPT, name="nanogpt"), with_map=False)
    entries = report.entry_points
    paths = [e.path for e in entries]
    assert paths[:3] == ["data/shakespeare_char/prepare.py", "train.py", "sample.py"]
    train = entries[1]
    assert train.kind == "script" and train.named_in == "README.md:14"
    assert train.quote == "python train.py config/train_shakespeare_char.py"
    assert train.line is not None and train.line > 1  # the first statement that does work
    assert "bench.py" in paths  # a script too, but the README does not run it: after the ones it quotes
    assert paths.index("bench.py") > paths.index("sample.py")
    assert report.entry_points_total >= len(entries)


def test_nanogpt_like_reading_order_readme_run_data_model_training(make_tree: Callable[..., Path]) -> None:
    report = study_repository(make_tree(NANOGPT, name="nanogpt"), with_map=False)
    order = [(s.stage, s.path) for s in report.reading_order]
    assert order[:6] == [
        ("readme", "README.md"),
        ("run", "config/train_shakespeare_char.py"),
        ("run", "configurator.py"),
        ("data", "data/shakespeare_char/prepare.py"),
        ("model", "model.py"),
        ("training", "train.py"),
    ]
    assert ("evaluation", "sample.py") in order
    steps = {s.path: s for s in report.reading_order}
    assert "python train.py config/train_shakespeare_char.py" in steps["README.md"].reason
    assert steps["model.py"].summary == "Full definition of a GPT Language Model, all of it in this single file."
    assert [(s.name, s.line) for s in steps["model.py"].symbols][:2] == [("LayerNorm", 9), ("GPTConfig", 15)]
    assert "loss.backward" in steps["train.py"].reason or ".backward(" in steps["train.py"].reason
    assert "README.md:14" in steps["train.py"].reason


def test_nanogpt_like_where_things_are(make_tree: Callable[..., Path]) -> None:
    where = study_repository(make_tree(NANOGPT, name="nanogpt"), with_map=False).where
    assert [(p.path, p.line) for p in where.run][:2] == [("README.md", 8), ("README.md", 14)]
    assert ("model.py", 19, "class GPT (torch.nn.Module)") in {(p.path, p.line, p.what) for p in where.model}
    assert where.training[0].path == "train.py" and ".backward(" in where.training[0].what
    data = [(p.path, p.what) for p in where.data]
    assert any(
        path == "data/shakespeare_char/prepare.py" and "tinyshakespeare/input.txt" in what for path, what in data
    )
    assert any("train.bin" in what for _path, what in data)
    assert where.evaluation and where.evaluation[0].path == "sample.py"


def test_nanogpt_like_roles(make_tree: Callable[..., Path]) -> None:
    report = study_repository(make_tree(NANOGPT, name="nanogpt"), with_map=False)
    roles = {f.path: f.role for f in report.files}
    assert roles == {
        "train.py": "training",
        "sample.py": "evaluation",
        "model.py": "model",
        "configurator.py": "configuration",
        "config/train_shakespeare_char.py": "configuration",
        "data/shakespeare_char/prepare.py": "data",
        "bench.py": "script",
    }


RE_EXPORT_LIBRARY = {
    "README.md": "# shapes\n\nInstall with `pip install shapes`, then `shapes fit data.csv`.\n",
    "pyproject.toml": '[project]\nname = "shapes"\n[project.scripts]\nshapes = "shapes.cli.main:run"\n',
    "shapes/__init__.py": '"""Shapes: small estimators."""\nfrom .api import *\nfrom ._version import __version__\n'
    "__all__ = ['Circle', 'Square']\n",
    "shapes/_version.py": "__version__ = '1.0'\n",
    "shapes/api.py": "from .estimators.circle import Circle\nfrom .estimators.square import Square\n"
    "__all__ = ['Circle', 'Square']\n",
    "shapes/estimators/__init__.py": "from .circle import Circle\nfrom .square import Square\n",
    "shapes/estimators/base.py": '"""The base every estimator shares."""\n\n\nclass Estimator:\n'
    "    def fit(self, X):\n        return self\n\n    def predict(self, X):\n"
    "        return X\n",
    "shapes/estimators/circle.py": '"""A round estimator."""\nfrom .base import Estimator\n\n\n'
    "class Circle(Estimator):\n    def fit(self, X):\n        return self\n",
    "shapes/estimators/square.py": "from shapes.estimators.base import Estimator\n\n\nclass Square(Estimator):\n"
    "    pass\n",
    "shapes/datasets.py": '"""Toy data."""\nimport numpy as np\n\n\ndef load_circles():\n'
    "    return np.load('circles.npz')\n",
    "shapes/cli/__init__.py": "",
    "shapes/cli/main.py": "import argparse\n\nfrom shapes import Circle\n\n\ndef run():\n"
    "    parser = argparse.ArgumentParser()\n    Circle().fit(parser)\n\n\n"
    "if __name__ == '__main__':\n    run()\n",
    "shapes/cli/commands.py": "import click\n\n\n@click.command()\ndef fit():\n    pass\n",
    "tests/test_circle.py": "from shapes import Circle\n\n\ndef test_fit():\n    assert Circle().fit(1)\n",
}


def test_a_re_export_library_goes_to_the_modules_that_define_its_classes(make_tree: Callable[..., Path]) -> None:
    report = study_repository(make_tree(RE_EXPORT_LIBRARY, name="shapes"), with_map=False)
    roles = {f.path: f.role for f in report.files}
    assert roles["shapes/__init__.py"] == "re-export" and roles["shapes/api.py"] == "re-export"
    assert roles["shapes/estimators/__init__.py"] == "re-export"
    assert roles["shapes/cli/main.py"] == "cli" and roles["shapes/cli/commands.py"] == "cli"
    paths = [s.path for s in report.reading_order]
    assert paths[0] == "README.md"
    for skipped in (
        "shapes/__init__.py",
        "shapes/api.py",
        "shapes/estimators/__init__.py",
        "shapes/cli/main.py",
        "shapes/cli/commands.py",
        "tests/test_circle.py",
    ):
        assert skipped not in paths, skipped
    assert {"shapes/estimators/base.py", "shapes/estimators/circle.py"} <= set(paths)
    assert "shapes/datasets.py" in paths
    # its own base class (fit and predict, no framework) makes Circle and Square models, through re-exports
    models = {(m.name, m.framework, m.base) for m in report.models}
    assert ("Circle", "its own", "shapes.estimators.base.Estimator") in models
    assert ("Square", "its own", "shapes.estimators.base.Estimator") in models
    # the console script is still an entry point a learner can run
    assert any(e.kind == "console-script" and e.name == "shapes" for e in report.entry_points)


def test_star_imports_carry_a_models_own_base(make_tree: Callable[..., Path]) -> None:
    root = make_tree(
        {
            "micro/__init__.py": "",
            "micro/engine.py": "class Value:\n    def backward(self):\n        pass\n",
            "micro/nn.py": "from micro.engine import *\n\n\nclass Module:\n    def zero_grad(self):\n        pass\n\n"
            "    def parameters(self):\n        return []\n\n\nclass Neuron(Module):\n    pass\n\n\n"
            "class MLP(Module):\n    pass\n",
            "micro/layers.py": "from micro.nn import *\n\n\nclass Layer(Module):\n    pass\n",
        },
        name="micro",
    )
    models = {(m.name, m.base) for m in study_repository(root, with_map=False).models}
    assert {("Neuron", "micro.nn.Module"), ("MLP", "micro.nn.Module"), ("Layer", "micro.nn.Module")} <= models
    assert not any(name == "Value" for name, _base in models)


def test_a_src_layout_with_many_examples(make_tree: Callable[..., Path]) -> None:
    files: dict[str, str] = {
        "README.md": "# bigpkg\n\nSee `examples/` and run `python -m bigpkg.train --help`.\n",
        "src/bigpkg/__init__.py": "from bigpkg.model import Net\n",
        "src/bigpkg/model.py": '"""The network."""\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n    pass\n',
        "src/bigpkg/data.py": "from torch.utils.data import DataLoader\n\n\ndef load_data():\n"
        "    return DataLoader([])\n",
        "src/bigpkg/train.py": "import argparse\n\nimport torch\n\nfrom bigpkg.data import load_data\n"
        "from bigpkg.model import Net\n\n\ndef main():\n    model = Net()\n"
        "    opt = torch.optim.SGD(model.parameters())\n    for epoch in range(3):\n"
        "        loss = model(load_data())\n        loss.backward()\n        opt.step()\n\n\n"
        "if __name__ == '__main__':\n    main()\n",
    }
    for number in range(30):
        files[f"examples/example_{number:02d}.py"] = "import bigpkg\n\nnet = bigpkg.Net()\nprint(net)\n"
    report = study_repository(make_tree(files, name="bigpkg"), with_map=False)
    entries = report.entry_points
    assert entries[0].path == "src/bigpkg/train.py" and entries[0].named_in == "README.md:3"
    assert sum(1 for e in entries if e.path.startswith("examples/")) <= 3  # examples trimmed
    assert report.entry_points_total > len(entries)
    stages = [(s.stage, s.path) for s in report.reading_order]
    assert stages[:4] == [
        ("readme", "README.md"),
        ("data", "src/bigpkg/data.py"),
        ("model", "src/bigpkg/model.py"),
        ("training", "src/bigpkg/train.py"),
    ]
    assert not any(p.startswith("examples/") for _s, p in stages)
