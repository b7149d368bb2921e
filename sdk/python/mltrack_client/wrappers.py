"""Record OpenAI- and Anthropic-style client calls without changing the calling code:

    openai_client = wrap_openai(OpenAI(), mltrack)        # chat.completions, completions, embeddings
    anthropic_client = wrap_anthropic(Anthropic(), mltrack)  # messages

The wrapped client behaves as the original (same return values, same exceptions); each call is
logged with model, tokens (cached and reasoning too), latency, and for streams time to first
token and the usage the stream reports at its end. Responses may be SDK objects or dicts.
"""


from .tracking import LlmCall


def _get(obj, *path):
    for name in path:
        if obj is None:
            return None
        obj = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return obj


class _Proxy:
    """Forwards every attribute to `target` except those in `overrides`."""

    def __init__(self, target, overrides):
        self._target = target
        self._overrides = overrides

    def __getattr__(self, name):
        if name in self._overrides:
            return self._overrides[name]
        return getattr(self._target, name)


def _openai_usage(call, usage):
    if usage is None:
        return
    prompt = _get(usage, "prompt_tokens")
    if prompt is None:
        prompt = _get(usage, "input_tokens")
    completion = _get(usage, "completion_tokens")
    if completion is None:
        completion = _get(usage, "output_tokens")
    call.set_usage(input_tokens=prompt, output_tokens=completion,
                   cached_input_tokens=_get(usage, "prompt_tokens_details", "cached_tokens"),
                   reasoning_tokens=_get(usage, "completion_tokens_details", "reasoning_tokens"))


def _anthropic_usage(call, usage, output_only=False):
    if usage is None:
        return
    if not output_only:
        # MLtrack's input_tokens include cached ones; Anthropic reports them apart.
        fresh = _get(usage, "input_tokens") or 0
        read = _get(usage, "cache_read_input_tokens") or 0
        write = _get(usage, "cache_creation_input_tokens") or 0
        call.set_usage(input_tokens=fresh + read + write, cached_input_tokens=read or None,
                       cache_write_tokens=write or None)
    output = _get(usage, "output_tokens")
    if output is not None:
        call.set_usage(output_tokens=output)


def _stream(call, stream, on_chunk):
    """Yields the stream's chunks, marking the first token and logging when it ends."""
    try:
        for chunk in stream:
            call.first_token()
            on_chunk(chunk)
            yield chunk
    except BaseException as error:
        call.finish(error)
        raise
    call.finish()


def _tracked(client, create, operation, endpoint, provider, read_response, read_chunk, fields):
    def wrapped(*args, **kwargs):
        call = LlmCall(client, dict(fields, provider=provider, operation=operation, endpoint=endpoint,
                                    model=kwargs.get("model")))
        call.__enter__()
        streaming = bool(kwargs.get("stream"))
        call.set(streaming=streaming)
        try:
            response = create(*args, **kwargs)
        except BaseException as error:
            call.finish(error)
            raise
        if streaming:
            return _stream(call, response, lambda chunk: read_chunk(call, chunk))
        read_response(call, response)
        call.finish()
        return response
    return wrapped


def _openai_response(call, response):
    if _get(response, "model"):
        call.set(model=_get(response, "model"))
    _openai_usage(call, _get(response, "usage"))


def wrap_openai(openai_client, client, provider="openai", **fields):
    """Wraps an OpenAI-style client (`chat.completions.create`, `completions.create`,
    `embeddings.create`). For streams, ask for usage (`stream_options={"include_usage": True}`)
    to have tokens recorded. `fields` (experiment, user, tags, ...) go into every event."""
    def make(resource, operation, endpoint):
        target = _get(openai_client, *resource)
        if target is None:
            return None
        return _Proxy(target, {"create": _tracked(client, target.create, operation, endpoint, provider,
                                                  _openai_response, _openai_response, fields)})

    chat = _get(openai_client, "chat")
    overrides = {}
    completions = make(("chat", "completions"), "chat", "/v1/chat/completions")
    if completions is not None:
        overrides["chat"] = _Proxy(chat, {"completions": completions})
    for name, operation, endpoint in (("completions", "completion", "/v1/completions"),
                                      ("embeddings", "embedding", "/v1/embeddings")):
        wrapped = make((name,), operation, endpoint)
        if wrapped is not None:
            overrides[name] = wrapped
    return _Proxy(openai_client, overrides)


def _anthropic_response(call, response):
    if _get(response, "model"):
        call.set(model=_get(response, "model"))
    _anthropic_usage(call, _get(response, "usage"))


def _anthropic_chunk(call, event):
    kind = _get(event, "type")
    if kind == "message_start":
        _anthropic_response(call, _get(event, "message"))
    elif kind == "message_delta":
        _anthropic_usage(call, _get(event, "usage"), output_only=True)


def wrap_anthropic(anthropic_client, client, provider="anthropic", **fields):
    """Wraps an Anthropic-style client (`messages.create`, streamed or not). `fields` go into
    every event."""
    messages = _get(anthropic_client, "messages")
    tracked = _tracked(client, messages.create, "chat", "/v1/messages", provider, _anthropic_response,
                       _anthropic_chunk, fields)
    return _Proxy(anthropic_client, {"messages": _Proxy(messages, {"create": tracked})})
