import tkinter
print(tkinter.TkVersion)
