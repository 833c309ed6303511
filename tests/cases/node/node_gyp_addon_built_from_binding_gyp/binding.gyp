{ 'targets': [ { 'target_name': 'fetch', 'sources': [ 'fetch.cc' ], 'libraries': [ '-lcurl' ] } ] }
