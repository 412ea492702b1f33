"""`consult export` commands."""
import click
from flask.cli import AppGroup

export_cli = AppGroup("export", help="export commands.")
