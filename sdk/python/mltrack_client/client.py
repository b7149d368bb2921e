"""The Client: builds events in MLtrack's schema (docs/event_schema.md) and hands them to a
background sender that batches, retries and flushes on exit."""

import time
import uuid

from .sender import Sender
from .tracking import LlmCall

# Every top-level field of event schema v1; anything else is refused here, as the server would.
EVENT_FIELDS = frozenset({
    "id", "ts", "experiment", "run_id", "session_id", "trace_id", "user", "team", "provider", "model",
    "operation", "endpoint", "status", "error_type", "http_status", "input_tokens", "output_tokens",
    "cached_input_tokens", "cache_write_tokens", "reasoning_tokens", "cost_usd", "latency_ms", "ttft_ms",
    "cache_hit", "streaming", "prompt_name", "prompt_version", "input_hash", "scores", "tags",
})
_OPERATIONS = frozenset({"chat", "completion", "embedding", "tool", "run", "other"})
_COUNTS = ("input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens", "reasoning_tokens")


class Client:
    """Logs events to one MLtrack server. Thread-safe: log from any thread.

    url: the server ("http://127.0.0.1:8080"); key: an API key sent as a Bearer token, or None.
    Events are sent in batches of up to `batch_size`, at least every `flush_interval` seconds; a
    batch that fails with a connection error, 429 or 5xx is retried up to `max_retries` times with
    exponential backoff from `backoff` seconds (honouring Retry-After). Events carry an `id`, so a
    retried batch is stored once. A batch the server refuses (other 4xx) is dropped and reported
    through `on_error` and `errors`. `flush()` waits for everything logged so far; the client
    flushes at interpreter exit.
    """

    def __init__(self, url="http://127.0.0.1:8080", key=None, *, experiment=None, batch_size=100,
                 flush_interval=1.0, max_retries=5, backoff=0.5, timeout=10.0, max_queue=100_000,
                 on_error=None):
        self.experiment = experiment
        self._sender = Sender(url.rstrip("/") + "/api/v1/events", key, batch_size=batch_size,
                              flush_interval=flush_interval, max_retries=max_retries, backoff=backoff,
                              timeout=timeout, max_queue=max_queue, on_error=on_error)

    @property
    def errors(self):
        """The SendErrors of batches that were dropped (refused, or out of retries)."""
        return list(self._sender.errors)

    def log_call(self, **fields):
        """Queues one event (schema v1 fields as keyword arguments) and returns its id.

        `ts` defaults to now, `id` to a fresh UUID, `experiment` to the client's. Raises
        ValueError for an unknown field or a value of the wrong type, before anything is queued.
        """
        event = {key: value for key, value in fields.items() if value is not None}
        unknown = sorted(set(event) - EVENT_FIELDS)
        if unknown:
            raise ValueError(f"unknown event field(s): {', '.join(unknown)}")
        _check(event)
        event.setdefault("id", uuid.uuid4().hex)
        event.setdefault("ts", int(time.time() * 1000))
        if self.experiment and "experiment" not in event:
            event["experiment"] = self.experiment
        self._sender.put(event)
        return event["id"]

    def track_llm(self, func=None, **fields):
        """Times a call and logs it: a context manager (`with client.track_llm(model=...) as call`)
        or a decorator (`@client.track_llm(model=...)`, also bare `@client.track_llm`). An
        exception becomes an error event (error_type = the exception's class) and is re-raised."""
        if func is not None and callable(func):
            return LlmCall(self, fields)(func)
        return LlmCall(self, fields)

    def flush(self, timeout=None):
        """Blocks until every event logged before the call is sent or dropped. True when done in time."""
        return self._sender.flush(timeout)

    def close(self, timeout=None):
        """Flushes and stops the sender; later log_call raises RuntimeError."""
        self._sender.close(timeout)


def _check(event):
    def fail(field, why):
        raise ValueError(f"event field {field!r}: {why}")

    for field in _COUNTS:
        if field in event and (not isinstance(event[field], int) or isinstance(event[field], bool) or event[field] < 0):
            fail(field, "must be a whole number >= 0")
    for field in ("cost_usd", "latency_ms", "ttft_ms"):
        if field in event and (isinstance(event[field], bool) or not isinstance(event[field], (int, float))
                               or event[field] < 0):
            fail(field, "must be a number >= 0")
    for field in ("cache_hit", "streaming"):
        if field in event and not isinstance(event[field], bool):
            fail(field, "must be true or false")
    if "operation" in event and event["operation"] not in _OPERATIONS:
        fail("operation", f"must be one of {', '.join(sorted(_OPERATIONS))}")
    if "status" in event and event["status"] not in ("ok", "error"):
        fail("status", "must be 'ok' or 'error'")
    if "tags" in event:
        if not isinstance(event["tags"], dict):
            fail("tags", "must be a dict of str to str")
        event["tags"] = {str(key): str(value) for key, value in event["tags"].items()}
    if "scores" in event:
        if not isinstance(event["scores"], dict) or not all(
                isinstance(value, (int, float)) and not isinstance(value, bool) for value in event["scores"].values()):
            fail("scores", "must be a dict of str to number")
