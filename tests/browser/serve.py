"""Serve the app for the browser tests in its own process: `python -m tests.browser.serve PORT`.

The configuration comes as JSON in the CONSULT_BROWSER_CONFIG environment variable (the same mapping the
test process uses on the same database), so the server neither inherits pytest's warning filters nor
shares its threads.
"""
from __future__ import annotations

import json
import os
import sys


def main() -> None:
    """Build the app from the JSON configuration and serve it with werkzeug (threaded) on 127.0.0.1:PORT."""
    from werkzeug.serving import make_server

    from consult import create_app

    port = int(sys.argv[1])
    app = create_app(json.loads(os.environ["CONSULT_BROWSER_CONFIG"]))
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


if __name__ == "__main__":
    main()
