"""The repository as papershelf sees it: git's index, a snapshot of paths, and the
confinement every read and write goes through. The only package that runs git."""
