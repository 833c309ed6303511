print(open('seed.json').read())
