#include "test_certificates.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace testing_support {

namespace {

// A shell script that writes the files into $1.
constexpr const char* make_certificates = R"(
set -e
cd "$1"
key() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null; }
sign() { openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" -days "$2" -extfile "$3" 2>/dev/null; rm -f "$1.csr"; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=actors test CA" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout other-ca.key -out other-ca.pem -days 2 -subj "/CN=another test CA" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > local.ext
printf 'subjectAltName=DNS:other.example\n' > other.ext
key server localhost && sign server 2 local.ext
key expired localhost && sign expired -1 local.ext
key wrong-host other.example && sign wrong-host 2 other.ext
)";

} // namespace

test_certificates::test_certificates() {
  char dir[] = "/tmp/actors-certificates-XXXXXX";
  if (mkdtemp(dir) == nullptr)
    throw std::runtime_error("cannot make a temporary directory");
  dir_ = dir;
  auto script = dir_ + "/make.sh";
  std::ofstream{script} << make_certificates;
  auto command = "sh " + script + " " + dir_;
  if (std::system(command.c_str()) != 0)
    throw std::runtime_error("openssl could not make the test certificates in " + dir_);
}

test_certificates::~test_certificates() {
  std::system(("rm -rf '" + dir_ + "'").c_str());
}

} // namespace testing_support
