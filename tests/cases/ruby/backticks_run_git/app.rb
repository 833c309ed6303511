puts `git --version`
