"""Views of the intake feature."""
from flask import Blueprint

bp = Blueprint("intake", __name__, url_prefix="/intake")
