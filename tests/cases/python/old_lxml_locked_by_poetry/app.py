import lxml.etree
print(lxml.etree.fromstring("<a>1</a>").text)
