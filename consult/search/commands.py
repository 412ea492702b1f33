"""`consult search` commands."""
import click
from flask.cli import AppGroup

search_cli = AppGroup("search", help="search commands.")
