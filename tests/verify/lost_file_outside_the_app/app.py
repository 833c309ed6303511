print("the build file is read on one route only")
