import mimetypes
print(mimetypes.guess_type("notes.org"))
