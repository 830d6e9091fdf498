// The server's writer: group commit of concurrent commands.
#include <catch2/catch.hpp>

#include <future>
#include <set>
#include <thread>

#include "runtime/service.h"
#include "runtime_support.h"

using namespace raciflow::testing;
using raciflow::runtime::Service;

namespace {

// A service over the workspace's database, and a gate that holds the writer inside a
// command until opened, so that the commands sent meanwhile queue up behind it.
struct Writer {
  explicit Writer(Agency& w)
      : now(*raciflow::definitions::parse_date_time(w.clock)),
        service([&w] { return w.open_store(); }, [this] { return now; },
                std::chrono::hours(1), nullptr) {}

  // Sends a command that waits for the gate; returns once the writer is inside it.
  std::future<void> hold() {
    auto inside = std::make_shared<std::promise<void>>();
    auto entered = inside->get_future();
    auto held = std::async(std::launch::async, [this, inside] {
      service.write([&](Service::Context&) {
        inside->set_value();
        gate.get_future().wait();
        return 0;
      });
    });
    entered.wait();
    return held;
  }
  // Waits until `n` commands are queued behind the held one (no timing: it polls the count).
  void queued(std::size_t n) {
    while (service.queued() < n) std::this_thread::yield();
  }

  raciflow::definitions::TimePoint now;
  Service service;
  std::promise<void> gate;
};

}  // namespace

TEST_CASE("commands queued while the writer is busy are committed together, each all-or-nothing") {
  Agency w;
  Writer writer(w);
  auto held = writer.hold();
  std::vector<std::future<std::string>> started;
  for (int i = 0; i < 8; ++i)
    started.push_back(std::async(std::launch::async, [&] {
      return writer.service.write([](Service::Context& c) {
        return c.runtime.start("corrective-action", "anna", {{"source", "test"}});
      });
    }));
  // One command in the batch is refused: it changes nothing, and the others still land.
  auto refused = std::async(std::launch::async, [&] {
    return writer.service.write([](Service::Context& c) { return c.runtime.start("corrective-action", "nobody", nlohmann::json::object()); });
  });
  writer.queued(9);
  std::size_t batches_before = writer.service.batches();
  writer.gate.set_value();
  held.get();
  std::set<std::string> ids;
  for (auto& f : started) ids.insert(f.get());
  CHECK_THROWS_WITH(refused.get(), Catch::Contains("unknown person 'nobody'"));
  writer.service.stop();
  // The held command was a batch of its own; the eight starts and the refusal queued
  // behind it ran as the next one: one commit for nine commands.
  CHECK(writer.service.batches() == batches_before + 2);
  CHECK(ids.size() == 8);
  auto cases = w.cli({"cases", "--json"}).json();
  CHECK(cases.size() == 8);
  CHECK(w.cli({"audit", "verify"}).code == 0);
}

TEST_CASE("a command's answer comes only after its batch is committed") {
  Agency w;
  Writer writer(w);
  auto held = writer.hold();
  auto started = std::async(std::launch::async, [&] {
    return writer.service.write([](Service::Context& c) { return c.runtime.start("corrective-action", "anna", nlohmann::json::object()); });
  });
  writer.queued(1);
  writer.gate.set_value();
  held.get();
  std::string id = started.get();
  // Another connection sees the case as soon as the caller has its answer.
  auto seen = writer.service.read([&](Service::Context& c) { return c.store.find_case(id).has_value(); });
  CHECK(seen);
}
