import pickle

from flask import Flask

app = Flask(__name__)
with open("model.pkl", "rb") as f:
    model = pickle.load(f)


@app.get("/")
def predict():
    return {"y": model.predict([[1.0, 2.0]]).tolist()}
