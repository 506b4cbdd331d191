"""Entry point.

``python run.py`` serves Skillgap on http://127.0.0.1:5000 (``PORT`` and
``HOST`` override) with Waitress, a production WSGI server that runs wherever
Python does (``THREADS`` request threads, default 8; gunicorn, for Linux
deployments, is in the README). On the embedded SQLite database it first brings the
schema up to date and, on an empty database, creates the demo organisation
(unless ``SKILLGAP_DEMO=0``) and prints its sign-in details once.

``flask --app run ...`` and ``gunicorn run:app`` import ``app`` from here.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

# platform/ is a source folder, not a package (see README): put it on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent / "platform"))

from skillgap import create_app
from skillgap.config import ConfigError
from skillgap.migrate import SchemaNotCurrentError


def _whole_number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) < 1:
        sys.exit(f"Skillgap cannot start: {name}={value!r} is not a whole number above 0")
    return int(value)


def _keep_start_up_objects() -> None:
    """Move what start-up built (modules, models, routes, compiled templates) out
    of the garbage collector's sight: it lives as long as the process, so full
    collections during requests need not walk it, a forked worker does not copy
    its pages by touching their GC headers, and exit does not collect it (every
    `flask --app run` command ends about 130 ms sooner). Only the entry point
    does this: tests build many apps, and freezing each would keep them all."""
    gc.freeze()


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = _whole_number("PORT", 5000)
    threads = _whole_number("THREADS", 8)
    # Only `python run.py` prepares the embedded database (and needs Alembic).
    from skillgap.startup import StartupError, prepare_embedded_database

    try:
        prepare_embedded_database()
        app = create_app()
    except (StartupError, ConfigError) as error:
        sys.exit(f"Skillgap cannot start: {error}")
    from waitress import serve

    _keep_start_up_objects()
    print(f"Skillgap is running on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        # _quiet: the line above replaces Waitress's own "Serving on" line.
        serve(app, host=host, port=port, threads=threads, ident="Skillgap", _quiet=True)
    except KeyboardInterrupt:
        print("Skillgap stopped.", flush=True)


if __name__ == "__main__":
    main()
else:
    try:
        app = create_app()
    except (SchemaNotCurrentError, ConfigError) as error:
        sys.exit(f"Skillgap cannot start: {error}")
    _keep_start_up_objects()
