"""The fault suite: the service as separate processes (PostgreSQL, the Temporal dev server, workers, the
API's processes, a real SMTP server), clients taking steps over HTTP while one piece is killed, and then
the proof that every answer told the truth:

- no 500, and every 503 resolved to its real outcome by repeating the request with its Idempotency-Key;
- no step lost: every child's overdracht reached the stage its accepted steps lead to;
- none duplicated: each step once in its timeline, each message at most once in the mailbox, each row
  of an import once;
- the read model equal to each workflow's own state afterwards.

`stack.py` runs the pieces, `load.py` the clients, `checks.py` the proof, `scenarios.py` the faults;
`python -m tests.faults.run` (`make faults`) runs them all at full size and prints the figures
(docs/reliability.md); tests/test_faults.py runs them shortened in `make test`."""
