"""MLtrack's Python client: log LLM calls to an MLtrack Analytics server.

Standard library only, Python >= 3.9. See sdk/python/README.md.

    from mltrack_client import Client
    client = Client("http://127.0.0.1:8080", key=None)
    client.log_call(model="gpt-4o-mini", provider="openai", input_tokens=120, output_tokens=30,
                    latency_ms=840)
    with client.track_llm(model="gpt-4o-mini", provider="openai") as call:
        reply = ...            # the call; exceptions are recorded as errors and re-raised
        call.set_usage(input_tokens=120, output_tokens=30)
"""

from .client import Client, EVENT_FIELDS
from .sender import SendError
from .tracking import LlmCall
from .wrappers import wrap_anthropic, wrap_openai

__all__ = ["Client", "EVENT_FIELDS", "LlmCall", "SendError", "wrap_anthropic", "wrap_openai"]
__version__ = "0.1.0"
