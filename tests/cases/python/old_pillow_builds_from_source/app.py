from PIL import Image, features

print("jpeg", features.check("jpg"), Image.new("RGB", (2, 2)).size)
