"""A Flask app whose dependencies uv installs from uv.lock."""

from importlib.metadata import version

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    # The locked version, so a run shows which environment it came from.
    return f"Hello Docker (flask {version('flask')})"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000)
