// The test helpers themselves: every blocking call in tests/support ends at
// its deadline, so a test whose peer stops reading fails instead of hanging.

#include "support/raw_socket.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <chrono>
#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

#include "support/child_process.hpp"

using namespace std::chrono_literals;
using testing_support::child_process;
using testing_support::raw_socket;

namespace {

// A listener on a free loopback port that never accepts: the kernel
// completes connections, but nobody ever reads from them.
class deaf_listener {
public:
  deaf_listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }

  ~deaf_listener() { ::close(fd_); }

  std::uint16_t port() const { return port_; }

private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

} // namespace

TEST_CASE("write_all to a peer that never reads gives up at its deadline") {
  deaf_listener peer;
  raw_socket sock{peer.port()};
  std::string lots(64 * 1024 * 1024, 'x');
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(sock.write_all(lots, 300ms));
  CHECK(std::chrono::steady_clock::now() - start < 10s);
}

TEST_CASE("write_draining to a peer that never reads reports an incomplete write") {
  deaf_listener peer;
  raw_socket sock{peer.port()};
  std::string lots(64 * 1024 * 1024, 'x');
  auto result = sock.write_draining(lots, 300ms);
  CHECK_FALSE(result.complete);
  CHECK_FALSE(result.closed_by_peer);
  CHECK(result.written > 0);
  CHECK(result.written < lots.size());
}

TEST_CASE("connecting to a refused port throws at once") {
  testing_support::refused_port closed;
  CHECK_THROWS_AS(raw_socket{closed.port()}, std::runtime_error);
}

TEST_CASE("a child's stderr can be read, and writing to a child that never reads fails at its deadline") {
  child_process loud{{"sh", "-c", "echo 'bad --option' >&2; exit 3"},
                     testing_support::stderr_to::pipe};
  CHECK(loud.read_stderr(5s) == "bad --option\n");
  CHECK(loud.wait_exit(5s) == 3);
  child_process deaf{{"sleep", "30"}};
  CHECK_THROWS_AS(deaf.write(std::string(4 * 1024 * 1024, 'x'), 300ms),
                  std::runtime_error);
}

TEST_CASE("a child's listening port is read back when it listens on port 0") {
  child_process socat{{"socat", "TCP-LISTEN:0,bind=127.0.0.1", "EXEC:cat"}};
  auto port = socat.listening_port(5s);
  REQUIRE(port);
  raw_socket client{*port};
  REQUIRE(client.write_all("ping\n"));
  CHECK(client.read_until("ping\n", 5s) == "ping\n");
}
