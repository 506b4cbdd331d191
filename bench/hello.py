"""The ceiling for bench/load.py: a Flask hello-world on the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
