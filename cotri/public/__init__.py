"""Public face: the regional overview and the fiches territoriales (web and PDF)."""
