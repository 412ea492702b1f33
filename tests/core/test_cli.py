"""The `consult` command line as a whole: unknown draft ids, and a `--help` that stays light."""
from __future__ import annotations

import subprocess
import sys

import pytest

from consult.config import PROJECT_ROOT

SAMPLE = str(PROJECT_ROOT / "drafts" / "sample_comments.csv")

# Every command that takes a draft id, called with one that does not exist.
UNKNOWN_DRAFT = [
    ["drafts", "publish", "999", "--closes", "2099-01-01"],
    ["drafts", "close", "999"],
    ["drafts", "import", SAMPLE, "--draft", "999"],
    ["comments", "import", SAMPLE, "--draft", "999"],
    ["privacy", "purge", "--draft", "999"],
    ["search", "comments", "景区", "--draft", "999"],
    ["review", "duplicates", "999"],
    ["export", "summary", "999", "--out", "x.docx"],
    ["export", "feedback", "999", "--out", "x.docx"],
    ["export", "sheet", "999", "--out", "x.xlsx"],
]


@pytest.mark.parametrize("args", UNKNOWN_DRAFT, ids=lambda a: " ".join(a[:2]))
def test_an_unknown_draft_id_fails_in_one_line(runner, db, args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=args)
    assert result.exit_code == 1, result.output
    assert result.output.strip() == "Error: no draft with id 999"
    assert not list(tmp_path.iterdir())  # nothing written


def test_a_draft_id_that_is_not_a_number_fails_in_one_line(runner, db):
    result = runner.invoke(args=["review", "duplicates", "abc"])
    assert result.exit_code == 1 and result.output.strip() == "Error: not a draft id: abc"


# Libraries only the commands that use them may import: `consult --help` must not pay for them.
HEAVY = ("scipy", "numpy", "datasketch", "jieba", "whoosh", "docx", "openpyxl", "pygal", "lxml", "alembic",
         "sqlalchemy")


def test_help_does_not_import_heavy_libraries(tmp_path):
    code = ("import sys\n"
            "from consult.cli import main\n"
            "sys.argv = ['consult', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print('HEAVY:', *sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
           "SEARCH_INDEX_DIR": str(tmp_path / "index")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=PROJECT_ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "drafts" in done.stdout  # the help listed the command groups
    imported = done.stdout.strip().splitlines()[-1].split()[1:]
    assert imported == [], f"imported by --help: {imported}"


def test_the_help_table_matches_the_commands_the_app_registers(app):
    """`consult --help` lists COMMANDS without the app; every real command is there with its own help."""
    import click
    from flask.cli import FlaskGroup, ScriptInfo

    from consult.cli import COMMANDS, main

    ctx = click.Context(main, obj=ScriptInfo(create_app=lambda: app))
    with ctx:
        names = FlaskGroup.list_commands(main, ctx)
        real = {name: main.get_command(ctx, name).get_short_help_str(limit=10_000) for name in names}
    assert COMMANDS == real


def test_help_lists_every_command(runner):
    from consult.cli import COMMANDS, main

    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.split("Commands:")[1].strip().splitlines()]
    assert listed == sorted(COMMANDS)
