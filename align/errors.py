"""Errors a user can act on: the CLI prints them as one line and exits with code 2."""


class InputError(Exception):
    """Bad input (missing, empty, undecodable file, wrong language...).

    The message is a complete sentence naming the file; no traceback is shown.
    """
