"""The plan's views: text, JSON and markdown, the README block, the HTML page, the badge.

Each reads the same resolved plans, in one status order."""
