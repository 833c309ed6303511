print(GREETING)
