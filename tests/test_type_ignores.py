"""Every `# type: ignore` names the error it silences and says why. mypy itself refuses one without an
error code (`ignore-without-code`) and one that silences nothing (`warn_unused_ignores`); this test
asks for the reason: a comment right after it, `# type: ignore[code]  # why`."""

import io
import re
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The folders mypy checks (pyproject.toml).
CHECKED: list[str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"]
IGNORE = re.compile(r"#\s*type:\s*ignore\b")
WITH_REASON = re.compile(r"#\s*type:\s*ignore\[[\w-]+(?:,\s*[\w-]+)*\]\s+#\s*\S")


def ignores() -> list[tuple[str, str]]:
    """(file:line, comment) of every `# type: ignore` in a checked file (comments only, not strings)."""
    found = []
    for folder in CHECKED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
                if token.type == tokenize.COMMENT and IGNORE.search(token.string):
                    found.append((f"{path.relative_to(ROOT)}:{token.start[0]}", token.string))
    return found


def test_the_rule_reads_as_written() -> None:
    assert WITH_REASON.search("# type: ignore[method-assign]  # FastAPI's way to replace openapi()")
    assert WITH_REASON.search("# type: ignore[arg-type, misc]  # why")
    assert not WITH_REASON.search("# type: ignore[method-assign]")
    assert not WITH_REASON.search("# type: ignore  # why")


def test_every_type_ignore_names_its_error_and_a_reason() -> None:
    bare = [f"{where}: {comment}" for where, comment in ignores() if not WITH_REASON.search(comment)]
    assert not bare, "write `# type: ignore[code]  # why`:\n" + "\n".join(bare)
