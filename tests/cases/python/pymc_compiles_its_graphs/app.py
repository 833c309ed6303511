import pymc as pm
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def fit():
    with pm.Model():
        mu = pm.Normal("mu", 0, 1)
        pm.Normal("obs", mu, 1, observed=[0.1, -0.3, 0.2])
        trace = pm.sample(200, tune=200, chains=1, progressbar=False)
    return {"mu": float(trace.posterior["mu"].mean())}
