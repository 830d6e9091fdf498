// The runtime as a long-running service (the HTTP server's core): one writer thread runs
// every command in turn, so the store never has two writers; reads run on the caller's
// thread on a pooled read connection, in a snapshot that does not wait for the writer.
// The writer also fires due timers, escalations and timer starts every `tick_every`.
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
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
  //
  // Group commit: the writer takes every command queued at that moment (up to
  // kMaxBatch) and runs them one after another inside one store transaction; each
  // runtime command is still all-or-nothing on its own (a nested transaction), and each
  // caller gets its answer only after the whole batch is committed, so what it is told
  // is on disk. When the batch's commit fails, every caller in it gets that error.
  template <typename F>
  auto write(F f) -> decltype(f(std::declval<Context&>())) {
    using R = decltype(f(std::declval<Context&>()));
    auto pending = std::make_shared<Pending<R>>();
    auto result = pending->promise.get_future();
    Job job;
    job.run = [pending, f = std::move(f)](Context& c) mutable {
      try {
        if constexpr (std::is_void_v<R>) {
          f(c);
        } else {
          pending->value.emplace(f(c));
        }
      } catch (...) {
        pending->error = std::current_exception();
      }
    };
    job.answer = [pending](std::exception_ptr batch_error) {
      if (pending->error) {
        pending->promise.set_exception(pending->error);
      } else if (batch_error) {
        pending->promise.set_exception(batch_error);
      } else if constexpr (std::is_void_v<R>) {
        pending->promise.set_value();
      } else {
        pending->promise.set_value(std::move(*pending->value));
      }
    };
    post(std::move(job));
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

  // The service's clock, now.
  definitions::TimePoint now() const { return clock_(); }

  // Finishes the commands already queued, then stops the writer. Later writes throw.
  void stop();

  // How many commands the writer takes into one transaction at most.
  static constexpr std::size_t kMaxBatch = 256;
  // Batches committed and commands run since the start (for the benchmark and the log).
  std::size_t batches() const { return batches_.load(); }
  std::size_t commands() const { return commands_.load(); }
  // Commands waiting for the writer.
  std::size_t queued() {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }

 private:
  struct Lease {
    explicit Lease(Service& s);
    ~Lease();
    Service& service;
    std::unique_ptr<Store> store;
  };
  template <typename R>
  struct Pending {
    std::promise<R> promise;
    std::optional<std::conditional_t<std::is_void_v<R>, int, R>> value;
    std::exception_ptr error;  // what the command threw
  };
  struct Job {
    std::function<void(Context&)> run;                 // inside the batch's transaction
    std::function<void(std::exception_ptr)> answer;    // after the batch: null when it committed
  };
  void post(Job job);
  void loop();

  OpenStore open_;
  Clock clock_;
  std::chrono::milliseconds tick_every_;
  Log log_;
  std::unique_ptr<Store> writer_store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Store>> pool_;
  std::atomic<std::size_t> batches_{0}, commands_{0};
  std::thread writer_;
};

}  // namespace raciflow::runtime
