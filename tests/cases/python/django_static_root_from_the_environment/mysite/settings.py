import os
STATIC_ROOT = os.environ["STATIC_ROOT"]
