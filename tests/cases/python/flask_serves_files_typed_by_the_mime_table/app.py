from flask import Flask
app = Flask(__name__)

@app.get("/")
def index():
    return '<link rel="preload" href="/static/font.woff2">'

app.run(host="0.0.0.0", port=8000)
