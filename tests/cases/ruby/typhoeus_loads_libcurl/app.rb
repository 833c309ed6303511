require 'typhoeus'
puts Typhoeus.get('http://127.0.0.1:1/').code
