"""`kb` subcommands, one module each; they call library functions and raise KbError."""
