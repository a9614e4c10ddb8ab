"""The ledger sits below the features: it imports none of them, so every feature (and the
office above them all) can record to the audit log and convert prices without a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import marketplace.ledger

# What the ledger may import from the project: the bottom layer, and the accounts' models for
# the type of an audit entry's actor.
ALLOWED = {
    "marketplace.db",
    "marketplace.errors",
    "marketplace.i18n",
    "marketplace.money",
    "marketplace.accounts.models",
}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("marketplace")}


def test_the_ledger_imports_no_feature_package() -> None:
    package = Path(marketplace.ledger.__file__).parent
    modules = sorted(package.glob("*.py"))
    assert modules
    outside = {
        f"{path.name}: {name}"
        for path in modules
        for name in _imports(path)
        if not name.startswith("marketplace.ledger") and name not in ALLOWED
    }
    assert sorted(outside) == []
