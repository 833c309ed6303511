import lightgbm
print(lightgbm.__version__)
