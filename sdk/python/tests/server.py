"""Starts the real `mltrack serve` for the SDK tests: $MLTRACK_BINARY (make test sets it), else
build/mltrack of this checkout, on a free port with a temporary data directory."""

import atexit
import json
import os
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request
import uuid

_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MltrackServer:
    def __init__(self):
        self.binary = os.environ.get("MLTRACK_BINARY") or os.path.join(_ROOT, "build", "mltrack")
        self.data = tempfile.TemporaryDirectory(prefix="mltrack-sdk-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.data.name, "server.log"), "wb")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--data", os.path.join(self.data.name, "data"), "--listen",
             f"127.0.0.1:{self.port}"], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("mltrack serve did not start: " + self.log_tail())
            time.sleep(0.1)

    def log_tail(self):
        with open(os.path.join(self.data.name, "server.log"), "rb") as log:
            return log.read()[-3000:].decode("utf-8", "replace")

    def query(self, spec):
        spec = dict(spec, **{"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"})
        request = urllib.request.Request(self.url + "/api/v1/query", data=json.dumps(spec).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
        return [dict(zip(answer["columns"], row)) for row in answer["rows"]]

    def events(self, test_tag, fields):
        """Every event tagged `test=<test_tag>`, grouped by `fields` (one row per event when the
        fields include `id`-like unique values), with count."""
        return self.query({"filters": [{"field": "tags.test", "op": "eq", "value": test_tag}],
                           "group_by": fields, "metrics": ["count"], "limit": 10000})

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.log.close()
        self.data.cleanup()


_SHARED = None


def shared():
    """One server for every SDK test module, stopped at exit."""
    global _SHARED
    if _SHARED is None:
        _SHARED = MltrackServer()
        atexit.register(_SHARED.stop)
    return _SHARED


class SdkTestCase(unittest.TestCase):
    """A test with the shared server (`self.server`), a fresh tag value (`self.tag`) to find its
    own events, and a client (`self.client`) that is closed afterwards."""

    def setUp(self):
        from mltrack_client import Client
        self.server = shared()
        self.tag = uuid.uuid4().hex
        self.client = Client(self.server.url, flush_interval=0.05)

    def tearDown(self):
        self.client.close(timeout=30)
