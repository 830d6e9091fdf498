#include "runtime/service.h"

namespace raciflow::runtime {

Service::Service(OpenStore open, Clock clock, std::chrono::milliseconds tick_every, Log log)
    : open_(std::move(open)), clock_(std::move(clock)), tick_every_(tick_every), log_(std::move(log)), writer_store_(open_()) {
  writer_ = std::thread([this] { loop(); });
}

Service::~Service() { stop(); }

void Service::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void Service::post(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw StoreError("the server is stopping; the command was not run");
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void Service::loop() {
  std::optional<Runtime> runtime;
  runtime.emplace(*writer_store_, clock_());
  Accounts accounts(*writer_store_, clock_());
  auto next_tick = std::chrono::steady_clock::now();
  for (;;) {
    std::vector<Job> batch;
    bool tick = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_tick, [&] { return stopping_ || !queue_.empty(); });
      if (!queue_.empty()) {
        while (!queue_.empty() && batch.size() < kMaxBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      } else if (stopping_) {
        return;
      } else {
        tick = std::chrono::steady_clock::now() >= next_tick;
      }
    }
    auto now = clock_();
    runtime->set_now(now);
    accounts.set_now(now);
    Context context{*writer_store_, *runtime, accounts, now};
    if (!batch.empty()) {
      std::exception_ptr failed;
      try {
        auto transaction = writer_store_->begin();
        for (auto& job : batch) job.run(context);  // each command keeps its own all-or-nothing
        transaction->commit();
      } catch (...) {
        failed = std::current_exception();
        // What the runtime remembers may include writes that were rolled back.
        runtime.emplace(*writer_store_, now);
        if (log_) {
          try {
            std::rethrow_exception(failed);
          } catch (const std::exception& e) {
            log_(std::string("a batch of ") + std::to_string(batch.size()) + " commands failed: " + e.what());
          }
        }
      }
      ++batches_;
      commands_ += batch.size();
      for (auto& job : batch) job.answer(failed);
    } else if (tick) {
      next_tick = std::chrono::steady_clock::now() + tick_every_;
      try {
        auto touched = runtime->tick();
        if (!touched.empty() && log_) log_("tick: " + std::to_string(touched.size()) + " cases moved on");
      } catch (const std::exception& e) {
        if (log_) log_(std::string("tick failed: ") + e.what());
      }
    }
  }
}

Service::Lease::Lease(Service& s) : service(s) {
  {
    std::lock_guard lock(s.pool_mutex_);
    if (!s.pool_.empty()) {
      store = std::move(s.pool_.back());
      s.pool_.pop_back();
    }
  }
  if (!store) store = s.open_();
}

Service::Lease::~Lease() {
  std::lock_guard lock(service.pool_mutex_);
  service.pool_.push_back(std::move(store));
}

}  // namespace raciflow::runtime
