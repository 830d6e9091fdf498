// `raciflow serve` as a child process on a free loopback port, for the reliability
// drivers (crash_loop.cpp, load.cpp).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

extern char** environ;

namespace raciflow::reliability {

inline unsigned short free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

// `raciflow serve` as a child process; it has accepted a connection when the constructor returns.
class Child {
 public:
  // `options`: after `serve --listen 127.0.0.1:PORT`; `globals`: before `serve`;
  // `open_files`: when not 0, the child's limit of open files (ulimit -n).
  Child(const std::string& raciflow, const std::string& db, std::vector<std::string> globals, unsigned short port, const std::string& log,
        std::vector<std::string> options, int open_files = 0) {
    std::vector<std::string> args = {raciflow, "--db", db, "--synchronous", "FULL"};
    args.insert(args.end(), globals.begin(), globals.end());
    args.insert(args.end(), {"serve", "--listen", "127.0.0.1:" + std::to_string(port)});
    args.insert(args.end(), options.begin(), options.end());
    if (open_files > 0)
      args.insert(args.begin(), {"/bin/sh", "-c", "ulimit -n " + std::to_string(open_files) + " && exec \"$0\" \"$@\""});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int rc = posix_spawn(&pid_, args.front().c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + args.front());
    for (int attempt = 0;; ++attempt) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        throw std::runtime_error("raciflow serve exited at start; see " + log);
      }
      try {
        boost::asio::io_context io;
        boost::asio::ip::tcp::socket socket(io);
        socket.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
        return;
      } catch (const std::exception&) {
        if (attempt > 1200) throw std::runtime_error("raciflow serve did not start; see " + log);
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
      }
    }
  }
  ~Child() { kill_now(); }
  void kill_now() { stop(SIGKILL); }
  // Sends `signal` and waits; returns the exit status (waitpid's).
  int stop(int signal) {
    if (pid_ == 0) return 0;
    ::kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
    return status;
  }

 private:
  pid_t pid_ = 0;
};

}  // namespace raciflow::reliability
