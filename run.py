"""Entry point.

``python run.py`` serves Skillgap on http://127.0.0.1:5000 (``PORT`` and
``HOST`` override). On the embedded SQLite database it first brings the
schema up to date and, on an empty database, creates the demo organisation
(unless ``SKILLGAP_DEMO=0``) and prints its sign-in details once.

``flask --app run ...`` and ``gunicorn run:app`` import ``app`` from here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# platform/ is a source folder, not a package (see README): put it on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent / "platform"))

from skillgap import create_app
from skillgap.config import ConfigError
from skillgap.migrate import SchemaNotCurrentError


def main() -> None:
    # Only `python run.py` prepares the embedded database (and needs Alembic).
    from skillgap.startup import StartupError, prepare_embedded_database

    try:
        prepare_embedded_database()
        app = create_app()
    except (StartupError, ConfigError) as error:
        sys.exit(f"Skillgap cannot start: {error}")
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    print(f"Skillgap is running on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    app.run(host=host, port=port, debug=False, use_reloader=False)


if __name__ == "__main__":
    main()
else:
    try:
        app = create_app()
    except (SchemaNotCurrentError, ConfigError) as error:
        sys.exit(f"Skillgap cannot start: {error}")
