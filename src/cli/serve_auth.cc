#include "cli/serve_auth.h"

#include <algorithm>
#include <charconv>

#include <boost/asio/ip/address.hpp>

namespace mltrack::cli {
namespace {

Result<double> PositiveNumber(const Flags& flags, const std::string& name) {
  const std::string text = *flags.Get(name);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !(value >= 0) || value > 1e9) {
    return Status::InvalidArgument("--" + name + " must be a number of requests (0 to 1e9), got \"" + text + "\"",
                                   {ErrorDetail{-1, name, "not a number from 0 to 1e9"}});
  }
  return value;
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  std::string bare = host;
  if (bare.size() >= 2 && bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(bare, ec);
  return !ec && address.is_loopback();
}

Result<ServeAuth> SetUpAuth(const Flags& flags, const std::string& listen_host) {
  server::auth::AuthOptions options;
  options.always_required = !IsLoopbackHost(listen_host);
  options.secure_cookies = flags.Has("tls-cert");  // the browser sends them back over HTTPS only
  if (flags.Has("rate-limit")) {
    Result<double> rate = PositiveNumber(flags, "rate-limit");
    if (!rate.ok()) return rate.status();
    options.rate_per_second = *rate;
    options.rate_burst = std::max(1.0, *rate);  // one second's worth unless --rate-burst says otherwise
  }
  if (flags.Has("rate-burst")) {
    Result<double> burst = PositiveNumber(flags, "rate-burst");
    if (!burst.ok()) return burst.status();
    if (options.rate_per_second <= 0) {
      return Status::InvalidArgument("--rate-burst needs --rate-limit", {ErrorDetail{-1, "rate-burst", "needs --rate-limit"}});
    }
    options.rate_burst = *burst;
  }
  // Keyless use per client address (docs/security.md, "Anonymous use"): off unless asked for.
  if (flags.Has("anonymous-rate-limit")) {
    Result<double> rate = PositiveNumber(flags, "anonymous-rate-limit");
    if (!rate.ok()) return rate.status();
    options.anonymous_rate_per_second = *rate;
    options.anonymous_rate_burst = std::max(1.0, *rate);
  }
  if (flags.Has("anonymous-rate-burst")) {
    Result<double> burst = PositiveNumber(flags, "anonymous-rate-burst");
    if (!burst.ok()) return burst.status();
    if (options.anonymous_rate_per_second <= 0) {
      return Status::InvalidArgument("--anonymous-rate-burst needs --anonymous-rate-limit",
                                     {ErrorDetail{-1, "anonymous-rate-burst", "needs --anonymous-rate-limit"}});
    }
    options.anonymous_rate_burst = *burst;
  }
  Result<std::unique_ptr<server::auth::KeyStore>> keys = server::auth::KeyStore::Open(*flags.Get("data"));
  if (!keys.ok()) return Status::IOError("reading the API keys: " + keys.status().message());
  const std::vector<server::auth::KeyRecord> records = (*keys)->List();
  const bool any_active = std::any_of(records.begin(), records.end(), [](const auto& key) { return key.active(); });
  if (options.always_required && !any_active) {
    return Status::InvalidArgument(
        "listening on " + listen_host + " (not a loopback address) needs an API key, and " + *flags.Get("data") +
            " has none. Create one first: mltrack keys create --data " + *flags.Get("data") +
            " --scope admin — then send it as \"Authorization: Bearer <key>\"",
        {ErrorDetail{-1, "listen", "non-loopback address without an API key"}});
  }
  ServeAuth auth;
  auth.keys = std::move(*keys);
  auth.usage = std::make_unique<server::auth::KeyUsage>(*flags.Get("data"));
  auth.authenticator = std::make_shared<server::auth::Authenticator>(auth.keys.get(), options, auth.usage.get());
  return auth;
}

}  // namespace mltrack::cli
