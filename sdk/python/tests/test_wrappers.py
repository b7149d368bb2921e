"""wrap_openai / wrap_anthropic against the real server. The wrapped clients are small
stand-ins shaped like the OpenAI and Anthropic Python SDKs' clients (their create methods take
the same arguments and return the REST API's JSON as dicts, or for streams an iterator of the
chunks the APIs send): those SDKs cannot be installed here (standard library only), and what
the wrappers read is exactly that shape."""

import os
import sys
import unittest  # noqa: F401 (unittest.main)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from mltrack_client import wrap_anthropic, wrap_openai  # noqa: E402
from tests.server import SdkTestCase  # noqa: E402


class APIStatusError(Exception):
    def __init__(self, message, status_code):
        super().__init__(message)
        self.status_code = status_code


class Resource:
    def __init__(self, create):
        self.create = create


class OpenAIShaped:
    def __init__(self):
        def chat_create(model, messages, stream=False, stream_options=None, **kwargs):
            if model == "missing-model":
                raise APIStatusError("model not found", 404)
            if not stream:
                return {"id": "chatcmpl-1", "object": "chat.completion", "model": model + "-2024-07-18",
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}}],
                        "usage": {"prompt_tokens": 1500, "completion_tokens": 40, "total_tokens": 1540,
                                  "prompt_tokens_details": {"cached_tokens": 1024},
                                  "completion_tokens_details": {"reasoning_tokens": 0}}}
            chunks = [{"model": model, "choices": [{"delta": {"content": word}}]} for word in ("a", "b")]
            chunks.append({"model": model, "choices": [],
                           "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12}})
            return iter(chunks)

        self.chat = Resource(None)
        self.chat.completions = Resource(chat_create)
        self.embeddings = Resource(lambda model, input: {"model": model, "data": [],
                                                         "usage": {"prompt_tokens": 8, "total_tokens": 8}})
        self.api_key = "sk-test"


class AnthropicShaped:
    def __init__(self):
        def create(model, max_tokens, messages, stream=False, **kwargs):
            if not stream:
                return {"id": "msg_1", "type": "message", "model": model, "content": [],
                        "usage": {"input_tokens": 50, "output_tokens": 30, "cache_read_input_tokens": 2000,
                                  "cache_creation_input_tokens": 100}}
            return iter([
                {"type": "message_start", "message": {"model": model, "usage": {"input_tokens": 25, "output_tokens": 1}}},
                {"type": "content_block_delta", "delta": {"text": "hi"}},
                {"type": "message_delta", "usage": {"output_tokens": 12}},
                {"type": "message_stop"}])

        self.messages = Resource(create)


class WrapperTest(SdkTestCase):
    def test_openai_calls_streams_and_errors(self):
        openai = wrap_openai(OpenAIShaped(), self.client, tags={"test": self.tag})
        reply = openai.chat.completions.create(model="gpt-4o-mini", messages=[], user="u1")
        self.assertEqual(reply["choices"][0]["message"]["content"], "hi")  # unchanged answer
        chunks = list(openai.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True,
                                                     stream_options={"include_usage": True}))
        self.assertEqual(len(chunks), 3)
        with self.assertRaises(APIStatusError):
            openai.chat.completions.create(model="missing-model", messages=[])
        openai.embeddings.create(model="text-embedding-3-small", input="x")
        self.assertEqual(openai.api_key, "sk-test")  # everything else passes through
        self.client.flush(timeout=30)
        rows = self.server.query({
            "filters": [{"field": "tags.test", "op": "eq", "value": self.tag}],
            "group_by": ["model", "operation", "status", "streaming", "http_status"],
            "metrics": ["count", "sum:input_tokens", "sum:output_tokens", "sum:cached_input_tokens",
                        "count:ttft_ms", "count:latency_ms"]})
        by_model = {row["model"]: row for row in rows}
        self.assertEqual(by_model["gpt-4o-mini-2024-07-18"]["sum:input_tokens"], 1500)
        self.assertEqual(by_model["gpt-4o-mini-2024-07-18"]["sum:cached_input_tokens"], 1024)
        self.assertEqual(by_model["gpt-4o-mini-2024-07-18"]["count:ttft_ms"], 0)
        self.assertEqual(by_model["gpt-4o-mini"]["streaming"], True)
        self.assertEqual(by_model["gpt-4o-mini"]["sum:output_tokens"], 2)
        self.assertEqual(by_model["gpt-4o-mini"]["count:ttft_ms"], 1)
        self.assertEqual(by_model["missing-model"]["status"], "error")
        self.assertEqual(by_model["missing-model"]["http_status"], 404)
        self.assertEqual(by_model["text-embedding-3-small"]["operation"], "embedding")
        for row in rows:
            self.assertEqual(row["count:latency_ms"], row["count"])

    def test_anthropic_cached_tokens_and_stream(self):
        anthropic = wrap_anthropic(AnthropicShaped(), self.client, tags={"test": self.tag})
        anthropic.messages.create(model="claude-sonnet-4-20250514", max_tokens=100, messages=[],
                                  metadata={"user_id": "x"})
        list(anthropic.messages.create(model="claude-3-5-haiku-20241022", max_tokens=100, messages=[], stream=True))
        self.client.flush(timeout=30)
        rows = self.server.query({
            "filters": [{"field": "tags.test", "op": "eq", "value": self.tag}],
            "group_by": ["model", "streaming"],
            "metrics": ["sum:input_tokens", "sum:output_tokens", "sum:cached_input_tokens", "sum:cache_write_tokens",
                        "count:ttft_ms", "count:cost_usd"]})
        by_model = {row["model"]: row for row in rows}
        sonnet = by_model["claude-sonnet-4-20250514"]
        self.assertEqual(sonnet["sum:input_tokens"], 2150)  # 50 fresh + 2000 read + 100 written
        self.assertEqual(sonnet["sum:cached_input_tokens"], 2000)
        self.assertEqual(sonnet["sum:cache_write_tokens"], 100)
        self.assertEqual(sonnet["sum:output_tokens"], 30)
        self.assertEqual(sonnet["count:cost_usd"], 1)  # priced by the server's catalogue
        haiku = by_model["claude-3-5-haiku-20241022"]
        self.assertEqual(haiku["streaming"], True)
        self.assertEqual(haiku["sum:input_tokens"], 25)
        self.assertEqual(haiku["sum:output_tokens"], 12)
        self.assertEqual(haiku["count:ttft_ms"], 1)


if __name__ == "__main__":
    unittest.main()
