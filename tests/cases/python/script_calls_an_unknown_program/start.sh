#!/bin/sh
migrate-db --all
exec python app.py
