"""An API process keeps its start-up objects out of the garbage collector's walks (core/heap.py): a full
collection over them took up to 700 ms in the middle of a request (docs/performance.md)."""

import gc

import pytest

import api.app


def test_an_api_process_freezes_what_it_built_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERDRACHT_ENVIRONMENT", "test")
    # Not this process's logging: the suite's own handlers stay.
    monkeypatch.setattr(api.app, "configure_logging", lambda settings: None)
    gc.unfreeze()
    try:
        api.app.create_app_from_env()
        # Every module, model and route alive then: far more than a handful.
        assert gc.get_freeze_count() > 50_000
    finally:
        gc.unfreeze()  # the test process collects as usual
