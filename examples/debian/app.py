"""A Flask app on Debian's own Python, with psycopg2 compiled against libpq."""
import psycopg2
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return f"Hello Docker from Debian (libpq {psycopg2.__libpq_version__})"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000)
