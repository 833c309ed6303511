import torch
from fastapi import FastAPI

app = FastAPI()
model = torch.nn.Linear(4, 1)


@app.get("/")
def predict():
    with torch.no_grad():
        return {"y": model(torch.ones(4)).item()}
