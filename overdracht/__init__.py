"""The running service: settings, the command line, the worker process and the development stack."""
