"""The web dashboard: the same loop as the CLI, in a browser, through the same feature functions.

`learnloop serve` builds the app with :func:`learnloop.web.app.create_app`. Nothing in this package
decides anything about the loop; routes parse a form, call one feature function, and render.
"""
