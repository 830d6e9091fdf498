// libFuzzer target: any bytes as one HTTP request to `raciflow serve`, parsed with the
// server's limits and answered by the API over a real SQLite database holding the
// samples. So that the fuzzer reaches past the login, the placeholders ADMINTOKEN and
// USERTOKEN in the input are replaced by live bearer tokens of an admin (anna) and of a
// role holder without admin access (karen). A 5xx answer other than 503 is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/cli/cli.h"
#include "adapters/http/api.h"
#include "adapters/http/server.h"
#include "definitions/iso8601.h"
#include "runtime/accounts.h"
#include "runtime/service.h"
#include "runtime/sqlite_store.h"

namespace {

namespace fs = std::filesystem;
using raciflow::runtime::Service;

struct World {
  std::string dir, db, admin_token, user_token;
  std::unique_ptr<Service> service;
  std::unique_ptr<raciflow::http::Api> api;
  raciflow::http::ServerOptions options;

  World() {
    char pattern[] = "/tmp/raciflow-http-fuzz-XXXXXX";
    dir = mkdtemp(pattern);
    db = dir + "/fuzz.db";
    std::string samples = RACIFLOW_SOURCE_DIR "/samples/";
    std::vector<std::string> deploy = {"deploy"};
    for (const auto& file : fs::directory_iterator(samples))
      if (file.path().extension() == ".bpmn") deploy.push_back(file.path().string());
    cli(deploy);
    cli({"org", "load", samples + "org.xml"});
    cli({"wheel", "load", samples + "annual-wheel.xml"});
    auto now = *raciflow::definitions::parse_date_time("2027-03-01T09:00:00Z");
    service = std::make_unique<Service>([this] { return raciflow::runtime::open_sqlite_store(db, {"OFF", 2000, false}); },
                                        [now] { return now; }, std::chrono::hours(24), nullptr);
    admin_token = service->write([](Service::Context& c) { return c.accounts.create_token("anna", "fuzz", std::nullopt, "fuzz").secret; });
    user_token = service->write([](Service::Context& c) { return c.accounts.create_token("karen", "fuzz", std::nullopt, "fuzz").secret; });
    raciflow::http::ApiOptions api_options;
    api = std::make_unique<raciflow::http::Api>(*service, api_options);
    options.body_limit = 64 * 1024;
    options.header_limit = 8 * 1024;
  }
  ~World() {
    api.reset();
    service.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  void cli(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--clock", "2027-03-01T08:00:00Z"});
    args.insert(args.end(), {"--as", "fuzz"});
    std::ostringstream out, err;
    if (raciflow::cli::run(args, out, err) != 0) {
      std::cerr << "http_fuzz setup failed: " << err.str();
      std::abort();
    }
  }
};

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  replace_all(bytes, "ADMINTOKEN", world.admin_token);
  replace_all(bytes, "USERTOKEN", world.user_token);
  auto response = raciflow::http::handle_bytes(*world.api, bytes, world.options, "127.0.0.1");
  if (response.status >= 500 && response.status != 503) {
    std::cerr << "http_fuzz: status " << response.status << ": " << response.body << "\n";
    std::abort();
  }
  return 0;
}
