print(open('/root/.cache/models/model.txt').read().strip())
