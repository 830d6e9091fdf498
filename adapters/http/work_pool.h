// A few threads for work too slow for an I/O thread or the writer (a login's key
// derivation), with a bounded queue: when it is full, new work is turned away at once
// rather than queued without end.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace raciflow::http {

class WorkPool {
 public:
  WorkPool(std::size_t threads, std::size_t max_queued);
  ~WorkPool();  // runs what is queued, then joins
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `job`; false (and `job` dropped) when max_queued jobs already wait.
  bool try_post(std::function<void()> job);

 private:
  void loop();

  std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace raciflow::http
