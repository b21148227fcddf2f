"""Every path the repository names (in its documents, comments and docstrings) exists in it: a
reference to a file that was moved or never committed misleads whoever follows it."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Paths written from the repository's root, to files of a kind the repository holds.
PATH = re.compile(
    r"(?<![\w./-])((?:[a-z_]+/)+[A-Za-z0-9_.-]+\.(?:py|md|html|txt|toml|conf|service|sh|json|js|css))"
)
# Where a name is looked up: the root, and the template and static folders (a template named
# "insiden/list.html" lives in templates/ or in an app's templates/).
BASES = [ROOT, ROOT / "templates", ROOT / "static", *ROOT.glob("*/templates")]
# Made by running something (`make bench` writes its reports under var/).
GENERATED = ("var/",)


def _tracked() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [
        name
        for name in listed
        if name.endswith((".md", ".py", ".sh", ".toml")) or name == "Makefile"
    ]


def test_every_path_named_from_the_root_exists():
    tracked = _tracked()
    top = {name.split("/", 1)[0] for name in tracked if "/" in name}
    missing = []
    for name in tracked:
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        for match in PATH.finditer(text):
            path = match.group(1)
            if path.split("/", 1)[0] not in top or path.startswith(GENERATED):
                continue  # relative to an app or a template folder, not to the root
            if not any((base / path).exists() for base in BASES):
                missing.append(f"{name}: {path}")
    assert missing == []
