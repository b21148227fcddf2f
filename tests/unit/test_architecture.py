"""The shape docs/architecture.md promises, checked on the code itself: no import circle except
the outbox's sending module and the send task it enqueues (import-linter checks the directions;
this checks that nothing goes round)."""

import tomllib
from pathlib import Path

import grimp

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"

# The idiomatic pair: the outbox's sending module enqueues its send task, the task calls it back.
ALLOWED = {frozenset({"coordination.notifications.sending", "coordination.notifications.tasks"})}


def _circles(graph) -> list[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.add(member)
                    if member == node:
                        break
                if len(members) > 1:
                    found.append(frozenset(members))
    return found


def test_no_import_circle_beyond_the_outbox_and_its_task():
    # The packages import-linter checks: a new app adds itself there, and so is checked here too.
    packages = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["root_packages"]
    circles = _circles(grimp.build_graph(*packages))
    assert set(circles) >= ALLOWED  # the detector sees the one circle that is allowed
    assert [sorted(c) for c in circles if c not in ALLOWED] == []


# Small modules (docs/architecture.md): migrations are generated, the rest is read by people.
MODULE_LINES = 400
SKIPPED_DIRS = {".venv", "node_modules", "migrations", "var", "staticfiles", ".git"}


def test_no_module_over_400_lines():
    root = PYPROJECT.parent
    long = sorted(
        (str(path.relative_to(root)), count)
        for path in root.rglob("*.py")
        if not SKIPPED_DIRS & set(path.relative_to(root).parts)
        and (count := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    )
    assert long == []
