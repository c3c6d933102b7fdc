"""The shape of the code: the import contracts in pyproject.toml hold, they would
catch an import made through another module, and no module imports itself in a circle."""

from copy import deepcopy

import grimp
import pytest
from importlinter.api import read_configuration
from importlinter.application.use_cases import lint_imports
from importlinter.contracts.forbidden import ForbiddenContract

PURE_CORE = {"assess.definitions", "assess.questionnaire", "assess.scoring", "assess.presentation"}
DATABASE_WEB_PRINT = {
    "sqlalchemy",
    "sqlmodel",
    "fastapi",
    "starlette",
    "jinja2",
    "weasyprint",
    "assess.db",
    "assess.models",
}


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("assess", "sdg_map", include_external_packages=True)


def contract_options(name_start: str) -> tuple[dict, dict]:
    config = read_configuration()
    [options] = [c for c in config["contracts_options"] if c["name"].startswith(name_start)]
    return config["session_options"], options


def pure_core_contract() -> ForbiddenContract:
    session, options = contract_options("The pure core")
    return ForbiddenContract(name=options["name"], session_options=session, contract_options=options)


def test_every_contract_is_kept():
    assert lint_imports(no_logo=True, cache_dir=None), "lint-imports reports a broken contract (see above)"


def test_the_pure_core_contract_covers_the_core_and_forbids_database_web_and_print():
    _, options = contract_options("The pure core")
    assert set(options["source_modules"]) == PURE_CORE
    assert {"assess.services", *DATABASE_WEB_PRINT} <= set(options["forbidden_modules"])
    assert str(options.get("allow_indirect_imports", False)).lower() == "false"  # chains count too


@pytest.mark.parametrize(
    "chain",
    [
        [("assess.scoring.engine", "assess.i18n"), ("assess.i18n", "sqlalchemy")],
        [("assess.questionnaire.model", "assess.vocab"), ("assess.vocab", "assess.services.audit")],
        [("assess.presentation.charts", "sdg_map"), ("sdg_map", "jinja2")],
    ],
    ids=[
        "scoring-via-i18n-to-sqlalchemy",
        "questionnaire-via-vocab-to-services",
        "presentation-via-sdg_map-to-jinja",
    ],
)
def test_the_pure_core_contract_catches_an_import_through_another_module(graph, chain):
    contract = pure_core_contract()
    assert contract.check(deepcopy(graph), verbose=False).kept
    changed = deepcopy(graph)
    for importer, imported in chain:
        changed.add_import(importer=importer, imported=imported)
    assert not contract.check(changed, verbose=False).kept


def test_no_module_imports_itself_in_a_circle(graph):
    modules = sorted(m for m in graph.modules if m.startswith(("assess", "sdg_map")))
    cycles = [group for group in strongly_connected(modules, graph) if len(group) > 1]
    assert not cycles, f"import cycles: {cycles}"


def strongly_connected(modules: list[str], graph) -> list[list[str]]:
    """Tarjan's algorithm over the modules' direct imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    inside = set(modules)

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.find_modules_directly_imported_by(node) & inside:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            groups.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return groups
