"""The house matches its map (docs/design.md, "Module map"): the rules marked there are checked
here against the source, by reading the imports and calls of every module."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

from helpers import REPO

PACKAGE = REPO / "src" / "plancheck"
DESIGN = (REPO / "docs" / "design.md").read_text(encoding="utf-8")


def _name(path: Path) -> str:
    """``checks/audit.py`` → ``checks.audit``; a package's ``__init__.py`` is the package."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(module: str) -> set[str]:
    """The plancheck modules ``module`` imports, at its top or inside a function alike."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "plancheck":
            base = node.module.removeprefix("plancheck").lstrip(".")
            for alias in node.names:
                sub = f"{base}.{alias.name}" if base else alias.name
                found.add(sub if sub in MODULES else base)
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("plancheck.") for a in node.names if a.name.startswith("plancheck."))
    return {m for m in found if m in MODULES and m != module}


GRAPH = {module: _imports(module) for module in MODULES}


def test_the_import_reader_sees_known_edges():
    """A reader that saw no imports would pass every rule below."""
    assert "pipeline" in GRAPH["executor"] and "workers" in GRAPH["executor"]
    assert "results" in GRAPH["reporters.comparison"] and "checks" in GRAPH["code_registry"]


def test_no_module_imports_one_that_imports_it_back():
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        for other in sorted(GRAPH[module]):
            if other in path:
                cycles.append(path[path.index(other):] + [other])
            elif other not in done:
                visit(other, path + [other])
        done.add(module)

    done: set[str] = set()
    for module in sorted(GRAPH):
        if module not in done:
            visit(module, [module])
    assert cycles == []


def test_reporters_depend_on_results_not_on_the_run():
    run_side = {"pipeline", "executor", "workers", "cli", "run", "lookups", "setup", "policy", "process", "options"}
    leaks = {m: sorted(GRAPH[m] & run_side) for m in MODULES if m.startswith("reporters")}
    assert {m: bad for m, bad in leaks.items() if bad} == {}


def test_only_the_executor_imports_the_workers():
    assert sorted(m for m, imported in GRAPH.items() if "workers" in imported) == ["executor"]


def _finding_calls(module: str) -> list[ast.Call]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "Finding"]


def test_no_check_attaches_a_severity():
    checks = [m for m in MODULES if m.startswith("checks.")]
    assert len(checks) == 6
    attached = []
    for module in checks:
        calls = _finding_calls(module)
        assert calls, module
        attached += [f"{module}:{c.lineno}" for c in calls if any(k.arg == "severity" for k in c.keywords)]
        tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
        attached += [f"{module}:{n.lineno}" for n in ast.walk(tree) if isinstance(n, ast.Attribute)
                     and n.attr == "severity" and isinstance(n.ctx, ast.Store)]
    assert attached == []


def test_every_code_a_check_emits_is_documented_by_its_family():
    """A family documents the codes it yields (``CODES``), so ``explain`` and the registry know
    them; a code yielded by name or literal that its family does not list is a gap."""
    from plancheck.checks import FAMILIES

    assert {f.__name__.removeprefix("plancheck.") for f in FAMILIES} == {m for m in MODULES if m.startswith("checks.")}
    for family in FAMILIES:
        documented = {c.code for c in family.CODES}
        module = family.__name__.removeprefix("plancheck.")
        for call in _finding_calls(module):
            first = call.args[0]
            code = first.value if isinstance(first, ast.Constant) else getattr(family, getattr(first, "id", ""), None)
            if isinstance(code, str):
                assert code in documented, f"{module}:{call.lineno} yields {code}, not in its CODES"


def test_the_registry_holds_every_family_code_once():
    from plancheck.checks import FAMILIES
    from plancheck.code_registry import all_codes
    from plancheck.codes import LOAD_CODES
    from plancheck.waivers import CODES as WAIVER_CODES

    listed = [c.code for c in LOAD_CODES] + [c.code for f in FAMILIES for c in f.CODES] + [c.code for c in WAIVER_CODES]
    assert len(listed) == len(set(listed)) and set(all_codes()) == set(listed)


def test_the_command_line_is_thin():
    lines = MODULES["cli"].read_text(encoding="utf-8").count("\n")
    assert lines <= 290  # twelve commands: typer declares each one's options
    assert GRAPH["cli"] <= {"", "run", "drafting", "lookups", "options", "policy", "failures", "process",
                            "reporters.formats"}  # "": __version__


def _map_rows() -> list[str]:
    section = DESIGN.split("### Module map", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| layer")]


def test_the_module_map_names_every_module():
    named = set()
    for row in _map_rows():
        module_cell = row.split("|")[2]
        named.update(re.findall(r"`([\w/*]+)`", module_cell))
    assert len(named) > 30
    unnamed = []
    for module in MODULES:
        top = module.split(".")[0]
        if module in ("", "__main__"):  # the package itself; __main__ is named as written
            continue
        if module.replace(".", "/") not in named and f"{top}/*" not in named and module not in named:
            unnamed.append(module)
    assert unnamed == []
    assert "__main__" in named


def test_modules_stay_small_unless_the_design_says_why():
    excepted = set(re.findall(r"except `(\w+)`.*?and `(\w+)`", DESIGN.split("### Module map", 1)[1], re.S)[0])
    assert excepted == {"loader", "workers"}
    large = {m: MODULES[m].read_text(encoding="utf-8").count("\n") for m in MODULES}
    assert {m: n for m, n in large.items() if n > 400 and m not in excepted} == {}


def test_every_module_imports_on_its_own():
    """Each module can be imported first, whatever was imported before: a cycle hidden by import
    order would fail here."""
    import subprocess
    import sys

    script = ("import importlib, sys\nfor name in sys.argv[1:]:\n"
              "    for loaded in [m for m in sys.modules if m.startswith('plancheck')]:\n"
              "        del sys.modules[loaded]\n"
              "    importlib.import_module(name)\n")
    names = [f"plancheck.{m}" if m else "plancheck" for m in sorted(MODULES) if m != "__main__"]
    done = subprocess.run([sys.executable, "-c", script, *names], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert importlib.import_module("plancheck.run").owned  # the run's guard is where the map says
