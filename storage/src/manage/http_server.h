// The sidecar's HTTP/1.1 server (Boost.Beast) on the sidecar's io_context:
// GET and HEAD only, small requests, every connection under a deadline, a
// cap on open connections. Handlers run on the io_context's thread and must
// not block.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>

namespace strata::manage {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Called with the request's path (the target without its query string).
using HttpHandler = std::function<HttpResponse(const std::string& path)>;

class HttpServer {
 public:
  // Binds and listens at once: strata::Error naming the address when it cannot.
  HttpServer(boost::asio::io_context& io, const std::string& address, int port,
             HttpHandler handler);
  ~HttpServer();
  int port() const;  // the bound port (when asked for 0)
  // Stops accepting; open connections finish their request.
  void Close();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace strata::manage
