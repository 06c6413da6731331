"""Errors a user can fix; the CLI prints them without a traceback."""


class UserError(Exception):
    """Bad input or usage: the message says what is wrong and what to do."""

    exit_code = 2
