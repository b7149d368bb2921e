"""track_llm: time one LLM call and log it, as a context manager or a decorator."""

import functools
import time


class LlmCall:
    """One call being tracked. Set what the call reports with `set_usage` / `set`; on exit the
    event is logged with `latency_ms` measured (unless set), `ttft_ms` if `first_token()` was
    called, and `status: "error"` with `error_type` (the exception's class name) and
    `http_status` (from the exception's `status_code`, if any) when the block raised."""

    def __init__(self, client, fields):
        self._client = client
        self._defaults = dict(fields)
        self.fields = {}
        self._start = None
        self._first_token = None

    def set_usage(self, input_tokens=None, output_tokens=None, cached_input_tokens=None, cache_write_tokens=None,
                  reasoning_tokens=None):
        for key, value in (("input_tokens", input_tokens), ("output_tokens", output_tokens),
                           ("cached_input_tokens", cached_input_tokens), ("cache_write_tokens", cache_write_tokens),
                           ("reasoning_tokens", reasoning_tokens)):
            if value is not None:
                self.fields[key] = int(value)

    def set(self, **fields):
        self.fields.update(fields)

    def first_token(self):
        """Marks the first streamed token (time to first token)."""
        if self._first_token is None:
            self._first_token = time.perf_counter()

    def __enter__(self):
        self.fields = dict(self._defaults)
        self._start = time.perf_counter()
        self._first_token = None
        self._ts = int(time.time() * 1000)
        return self

    def __exit__(self, exc_type, exc, tb):
        self.finish(exc)
        return False

    def finish(self, exc=None):
        elapsed = (time.perf_counter() - self._start) * 1000.0
        event = dict(self.fields)
        event.setdefault("ts", self._ts)
        event.setdefault("latency_ms", round(elapsed, 3))
        if self._first_token is not None:
            event.setdefault("ttft_ms", round((self._first_token - self._start) * 1000.0, 3))
        if exc is not None:
            event["status"] = "error"
            event.setdefault("error_type", type(exc).__name__)
            status_code = getattr(exc, "status_code", None) or getattr(exc, "status", None)
            if isinstance(status_code, int):
                event.setdefault("http_status", status_code)
        self._client.log_call(**event)

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with LlmCall(self._client, self._defaults):
                return func(*args, **kwargs)
        return wrapper
