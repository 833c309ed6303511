#!/usr/bin/env python3
import json
with open("version.json", "w") as f:
    json.dump({"version": "1.0"}, f)
