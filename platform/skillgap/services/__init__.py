"""Plain functions over a session: the logic behind the views and CLI."""
