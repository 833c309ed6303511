import json, os
os.makedirs('generated', exist_ok=True)
with open('generated/info.json', 'w') as f:
    json.dump({'built': True}, f)
