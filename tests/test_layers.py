"""The package's layout is its architecture: imports flow one way (content → site → outputs → publish), and only
the pipeline, the preview and the command line's first question consult the speed layer."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "vitrine"
BOTTOM = {"errors", "files", "options", "engine", "stopping"}  # every layer may use these: standard library only
MAY_IMPORT = {  # package → the packages its modules may import at run time (type hints aside)
    "content": {"content"},
    "site": {"content", "site"},
    "outputs": {"content", "site", "outputs", "publish"},
    "publish": {"publish"},
    "speed": {"content", "site", "outputs", "publish", "speed"},
    "preview": {"content", "site", "outputs", "publish", "speed", "pipeline", "preview"},  # a command, on top
    "tools": {"content", "site", "outputs", "tools"},
}
# cli.py asks speed/record.py whether anything changed before the stages are even imported (the no-change path).
MAY_IMPORT_SPEED = {"pipeline.py", "cli.py"}


def runtime_imports(path: Path) -> set[str]:
    """The vitrine modules ``path`` imports, but those under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text("utf-8"))
    hidden = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
              and ast.unparse(block.test) == "TYPE_CHECKING" for child in block.body for node in ast.walk(child)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("vitrine"):
            found.update(f"{node.module}.{a.name}" if node.module.count(".") < 2 and
                         (PACKAGE / node.module.split(".", 1)[-1] / a.name).with_suffix(".py").exists()
                         else node.module for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("vitrine"))
    return found


def layer(module: str) -> str:
    """``vitrine.site.render`` → ``site``; ``vitrine.pipeline`` → ``pipeline``."""
    return module.split(".")[1] if module.count(".") else module


def test_imports_flow_one_way() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        package = path.relative_to(PACKAGE).parts[0]
        if package not in MAY_IMPORT:
            continue
        for module in runtime_imports(path):
            target = layer(module)
            if target not in BOTTOM and target not in MAY_IMPORT[package]:
                wrong.append(f"{path.relative_to(REPO)} imports {module}")
    assert not wrong, wrong


def test_only_the_pipeline_and_the_preview_consult_the_speed_layer() -> None:
    consulting = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
                  if any(layer(m) == "speed" for m in runtime_imports(path))}
    assert {p for p in consulting if not p.startswith(("speed/", "preview/"))} <= MAY_IMPORT_SPEED


def test_no_module_passes_300_lines_without_saying_why_at_its_top() -> None:
    modules = sorted(PACKAGE.rglob("*.py")) + [REPO / "build.py"]  # the engine, not its tests or benchmarks
    long = [path.relative_to(REPO).as_posix() for path in modules
            if len(path.read_text("utf-8").splitlines()) > 300
            and "over 300 lines:" not in "\n".join(path.read_text("utf-8").splitlines()[:12])]
    assert not long, long


def test_model_classes_carry_no_pickling() -> None:
    model = (PACKAGE / "content" / "model.py").read_text("utf-8")
    assert not any(hook in model for hook in ("__getstate__", "__setstate__", "__reduce__", "__getattr__"))
