"""Import names to distributions and to the map's cards."""

from __future__ import annotations

from pathlib import Path

from learnloop.atlas.load import Atlas, load_atlas
from learnloop.study.libraries import (
    InstalledDistributions,
    LibraryUse,
    describe_libraries,
    find_distribution,
    library_key,
    normalize,
)


def test_mismatched_names_come_from_the_table() -> None:
    assert find_distribution("sklearn")[:2] == ("scikit-learn", "table")
    assert find_distribution("yaml")[:2] == ("pyyaml", "table")
    assert find_distribution("PIL")[:2] == ("pillow", "table")
    assert library_key("google.protobuf.message") == "google.protobuf" and library_key("numpy.linalg") == "numpy"


def test_installed_names_carry_their_version_and_unknown_ones_are_guesses() -> None:
    import pytest as pytest_module

    name, source, version = find_distribution("pytest")
    assert (name, source, version) == ("pytest", "installed", pytest_module.__version__)
    assert find_distribution("surely_not_a_real_package_xyz") == ("surely_not_a_real_package_xyz", "guess", None)


def test_providers_are_found_from_top_level_and_record_files(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "Foo_Bar-1.2.dist-info").mkdir(parents=True)
    (site / "Foo_Bar-1.2.dist-info" / "top_level.txt").write_text("foobar\n")
    (site / "foobar").mkdir()
    (site / "other_dist-0.3.dist-info").mkdir()
    (site / "other_dist-0.3.dist-info" / "RECORD").write_text(
        "weird_name/__init__.py,sha256=x,1\nabsent/__init__.py,,\nother_dist-0.3.dist-info/METADATA,,\n"
    )
    (site / "weird_name").mkdir()
    installed = InstalledDistributions([str(site)])
    assert installed.version("foo-bar") == "1.2" and installed.name("FOO.bar") == "Foo-Bar"
    assert installed.provider("foobar") == "Foo-Bar"
    assert installed.provider("nothing") is None
    assert installed._tops is None  # a module that is not on the path: no RECORD file was read for it
    assert installed.provider("absent") is None  # listed in a RECORD, but not on the path (a partial removal)
    assert installed.provider("weird_name") == "other-dist"
    assert installed._tops is not None
    zipped = tmp_path / "old.egg"
    zipped.write_bytes(b"PK\x05\x06" + bytes(18))
    assert InstalledDistributions([str(zipped), str(site)]).provider("absent") == "other-dist"  # names unknown


def test_cards_from_a_small_map(tiny_atlas: Atlas) -> None:
    uses = {"torch": LibraryUse({"a", "b"}, True), "numpy": LibraryUse({"a"}, False), "cupy": LibraryUse({"a"}, False)}
    libraries = describe_libraries(uses, stdlib=False, declared=["Torch"], atlas=tiny_atlas)
    by_name = {lib.import_name: lib for lib in libraries}
    assert next(lib.import_name for lib in libraries) == "torch"  # most used first
    torch = by_name["torch"]
    assert [t.id for t in torch.topics] == ["pytorch"] and torch.declared
    assert [(s.focus, s.role) for s in torch.stacks] == [("graph-ml", "tensors and training")]
    assert [t.id for t in by_name["numpy"].topics] == ["numpy"] and by_name["numpy"].optional_only
    assert by_name["cupy"].topics == [] and by_name["cupy"].distribution_from == "guess"


def test_the_real_map_knows_the_big_libraries() -> None:
    uses = {name: LibraryUse({"m"}, True) for name in ("torch", "sklearn", "numpy", "pandas")}
    cards = {
        lib.import_name: [t.id for t in lib.topics]
        for lib in describe_libraries(uses, stdlib=False, atlas=load_atlas())
    }
    assert all(cards[name] for name in uses), cards


def test_the_light_cards_describe_libraries_as_the_whole_map_does() -> None:
    from learnloop.atlas.cards import library_cards

    names = ("torch", "sklearn", "numpy", "pandas", "networkx", "transformers", "jax", "surely_not_on_the_map")
    uses = {name: LibraryUse({"m"}, True) for name in names}
    light = describe_libraries(uses, stdlib=False, atlas=library_cards())
    assert light == describe_libraries(uses, stdlib=False, atlas=load_atlas())
    assert sum(bool(lib.stacks) for lib in light) >= 3


def test_normalize_follows_pep_503() -> None:
    assert normalize("Scikit_Learn") == normalize("scikit.learn") == "scikit-learn"


def test_providers_answer_what_packages_distributions_answers() -> None:
    """Our cheap reading of dist-info folders finds a distribution for every module the standard (slow)
    importlib.metadata.packages_distributions() knows, and one of the same distributions."""
    from importlib import metadata
    from importlib.util import find_spec

    from learnloop.study.libraries import installed_distributions

    expected = metadata.packages_distributions()
    installed = installed_distributions()
    for top, distributions in expected.items():
        if find_spec(top) is None:  # named by a top_level.txt, but no such module on the path (``_xxhash``)
            assert installed.provider(top) is None, top
            continue
        found = installed.provider(top)
        assert found is not None, top
        assert normalize(found) in {normalize(d) for d in distributions}, (top, found, distributions)
