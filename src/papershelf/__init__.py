"""papershelf: keep a study repository in the shape its reading plan promises."""

__version__ = "0.1.0.dev0"
