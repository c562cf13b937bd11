"""French formats, in and out: the one place where a number or a date becomes text and back.

- ``french.output``: what a user reads (« 1 234,5 », « 422 371 € », « 81,3 % », « 31/12/2023 »,
  « 30/11/2026 à 00:03 », years and codes never grouped), dates of instants in Europe/Paris;
- ``french.input``: what a user types or pastes (form fields, file imports), with the same
  separators the output prints.

Pure Python (no Django, no app): the rules, every app's core and every face may import it.
"""
