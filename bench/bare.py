"""The baseline of `bench.load`: a Flask app with one route returning a short string, served by
the same gunicorn settings as the marketplace. Every page's throughput is given as a share of
this route's, measured in the same run, so that a busy machine shifts both alike."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
