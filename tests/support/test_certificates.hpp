#pragma once

// Throwaway certificates for TLS tests, made at test time with the openssl
// command in a fresh temporary directory (removed at destruction). No key
// is ever committed.

#include <string>

namespace testing_support {

class test_certificates {
public:
  /// Makes a CA and, signed by it, certificates for "localhost" and
  /// 127.0.0.1 (valid, expired, and one naming another host), plus a
  /// second CA that signed nothing. Throws std::runtime_error on failure.
  test_certificates();
  ~test_certificates();
  test_certificates(const test_certificates&) = delete;
  test_certificates& operator=(const test_certificates&) = delete;

  /// The CA that signed the certificates below (PEM).
  std::string ca() const { return dir_ + "/ca.pem"; }
  /// A CA that signed none of them.
  std::string other_ca() const { return dir_ + "/other-ca.pem"; }
  /// Valid for localhost and 127.0.0.1.
  std::string cert() const { return dir_ + "/server.pem"; }
  std::string key() const { return dir_ + "/server.key"; }
  /// Valid names, but expired yesterday.
  std::string expired_cert() const { return dir_ + "/expired.pem"; }
  std::string expired_key() const { return dir_ + "/expired.key"; }
  /// Valid, but only for other.example.
  std::string wrong_host_cert() const { return dir_ + "/wrong-host.pem"; }
  std::string wrong_host_key() const { return dir_ + "/wrong-host.key"; }

private:
  std::string dir_;
};

} // namespace testing_support
