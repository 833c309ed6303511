import ahocorasick

print(ahocorasick.Automaton())
