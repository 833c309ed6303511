print(open('static/app.js').read())
