"""Views of the exports feature."""
from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/exports")
