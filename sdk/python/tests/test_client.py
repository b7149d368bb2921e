"""The SDK against the real server: events arrive with every field, batches are retried and
stored once, refused batches are reported, track_llm and the OpenAI/Anthropic wrappers record
calls (tokens, latency, TTFT for streams, errors), and events are flushed at exit."""

import http.server
import os
import subprocess
import sys
import threading
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from mltrack_client import Client  # noqa: E402
from tests.server import SdkTestCase, free_port  # noqa: E402


class ClientTest(SdkTestCase):

    def test_log_call_stores_every_field(self):
        event_id = self.client.log_call(
            model="gpt-4o-mini", provider="openai", experiment="sdk", user="alice", team="ml",
            input_tokens=1200, output_tokens=300, cached_input_tokens=1000, latency_ms=812.5, ttft_ms=120,
            cost_usd=0.0025, scores={"quality": 0.75}, tags={"test": self.tag, "env": "prod"})
        self.assertEqual(len(event_id), 32)
        self.assertTrue(self.client.flush(timeout=30))
        rows = self.server.query({
            "filters": [{"field": "tags.test", "op": "eq", "value": self.tag}],
            "group_by": ["model", "provider", "experiment", "user", "team", "tags.env"],
            "metrics": ["count", "sum:input_tokens", "sum:output_tokens", "sum:cached_input_tokens",
                        "avg:latency_ms", "avg:ttft_ms", "sum:cost_usd", "avg:scores.quality"]})
        self.assertEqual(rows, [{
            "model": "gpt-4o-mini", "provider": "openai", "experiment": "sdk", "user": "alice", "team": "ml",
            "tags.env": "prod", "count": 1, "sum:input_tokens": 1200, "sum:output_tokens": 300,
            "sum:cached_input_tokens": 1000, "avg:latency_ms": 812.5, "avg:ttft_ms": 120, "sum:cost_usd": 0.0025,
            "avg:scores.quality": 0.75}])
        self.assertEqual(self.client.errors, [])

    def test_bad_fields_are_refused_before_queueing(self):
        with self.assertRaisesRegex(ValueError, "modle"):
            self.client.log_call(modle="gpt-4o")
        with self.assertRaisesRegex(ValueError, "input_tokens"):
            self.client.log_call(model="gpt-4o", input_tokens=-1)
        with self.assertRaisesRegex(ValueError, "operation"):
            self.client.log_call(model="gpt-4o", operation="chatting")

    def test_many_events_go_in_batches(self):
        client = Client(self.server.url, batch_size=40, flush_interval=5)
        for index in range(250):
            client.log_call(model="gpt-4o-mini", input_tokens=index, tags={"test": self.tag})
        self.assertTrue(client.flush(timeout=60))  # flush does not wait for the 5 s interval
        client.close()
        rows = self.server.events(self.tag, [])
        self.assertEqual(rows[0]["count"], 250)

    def test_refused_batch_is_reported_and_dropped(self):
        seen = []
        client = Client(self.server.url, flush_interval=0.05, on_error=seen.append)
        client.log_call(model="gpt-4o", tags={"test": self.tag, "big": "x" * 5000})  # tag value > 1024 bytes
        self.assertTrue(client.flush(timeout=30))
        client.close()
        self.assertEqual(len(seen), 1)
        self.assertEqual(seen[0].status, 400)
        self.assertIn("tags.big", seen[0].body)
        self.assertEqual(self.server.events(self.tag, [])[0]["count"], 0)

    def test_transient_failures_are_retried_and_stored_once(self):
        flaky = FlakyProxy(self.server.port, failures=2)
        try:
            client = Client(flaky.url, flush_interval=0.05, backoff=0.05)
            client.log_call(model="gpt-4o", tags={"test": self.tag})
            self.assertTrue(client.flush(timeout=30))
            client.close()
        finally:
            flaky.stop()
        self.assertEqual(flaky.answers, [503, 502, 200])
        self.assertEqual(client.errors, [])
        self.assertEqual(self.server.events(self.tag, [])[0]["count"], 1)

    def test_unreachable_server_gives_up_after_the_retries(self):
        client = Client(f"http://127.0.0.1:{free_port()}", flush_interval=0.05, max_retries=2, backoff=0.01)
        client.log_call(model="gpt-4o")
        self.assertTrue(client.flush(timeout=30))
        client.close()
        self.assertEqual(len(client.errors), 1)
        self.assertIsNone(client.errors[0].status)
        self.assertIn("3 attempts", str(client.errors[0]))

    def test_track_llm_as_context_manager_and_decorator(self):
        with self.client.track_llm(model="claude-sonnet-4", provider="anthropic", tags={"test": self.tag}) as call:
            call.set_usage(input_tokens=100, output_tokens=20)

        @self.client.track_llm(model="gpt-4o", provider="openai", tags={"test": self.tag})
        def failing():
            raise TimeoutError("upstream timed out")

        with self.assertRaises(TimeoutError):
            failing()
        self.assertTrue(self.client.flush(timeout=30))
        rows = self.server.events(self.tag, ["model", "status", "error_type"])
        rows.sort(key=lambda row: row["model"])
        self.assertEqual(rows, [
            {"model": "claude-sonnet-4", "status": "ok", "error_type": None, "count": 1},
            {"model": "gpt-4o", "status": "error", "error_type": "TimeoutError", "count": 1}])
        latency = self.server.query({"filters": [{"field": "tags.test", "op": "eq", "value": self.tag}],
                                "metrics": ["count:latency_ms"]})
        self.assertEqual(latency[0]["count:latency_ms"], 2)

    def test_flush_at_exit(self):
        script = (
            "import sys; sys.path.insert(0, %r)\n"
            "from mltrack_client import Client\n"
            "Client(%r, flush_interval=60).log_call(model='gpt-4o', tags={'test': %r})\n"
        ) % (os.path.join(os.path.dirname(__file__), ".."), self.server.url, self.tag)
        subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
        self.assertEqual(self.server.events(self.tag, [])[0]["count"], 1)


class FlakyProxy:
    """A front for the real server that answers 503, then 502, then forwards: the failures a
    load balancer in front of MLtrack produces while it restarts."""

    def __init__(self, port, failures):
        self.answers = []
        outer = self
        codes = [503, 502][:failures]

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if codes:
                    code = codes.pop(0)
                    outer.answers.append(code)
                    self.send_response(code)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                request = urllib.request.Request(f"http://127.0.0.1:{port}{self.path}", data=body,
                                                 headers={"Content-Type": "application/json"}, method="POST")
                with urllib.request.urlopen(request, timeout=30) as response:
                    answer = response.read()
                    outer.answers.append(response.status)
                    self.send_response(response.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":
    unittest.main()
