#include "analytics/budget_gate.h"
#include "core/time.h"
#include "proxy/proxy.h"
#include "server/handlers/handlers.h"
#include "server/response_stream.h"
#include "server/status_mapping.h"

namespace mltrack::server {
namespace {

// The proxy's Responder over the session's ResponseStream.
class StreamResponder final : public proxy::Responder {
 public:
  explicit StreamResponder(std::shared_ptr<ResponseStream> stream) : stream_(std::move(stream)) {}

  void Start(int status, std::string content_type, Headers headers) override {
    stream_->Start(ResponseStream::Head{status, std::move(content_type), std::move(headers)});
  }
  void Write(std::string piece) override { stream_->Write(std::move(piece)); }
  void Finish() override { stream_->Finish(); }
  void Abort() override { stream_->Abort(); }
  void OnClientGone(std::function<void()> callback) override { stream_->OnClientGone(std::move(callback)); }
  size_t pending_bytes() const override { return stream_->pending_bytes(); }
  void WhenBelow(size_t limit, std::function<void()> resume) override { stream_->WhenBelow(limit, std::move(resume)); }

 private:
  std::shared_ptr<ResponseStream> stream_;
};

// RFC 3986 unreserved characters pass; everything else is %XX.
void AppendQueryComponent(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
}

std::string QueryString(const QueryParams& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    if (!out.empty()) out.push_back('&');
    AppendQueryComponent(out, name);
    out.push_back('=');
    AppendQueryComponent(out, value);
  }
  return out;
}

// 429 budget_exhausted with Retry-After: the seconds until the budget's period resets.
HttpResponse BudgetExhausted(const analytics::SpentBudget& spent, int64_t now_ms) {
  HttpResponse response = JsonError(429, "budget_exhausted", spent.Describe(now_ms));
  response.headers.emplace_back("Retry-After", std::to_string(spent.SecondsToReset(now_ms)));
  return response;
}

}  // namespace

// POST /proxy/<provider>/<path>: validate, then hand the call to the proxy, which answers through
// a ResponseStream while this worker moves on (docs/integrations/proxy.md).
HttpResponse HandleProxy(AppContext& context, const HttpRequest& request) {
  constexpr std::string_view kPrefix = "/proxy/";
  const std::string_view rest = std::string_view(request.path).substr(kPrefix.size());
  const size_t slash = rest.find('/');
  const std::string_view provider = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  if (context.proxy == nullptr) return ErrorResponse(Status::NotFound("the proxy is not enabled on this server"));

  Result<proxy::PreparedCall> call =
      context.proxy->Prepare(provider, path, QueryString(request.query), request.headers.fields(), request.body);
  if (!call.ok()) return ErrorResponse(call.status(), call.status().code() == StatusCode::kInvalidArgument ? "invalid_header" : "");

  // A spent enforced budget whose scope holds the call refuses it; nothing is sent upstream.
  if (context.budget_gate != nullptr) {
    const int64_t now_ms = NowMs();
    if (std::optional<analytics::SpentBudget> spent = context.budget_gate->Check(proxy::PreparedEvent(*call), now_ms)) {
      return BudgetExhausted(*spent, now_ms);
    }
  }

  auto stream = std::make_shared<ResponseStream>();
  context.proxy->Forward(std::move(*call), std::make_shared<StreamResponder>(stream));
  HttpResponse response;
  response.stream = std::move(stream);
  return response;
}

}  // namespace mltrack::server
