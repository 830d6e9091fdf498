// The runtime as a long-running service (the HTTP server's core): one writer thread runs
// every command in turn, so the store never has two writers; reads run on the caller's
// thread on a pooled read connection, in a snapshot that does not wait for the writer.
// The writer also fires due timers, escalations and timer starts every `tick_every`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/accounts.h"
#include "runtime/runtime.h"

namespace raciflow::runtime {

class Service {
 public:
  using OpenStore = std::function<std::unique_ptr<Store>()>;
  using Clock = std::function<definitions::TimePoint()>;
  using Log = std::function<void(const std::string&)>;

  // What a command or a read works with; `runtime` and `accounts` run at clock() now.
  struct Context {
    Store& store;
    Runtime& runtime;
    Accounts& accounts;
    definitions::TimePoint now;
  };

  // Opens the writer's store at once (a StoreError here means the database cannot be used).
  Service(OpenStore open, Clock clock, std::chrono::milliseconds tick_every, Log log);
  ~Service();  // stop()
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Runs `f` on the writer thread and returns its result, or rethrows what it threw.
  template <typename F>
  auto write(F f) -> decltype(f(std::declval<Context&>())) {
    using R = decltype(f(std::declval<Context&>()));
    auto task = std::make_shared<std::packaged_task<R(Context&)>>(std::move(f));
    auto result = task->get_future();
    post([task](Context& c) { (*task)(c); });
    return result.get();
  }

  // Runs `f` here, on a read connection inside a read snapshot.
  template <typename F>
  auto read(F f) -> decltype(f(std::declval<Context&>())) {
    Lease lease(*this);
    auto snapshot = lease.store->begin_read();
    Runtime runtime(*lease.store, clock_());
    Accounts accounts(*lease.store, clock_());
    Context c{*lease.store, runtime, accounts, clock_()};
    return f(c);
  }

  // Finishes the commands already queued, then stops the writer. Later writes throw.
  void stop();

 private:
  struct Lease {
    explicit Lease(Service& s);
    ~Lease();
    Service& service;
    std::unique_ptr<Store> store;
  };
  void post(std::function<void(Context&)> job);
  void loop();

  OpenStore open_;
  Clock clock_;
  std::chrono::milliseconds tick_every_;
  Log log_;
  std::unique_ptr<Store> writer_store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void(Context&)>> queue_;
  bool stopping_ = false;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Store>> pool_;
  std::thread writer_;
};

}  // namespace raciflow::runtime
