"""`consult comments` and `consult privacy` commands."""
from flask.cli import AppGroup

comments_cli = AppGroup("comments", help="Comments: import from spreadsheets.")
privacy_cli = AppGroup("privacy", help="Personal information: purge contact details.")
