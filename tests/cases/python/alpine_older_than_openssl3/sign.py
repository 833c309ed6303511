from cryptography.hazmat.primitives import hashes

print(hashes.SHA256().name)
