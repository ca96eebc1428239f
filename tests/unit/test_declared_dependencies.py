"""Every package imports only what its own dependencies bring.

The development environment holds every package of the workspace, so a module that
imports a library its package does not declare works here and fails in the package's
own container (it happened: invoice_shared imported httpx without declaring it). This
reads each package's imports and checks each one against the closure of its declared
requirements."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_WORKSPACE = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]
MANIFESTS = sorted(
    manifest
    for pattern in _WORKSPACE["members"]
    for manifest in REPO.glob(f"{pattern}/pyproject.toml")
)


def _project(manifest: Path) -> dict[str, object]:
    project: dict[str, object] = tomllib.loads(manifest.read_text())["project"]
    return project


def _modules(manifest: Path) -> set[str]:
    return {path.name for path in (manifest.parent / "src").iterdir() if path.is_dir()}


# Workspace packages are installed editable, which packages_distributions() cannot see.
_WORKSPACE_MODULES = {
    module: str(_project(m)["name"]).lower() for m in MANIFESTS for module in _modules(m)
}


def _name(requirement: str) -> str:
    return re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0].lower().replace("_", "-")


@cache
def _closure(distribution: str) -> frozenset[str]:
    """The distribution and everything it requires, by name (extras left out)."""
    seen = {distribution}
    try:
        requires = metadata.requires(distribution) or []
    except metadata.PackageNotFoundError:
        return frozenset(seen)
    for requirement in requires:
        if "extra ==" in requirement:
            continue
        seen |= _closure(_name(requirement))
    return frozenset(seen)


def _imports(source_dir: Path) -> set[str]:
    found: set[str] = set()
    for path in source_dir.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: str(p.parent.relative_to(REPO)))
def test_a_packages_imports_come_from_its_declared_dependencies(manifest: Path) -> None:
    name = str(_project(manifest)["name"]).lower()
    allowed = _closure(name)
    providers = metadata.packages_distributions()
    missing = {}
    for module in sorted(_imports(manifest.parent / "src") - _modules(manifest)):
        if module in sys.stdlib_module_names or module == "__future__":
            continue
        names = {d.lower().replace("_", "-") for d in providers.get(module, [])}
        if module in _WORKSPACE_MODULES:
            names = {_WORKSPACE_MODULES[module]}
        if not names & allowed:
            missing[module] = sorted(names)
    assert not missing, f"{name} imports modules it does not declare: {missing}"
