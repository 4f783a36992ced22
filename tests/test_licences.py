"""The licence texts shipped in reader_app/licences: every component in the index has its
texts, every runtime dependency (and what it pulls in) is listed with the licence we
expect, and the copies match their sources."""

import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from repo_paths import REPO

from reader_app import licences

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
COMPONENTS = licences.components()
BY_DISTRIBUTION = {canonicalize_name(c.distribution): c for c in COMPONENTS if c.distribution}

# What each component's authors license it under, as checked by hand against its
# distribution; a change here is a licence review, not a test fix.
EXPECTED_SPDX = {
    "Resource Reader": "AGPL-3.0-or-later",
    "Qt for Python (PySide6)": "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
    "Shiboken6": "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
    "Qt 6": "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
    "PyMuPDF": "AGPL-3.0-only",
    "MuPDF": "AGPL-3.0-or-later",
    "Whoosh-Reloaded": "BSD-2-Clause-Views",
    "cached-property": "BSD-3-Clause",
    "platformdirs": "MIT",
    "python-docx": "MIT",
    "lxml": "BSD-3-Clause",
    "libxml2, libxslt and libexslt": "MIT",
    "typing_extensions": "PSF-2.0",
    "Python": "PSF-2.0",
    "PyInstaller bootloader": "GPL-2.0-or-later WITH Bootloader-exception AND Apache-2.0",
}
# The texts that go with each licence id: a component under one of these must ship them.
TEXTS_FOR = {
    "AGPL-3.0-or-later": {"AGPL-3.0.txt"},
    "AGPL-3.0-only": {"AGPL-3.0.txt"},
    "LGPL-3.0-only": {"LGPL-3.0.txt", "GPL-3.0.txt"},  # the LGPL 3 builds on the GPL 3
}


def runtime_dependencies() -> list[Requirement]:
    return [Requirement(spec) for spec in PYPROJECT["project"]["dependencies"]]


def test_every_component_has_its_texts() -> None:
    assert COMPONENTS
    for component in COMPONENTS:
        assert component.files, component.name
        for path in component.paths():
            assert path.is_file(), f"{component.name}: {path.name} is missing"
            assert path.read_text(encoding="utf-8").strip(), path.name
        assert component.texts_from, f"{component.name}: say where the text came from"


def test_every_text_in_the_folder_is_listed() -> None:
    listed = {name for c in COMPONENTS for name in c.files}
    present = {p.name for p in licences.LICENCES_DIR.glob("*.txt")}
    assert present == listed


def test_spdx_ids_are_the_expected_ones() -> None:
    assert {c.name: c.spdx for c in COMPONENTS} == EXPECTED_SPDX
    for component in COMPONENTS:
        if component.used_under:
            assert component.used_under in component.spdx.split(" OR "), component.name
        assert TEXTS_FOR.get(component.licence, set()) <= set(component.files), component.name


def test_the_apps_licence_is_a_copy_of_the_repositorys() -> None:
    """A copy, not generated at build time: the texts must be there when the app runs from
    a checkout, a wheel, an sdist or a bundle alike, and the bundle is built from the tree."""
    [app] = [c for c in COMPONENTS if c.name == "Resource Reader"]
    assert app.files == (licences.APP_LICENCE,)
    copy = licences.LICENCES_DIR / licences.APP_LICENCE
    assert copy.read_bytes() == (REPO / "LICENSE").read_bytes()
    assert PYPROJECT["project"]["license"] == app.spdx


def test_every_runtime_dependency_has_an_entry_with_its_version_range() -> None:
    for requirement in runtime_dependencies():
        component = BY_DISTRIBUTION.get(canonicalize_name(requirement.name))
        assert component is not None, f"{requirement.name} is not in the licence index"
        assert SpecifierSet(component.version) == requirement.specifier, requirement.name


def test_what_the_dependencies_pull_in_has_an_entry_too() -> None:
    """Every installed distribution the app's dependencies require, all the way down."""
    seen: set[str] = set()
    todo = [r.name for r in runtime_dependencies()]
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            pytest.fail(f"{name} is not installed, so what it pulls in cannot be checked")
        for spec in requires:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    assert seen - set(BY_DISTRIBUTION) == set()


def test_texts_match_the_installed_distributions() -> None:
    """Where the index names the text inside a distribution and that distribution is
    installed, the shipped copy is the same text (an upgrade that changed it shows here)."""
    compared = 0
    for component in COMPONENTS:
        if not component.dist_files:
            continue
        try:
            dist = metadata.distribution(component.distribution)
        except metadata.PackageNotFoundError:
            continue  # PyInstaller, outside a bundle-building environment
        # dist_files are the first of the component's files (then come texts of our own).
        for dist_file, path in zip(component.dist_files, component.paths(), strict=False):
            theirs = dist.read_text(dist_file)
            assert theirs is not None, f"{component.distribution} has no {dist_file}"
            assert path.read_text(encoding="utf-8") == theirs, path.name
            compared += 1
    assert compared >= 6


def test_full_text_is_header_and_texts() -> None:
    [whoosh] = [c for c in COMPONENTS if c.name == "Whoosh-Reloaded"]
    text = whoosh.full_text()
    assert text.startswith("Whoosh-Reloaded\nLicence: BSD-2-Clause-Views")
    assert "Copyright 2011 Matt Chaput. All rights reserved." in text


def test_installed_version_reads_metadata() -> None:
    assert licences.installed_version("no-such-distribution", "platformdirs") == metadata.version(
        "platformdirs"
    )
    assert licences.installed_version("no-such-distribution") is None


def test_spdx_ids_agree_with_the_installed_metadata() -> None:
    """Where a distribution states an SPDX expression itself, the index says the same."""
    for name, component in BY_DISTRIBUTION.items():
        try:
            meta = metadata.metadata(name)
        except metadata.PackageNotFoundError:
            continue
        stated = meta.get("License-Expression")
        if stated:
            assert stated == component.spdx, name
