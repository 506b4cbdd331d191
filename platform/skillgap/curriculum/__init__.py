"""The curriculum as the application holds it: the in-memory snapshot every page
reads (snapshot.py), the versions that say when cached data is stale
(versions.py), and the writers over a session: importer, exporter, authoring
and revisions. File formats themselves live in ``skillgap.content``."""
