// A progress line for long commands (audit verify): done of total, the rate and the time
// left, redrawn on the terminal a few times a second and cleared at the end. Silent when
// stdout is not a terminal (a script, a pipe, a test) or with --quiet.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include <unistd.h>

namespace raciflow::cli {

class Progress {
 public:
  Progress(std::string what, bool quiet)
      : what_(std::move(what)), on_(!quiet && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO)),
        start_(std::chrono::steady_clock::now()) {}
  ~Progress() { clear(); }
  // Takes the line away, before the command prints its result.
  void clear() {
    if (on_ && drawn_) std::fputs("\r\033[K", stderr);
    drawn_ = false;
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void operator()(std::int64_t done, std::int64_t total) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(250) && done < total) return;
    last_ = now;
    drawn_ = true;
    double seconds = std::chrono::duration<double>(now - start_).count();
    double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    std::string left = rate > 0 && total > done ? ", " + std::to_string(static_cast<long>((total - done) / rate) + 1) + " s left" : "";
    std::fprintf(stderr, "\r\033[K%s %lld of %lld (%d%%), %ld a second%s", what_.c_str(), static_cast<long long>(done),
                 static_cast<long long>(total), total > 0 ? static_cast<int>(100 * done / total) : 100, static_cast<long>(rate),
                 left.c_str());
    std::fflush(stderr);
  }

 private:
  std::string what_;
  bool on_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace raciflow::cli
