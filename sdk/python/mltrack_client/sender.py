"""The background sender: a queue drained by one daemon thread that POSTs JSON batches to
/api/v1/events, retries transient failures with exponential backoff, and flushes at exit."""

import atexit
import json
import random
import threading
import time
import urllib.error
import urllib.request
import weakref
from collections import deque


class SendError(Exception):
    """A batch that was not stored: `status` (HTTP status or None for a connection error),
    `body` (the server's answer), `events` (how many events were lost)."""

    def __init__(self, message, status=None, body="", events=0):
        super().__init__(message)
        self.status = status
        self.body = body
        self.events = events


_RETRIED = frozenset({408, 425, 429, 500, 502, 503, 504, 507})
_live_senders = weakref.WeakSet()


@atexit.register
def _flush_all_at_exit():
    for sender in list(_live_senders):
        sender.close(timeout=sender.timeout)


class Sender:
    def __init__(self, endpoint, key, *, batch_size, flush_interval, max_retries, backoff, timeout, max_queue,
                 on_error):
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.endpoint = endpoint
        self.timeout = timeout
        self.errors = []
        self._headers = {"Content-Type": "application/json", "User-Agent": "mltrack-client-python/0.1"}
        if key:
            self._headers["Authorization"] = "Bearer " + key
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._max_retries = max_retries
        self._backoff = backoff
        self._max_queue = max_queue
        self._on_error = on_error
        self._queue = deque()
        self._in_flight = 0
        self._cond = threading.Condition()
        self._flush_requested = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="mltrack-sender", daemon=True)
        self._thread.start()
        _live_senders.add(self)

    def put(self, event):
        with self._cond:
            if self._closed:
                raise RuntimeError("the mltrack client is closed")
            if len(self._queue) >= self._max_queue:
                self._report(SendError(f"queue full ({self._max_queue} events): event dropped", events=1))
                return
            self._queue.append(event)
            if len(self._queue) >= self._batch_size:
                self._cond.notify_all()

    def flush(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._flush_requested = True
            self._cond.notify_all()
            while self._queue or self._in_flight:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    def close(self, timeout=None):
        done = self.flush(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)
        _live_senders.discard(self)
        return done

    def _run(self):
        while True:
            with self._cond:
                deadline = time.monotonic() + self._flush_interval
                while (len(self._queue) < self._batch_size and not self._flush_requested and not self._closed):
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._cond.wait(remaining)
                if not self._queue:
                    self._flush_requested = False
                    self._cond.notify_all()
                    if self._closed:
                        return
                    continue
                batch = [self._queue.popleft() for _ in range(min(self._batch_size, len(self._queue)))]
                self._in_flight = len(batch)
            try:
                self._send(batch)
            finally:
                with self._cond:
                    self._in_flight = 0
                    self._cond.notify_all()

    def _send(self, batch):
        body = json.dumps(batch, separators=(",", ":"), allow_nan=False).encode()
        attempt = 0
        while True:
            status, answer, retry_after = self._post(body)
            if status == 200:
                return
            retryable = status is None or status in _RETRIED
            if not retryable or attempt >= self._max_retries:
                why = "refused" if not retryable else f"gave up after {attempt + 1} attempts"
                self._report(SendError(f"batch of {len(batch)} events {why}: HTTP {status} {answer[:500]}",
                                       status=status, body=answer, events=len(batch)))
                return
            delay = retry_after if retry_after is not None else self._backoff * (2 ** attempt)
            time.sleep(delay * (0.5 + random.random() / 2) if retry_after is None else delay)
            attempt += 1

    def _post(self, body):
        request = urllib.request.Request(self.endpoint, data=body, headers=self._headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read().decode("utf-8", "replace"), None
        except urllib.error.HTTPError as error:
            answer = error.read().decode("utf-8", "replace")
            retry_after = error.headers.get("Retry-After") if error.headers else None
            try:
                retry_after = min(float(retry_after), 60.0) if retry_after else None
            except ValueError:
                retry_after = None
            return error.code, answer, retry_after
        except (urllib.error.URLError, OSError) as error:
            return None, str(error), None

    def _report(self, error):
        self.errors.append(error)
        if self._on_error:
            try:
                self._on_error(error)
            except Exception:  # a failing callback must not stop the sender
                pass
