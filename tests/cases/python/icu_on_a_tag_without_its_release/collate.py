import icu

print(icu.Collator.createInstance(icu.Locale("de_DE")))
