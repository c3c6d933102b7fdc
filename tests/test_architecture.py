"""The rules that keep the shape: pure logic never imports the web or the database."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PURE = [
    *sorted((ROOT / "assess" / "questionnaire").glob("*.py")),
    ROOT / "assess" / "scoring.py",
    ROOT / "assess" / "sdg_profile.py",
    ROOT / "assess" / "practices.py",
    ROOT / "assess" / "explain.py",
    ROOT / "assess" / "errors.py",
]
FORBIDDEN = ("assess.web", "assess.pdf", "assess.db", "assess.models", "sqlmodel", "sqlalchemy", "fastapi", "starlette", "weasyprint")


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_pure_logic_imports_no_web_or_database():
    for path in PURE:
        bad = [name for name in imports(path) if name.startswith(FORBIDDEN)]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_sdg_map_never_imports_assess():
    for path in (ROOT / "sdg_map").rglob("*.py"):
        assert not [n for n in imports(path) if n.startswith("assess")], path


def test_modules_stay_small():
    for path in (ROOT / "assess").rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 420, f"{path.relative_to(ROOT)} has {lines} lines: split it"
