#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace mltrack::bench {

HttpConnection::~HttpConnection() { Close(); }

void HttpConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

bool HttpConnection::Connect(std::string& error) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  ::inet_pton(AF_INET, host_.c_str(), &addr.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    error = std::string("connect: ") + std::strerror(errno);
    Close();
    return false;
  }
  return true;
}

bool HttpConnection::Send(std::string_view method, std::string_view target,
                          std::string_view content_type, std::string_view body,
                          HttpResponse& response, std::string& error) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0 && !Connect(error)) return false;
    std::string head = std::string(method) + " " + std::string(target) +
                       " HTTP/1.1\r\nHost: " + host_ + "\r\nConnection: keep-alive\r\n";
    if (!content_type.empty()) head += "Content-Type: " + std::string(content_type) + "\r\n";
    if (!body.empty() || method == "POST")
      head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    head += "\r\n";
    iovec parts[2] = {{head.data(), head.size()}, {const_cast<char*>(body.data()), body.size()}};
    size_t total = head.size() + body.size(), sent = 0;
    bool broken = false;
    while (sent < total) {
      // Advance the iovecs past what was already sent.
      iovec rest[2];
      int count = 0;
      size_t skip = sent;
      for (const iovec& part : parts) {
        if (skip >= part.iov_len) {
          skip -= part.iov_len;
          continue;
        }
        rest[count++] = {static_cast<char*>(part.iov_base) + skip, part.iov_len - skip};
        skip = 0;
      }
      ssize_t written = ::writev(fd_, rest, count);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) {
        broken = true;
        break;
      }
      sent += static_cast<size_t>(written);
    }
    // A keep-alive connection the server closed fails on first use: reconnect once, but only if
    // nothing of the request can have been processed (no response bytes, send failed early).
    if (broken) {
      error = std::string("send: ") + std::strerror(errno);
      Close();
      if (sent == 0) continue;
      return false;
    }
    if (ReadResponse(response, error)) return true;
    Close();
    if (attempt == 0 && error == "closed before response") continue;
    return false;
  }
  return false;
}

bool HttpConnection::Fill(std::string& error) {
  char chunk[1 << 16];
  for (;;) {
    ssize_t got = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error = std::string("recv: ") + std::strerror(errno);
      return false;
    }
    if (got == 0) {
      error = "closed before response";
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(got));
    return true;
  }
}

bool HttpConnection::ReadResponse(HttpResponse& response, std::string& error) {
  size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(error)) return false;
  }
  std::string_view head(buffer_.data(), head_end + 2);
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") {
    error = "malformed status line";
    return false;
  }
  response.status = std::atoi(std::string(head.substr(9, 3)).c_str());
  size_t line_end = head.find("\r\n");
  response.headers.assign(head.substr(line_end + 2));
  buffer_.erase(0, head_end + 4);
  response.body.clear();
  std::string_view length = FindHeader(response.headers, "content-length");
  if (!length.empty()) {
    size_t want = std::strtoull(std::string(length).c_str(), nullptr, 10);
    while (buffer_.size() < want) {
      if (!Fill(error)) return false;
    }
    response.body.assign(buffer_, 0, want);
    buffer_.erase(0, want);
  } else if (FindHeader(response.headers, "transfer-encoding").find("chunked") !=
             std::string_view::npos) {
    for (;;) {
      size_t size_end;
      while ((size_end = buffer_.find("\r\n")) == std::string::npos) {
        if (!Fill(error)) return false;
      }
      size_t size = std::strtoull(buffer_.substr(0, size_end).c_str(), nullptr, 16);
      while (buffer_.size() < size_end + 2 + size + 2) {
        if (!Fill(error)) return false;
      }
      response.body.append(buffer_, size_end + 2, size);
      buffer_.erase(0, size_end + 2 + size + 2);
      if (size == 0) break;  // (trailers are not used by the servers measured here)
    }
  } else {
    error = "response without Content-Length or chunked body";
    return false;
  }
  std::string_view connection = FindHeader(response.headers, "connection");
  if (connection.size() == 5 && ::strncasecmp(connection.data(), "close", 5) == 0) Close();
  return true;
}

std::string_view FindHeader(std::string_view headers, std::string_view name) {
  size_t pos = 0;
  while (pos < headers.size()) {
    size_t end = headers.find("\r\n", pos);
    if (end == std::string_view::npos) end = headers.size();
    std::string_view line = headers.substr(pos, end - pos);
    size_t colon = line.find(':');
    if (colon == name.size() && ::strncasecmp(line.data(), name.data(), name.size()) == 0) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\r'))
        value.remove_suffix(1);
      return value;
    }
    pos = end + 2;
  }
  return {};
}

}  // namespace mltrack::bench
