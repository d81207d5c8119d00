"""Reporters: every byte plancheck prints is produced here.

Each reporter turns a result object into text. Reporters that need rich or
jinja2 import them inside their functions, so commands that print plain text
never pay for those imports.
"""
