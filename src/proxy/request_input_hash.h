#pragma once
// The input_hash the proxy records for a call (docs/integrations/proxy.md, "What is recorded"):
// a SHA-256 of the request body's input members, so that repeated prompts and retry storms can be
// found without storing the prompt.

#include <string>
#include <string_view>

namespace mltrack::proxy {

// The input members of a request body, in this order: "system", "instructions",
// "systemInstruction", "messages", "contents", "prompt", "input" (OpenAI chat/completions/
// embeddings/responses, Anthropic messages, Gemini generateContent). The hash covers each present
// member's name and its minified JSON, length-prefixed, and nothing else (not the model, not
// sampling parameters): the same messages sent to two models hash alike. Returns 64 lower-case hex
// digits, or "" when the body is not a JSON object or has none of these members.
std::string RequestInputHash(std::string_view body);

}  // namespace mltrack::proxy
