"""Content: files -> validated specs -> database; Markdown -> safe HTML."""
