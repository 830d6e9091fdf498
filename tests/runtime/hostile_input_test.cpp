// Hostile input below the HTTP layer: a disk that fills up during a command, variables
// of 10 MB, entity bombs in organisation and wheel files, bytes that are not UTF-8 on
// the command line. Each is refused with one line and changes nothing.
#include <atomic>

#include "definitions/diagnostics.h"
#include "definitions/iso8601.h"
#include "definitions/wheel.h"
#include "runtime/organisation.h"
#include "runtime/service.h"
#include "runtime/sqlite_store.h"
#include "runtime_support.h"

namespace {

using nlohmann::json;
using raciflow::runtime::Service;
using raciflow::testing::Agency;
using raciflow::testing::first_line;

const char* const kBomb = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
)";

std::string findings(const raciflow::definitions::Diagnostics& d) {
  std::string out;
  for (const auto& f : d.all()) out += f.format() + "\n";
  return out;
}

std::int64_t count(const std::string& db, const std::string& table) {
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  return d.execAndGet("SELECT count(*) FROM " + table).getInt64();
}

}  // namespace

TEST_CASE("a disk that fills up during a command refuses it with one line and nothing half-written", "[hostile]") {
  Agency w;
  std::int64_t pages = 0;
  {
    SQLite::Database d(w.db(), SQLite::OPEN_READONLY);
    pages = d.execAndGet("PRAGMA page_count").getInt64();
  }
  // The database may grow by a few pages only: it is "full" after a few cases.
  raciflow::runtime::SqliteOptions options;
  options.max_pages = pages + 24;
  auto now = *raciflow::definitions::parse_date_time(w.clock);
  Service service([&] { return raciflow::runtime::open_sqlite_store(w.db(), options); }, [&] { return now; }, std::chrono::hours(1),
                  nullptr);
  const json variables = {{"finding", std::string(6000, 'x')}};
  int started = 0;
  std::string error;
  for (int i = 0; i < 200 && error.empty(); ++i) {
    try {
      service.write([&](Service::Context& c) { return c.runtime.start("corrective-action", "anna", variables); });
      ++started;
    } catch (const raciflow::runtime::StoreError& e) {
      error = e.what();
    }
  }
  REQUIRE(!error.empty());
  CHECK(started > 0);
  CHECK(error == w.db() + ": the disk is full (or the database reached its size limit); nothing was written");
  CHECK(error.find('\n') == std::string::npos);
  // Only the acknowledged cases are there, whole: the trail verifies, state and events agree.
  CHECK(count(w.db(), "cases") == started);
  CHECK(w.cli({"audit", "verify"}).code == 0);
  // The writer goes on: a command that needs no new page still works on the full disk.
  std::string first = w.cli({"cases", "--json"}).json()[0]["id"];
  CHECK_NOTHROW(service.write([&](Service::Context& c) {
    c.runtime.cancel(first, "anna", "a test");
    return 0;
  }));
  service.stop();
  // With room again, everything works and verifies.
  w.ok({"start", "corrective-action", "--as", "anna"});
  CHECK(count(w.db(), "cases") == started + 1);
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("a command that sets 10 MB of variables is refused and changes nothing", "[hostile]") {
  Agency w;
  auto before = w.dump();
  auto r = w.cli({"start", "corrective-action", "--as", "anna", "--var", "report=" + std::string(10 * 1024 * 1024, 'r')});
  CHECK(r.code == 1);
  CHECK(first_line(r.err) == "raciflow start: the variables are 10.0 MiB; one command sets at most 1024 KiB of variables");
  CHECK(w.dump() == before);
  // The same through the runtime for completing a task.
  std::string id = first_line(w.ok({"start", "corrective-action", "--as", "anna"}));
  auto task = raciflow::testing::task_id(w, id, "contain");
  auto mid = w.dump();
  auto big = w.cli({"complete", task, "--as", "mette", "--var", "log=" + std::string(10 * 1024 * 1024, 'l')});
  CHECK(big.code == 1);
  CHECK(w.dump() == mid);
}

TEST_CASE("entity bombs in organisation and wheel files are refused before any expansion", "[hostile]") {
  raciflow::definitions::Diagnostics org_findings("bomb-org.xml");
  CHECK(!raciflow::runtime::parse_organisation(std::string(kBomb) + R"(<organisation xmlns="urn:raciflow:org:1" name="&lol3;"/>)",
                                                org_findings));
  CHECK(findings(org_findings).find("bomb-org.xml:2: error: DOCTYPE declarations are not allowed") != std::string::npos);
  raciflow::definitions::Diagnostics wheel_findings("bomb-wheel.xml");
  CHECK(!raciflow::definitions::parse_wheel(std::string(kBomb) + R"(<wheel xmlns="urn:raciflow:wheel:1" name="&lol3;"/>)",
                                             wheel_findings));
  CHECK(findings(wheel_findings).find("bomb-wheel.xml:2: error: DOCTYPE declarations are not allowed") != std::string::npos);
}

TEST_CASE("a command-line argument that is not UTF-8 is refused with one line and changes nothing", "[hostile]") {
  Agency w;
  auto before = w.dump();
  auto r = w.cli({"start", "corrective-action", "--as", "anna", "--var", "title=\xC3\x28"});
  CHECK(r.code == 2);
  CHECK(r.err == "raciflow: argument 10 is not valid UTF-8\n");
  CHECK(w.dump() == before);
}
