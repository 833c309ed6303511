with open('seed.json', 'w') as f:
    f.write('{}')
