"""Browser tests of the built website (make site-test); a package, so its conftest
does not shadow tests/conftest.py when both folders run in one pytest call."""
