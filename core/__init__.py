"""What both the API and the worker stand on: settings, the Temporal connection and payload codec, mail, logs."""
