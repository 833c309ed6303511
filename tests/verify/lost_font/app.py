FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

def render(text):
    # Only the report route draws text.
    return open(FONT, "rb").read(4), text

print("app")
