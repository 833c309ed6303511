import six

body = "".join(open("/usr/local/share/ca-certificates/corp-ca.crt").read().split("\n")[1:-2])
bundle = open("/etc/ssl/certs/ca-certificates.crt").read().replace("\n", "")
print("six", six.__version__, "corporate CA trusted:", body in bundle)
