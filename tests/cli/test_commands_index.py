"""The command index that lets `learnloop` build only the command it runs must match the real commands."""

from __future__ import annotations

import ast
import subprocess
import sys

from learnloop.cli.commands import COMMANDS, real_commands


def test_the_index_names_every_real_command_with_its_module_and_summary() -> None:
    real = {entry.name: entry for entry in real_commands()}
    index = {entry.name: entry for entry in COMMANDS}
    missing = sorted(set(real) - set(index))
    stale = sorted(set(index) - set(real))
    assert not missing and not stale, (
        f"commands missing from learnloop/cli/commands.py: {missing}; listed but gone: {stale} "
        "(run `python -m learnloop.cli.commands` and paste what it prints)"
    )
    for name, entry in index.items():
        assert real[name] == entry, f"{name}: the index says {entry}, the module defines {real[name]}"


def test_a_run_imports_only_the_module_of_the_command_it_runs() -> None:
    probe = (
        "import sys; sys.argv = ['learnloop', 'map', '--help']\n"
        "from learnloop.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('learnloop.cli.')), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    loaded = ast.literal_eval(result.stderr.strip().splitlines()[-1])
    assert "learnloop.cli.map" in loaded
    for other in ("learnloop.cli.lab", "learnloop.cli.study", "learnloop.cli.project", "learnloop.cli.web"):
        assert other not in loaded


def test_help_lists_the_commands_in_the_loops_order(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--help")
    assert result.exit_code == 0
    positions = [result.stdout.index(f"\n  {entry.name} ") for entry in COMMANDS]
    assert positions == sorted(positions)
