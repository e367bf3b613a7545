#include "manage/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>

#include "strata/error.h"

namespace strata::manage {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A probe's request is a few hundred bytes; anything much larger is not one.
constexpr std::size_t kHeaderLimit = 8 * 1024;
// Kubernetes probes open one connection each; a scraper keeps one open.
constexpr int kMaxConnections = 64;
constexpr std::chrono::seconds kIdleTimeout{10};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io, HttpHandler h) : acceptor(io), handler(std::move(h)) {}

  void Accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (!self->acceptor.is_open()) return;
      if (!ec) {
        if (self->connections < kMaxConnections) {
          std::make_shared<Connection>(self, std::move(socket))->Read();
        }  // else the socket closes here: the client sees a reset and retries
      }
      self->Accept();
    });
  }

  struct Connection : std::enable_shared_from_this<Connection> {
    Connection(std::shared_ptr<Impl> server, tcp::socket socket)
        : server_(std::move(server)), stream_(std::move(socket)) {
      ++server_->connections;
    }
    ~Connection() { --server_->connections; }

    void Read() {
      parser_.emplace();
      parser_->header_limit(kHeaderLimit);
      parser_->body_limit(kHeaderLimit);
      stream_.expires_after(kIdleTimeout);
      http::async_read(stream_, buffer_, *parser_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec) return self->Shut();
                         self->Respond(self->parser_->release());
                       });
    }

    void Respond(const http::request<http::string_body>& request) {
      auto response = std::make_shared<http::response<http::string_body>>();
      response->version(request.version());
      response->set(http::field::server, "strata");
      response->set(http::field::cache_control, "no-store");
      const bool head = request.method() == http::verb::head;
      if (request.method() != http::verb::get && !head) {
        response->result(http::status::method_not_allowed);
        response->set(http::field::allow, "GET, HEAD");
        response->set(http::field::content_type, "text/plain; charset=utf-8");
        response->body() = "only GET and HEAD\n";
      } else {
        const std::string target(request.target());
        const HttpResponse answer = server_->handler(target.substr(0, target.find('?')));
        response->result(static_cast<http::status>(answer.status));
        response->set(http::field::content_type, answer.content_type);
        response->body() = answer.body;
      }
      response->keep_alive(request.keep_alive() && server_->acceptor.is_open());
      response->prepare_payload();  // Content-Length of the GET's body, HEAD too
      if (head) response->body().clear();
      const bool keep = response->keep_alive();
      http::async_write(
          stream_, *response,
          [self = shared_from_this(), response, keep](beast::error_code ec, std::size_t) {
            if (ec || !keep) return self->Shut();
            self->Read();
          });
    }

    void Shut() {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream_.close();
    }

    std::shared_ptr<Impl> server_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
  };

  tcp::acceptor acceptor;
  HttpHandler handler;
  int connections = 0;
  int port = 0;
};

HttpServer::HttpServer(asio::io_context& io, const std::string& address, int port,
                       HttpHandler handler)
    : impl_(std::make_shared<Impl>(io, std::move(handler))) {
  beast::error_code ec;
  const asio::ip::address ip = asio::ip::make_address(address, ec);
  if (ec) {
    throw InvalidArgumentError("--health-address '" + address +
                               "' is not an IP address (e.g. 0.0.0.0, 127.0.0.1 or ::)");
  }
  const tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
  const std::string where =
      (ip.is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(port);
  tcp::acceptor& acceptor = impl_->acceptor;
  if (acceptor.open(endpoint.protocol(), ec) ||
      acceptor.set_option(tcp::acceptor::reuse_address(true), ec) || acceptor.bind(endpoint, ec) ||
      acceptor.listen(asio::socket_base::max_listen_connections, ec)) {
    throw Error("cannot listen on " + where + ": " + ec.message() +
                " (choose another --health-port or --health-address)");
  }
  impl_->port = acceptor.local_endpoint().port();
  impl_->Accept();
}

HttpServer::~HttpServer() { Close(); }

int HttpServer::port() const { return impl_->port; }

void HttpServer::Close() {
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace strata::manage
