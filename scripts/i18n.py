"""Maintain the interface catalogues: `python scripts/i18n.py update` extracts
messages from code and templates and merges them into ja and en; `missing`
lists messages still without a Japanese translation."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "assess" / "locale"
PYBABEL = str(Path(sys.executable).with_name("pybabel"))


def update() -> None:
    pot = LOCALE / "messages.pot"
    subprocess.run(
        [
            PYBABEL,
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "_",
            "--no-location",
            "--omit-header",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    subprocess.run(
        [
            PYBABEL,
            "update",
            "-i",
            str(pot),
            "-d",
            str(LOCALE),
            "--no-wrap",
            "--ignore-obsolete",
            "--no-fuzzy-matching",
        ],
        cwd=ROOT,
        check=True,
    )


def missing() -> int:
    with (LOCALE / "ja" / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        catalog = read_po(fp)
    gaps = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    for gap in gaps:
        print(gap)
    return 1 if gaps else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "missing"
    sys.exit(update() or 0 if command == "update" else missing())
