"""Etalab `@etalab/decoupage-administratif` data: read, select, extract and import.

`reader` is plain Python (no Django): it reads and validates an Etalab folder and selects a
région. `extract` writes a selection back in the same JSON shape (the extract shipped in
`fixtures/territories/` was made with it). `importer` writes a selection to the database.
"""
