// A throwaway PostgreSQL cluster for the tests: `initdb` into a temporary directory,
// started on a unix socket there (no TCP port), as the `postgres` user when the tests run
// as root (PostgreSQL refuses root), stopped and removed when the test process ends.
// One cluster per test process, started on first use. The tests connect as `raciflow`, a
// role that is not a superuser, so that row-level security applies to it as it would in
// an installation; `admin_uri()` is the superuser's, for setting up and for inspection.
#pragma once

#include <libpq-fe.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

namespace raciflow::testing {

class PgCluster {
 public:
  // The cluster of this process, or null when PostgreSQL's server programs are not
  // installed (then `why` says what is missing). The tests' cluster skips fsync; a
  // `durable` one (the benchmark's, when it is the first call) syncs as a real server does.
  static PgCluster* get(std::string* why = nullptr, bool durable = false) {
    static std::unique_ptr<PgCluster> cluster;
    static std::string failure;
    if (!cluster && failure.empty()) {
      try {
        cluster.reset(new PgCluster(durable));
      } catch (const std::exception& e) {
        failure = e.what();
      }
    }
    if (why) *why = failure;
    return cluster.get();
  }

  ~PgCluster() {
    shell(as_owner(bin("pg_ctl") + " -D " + data() + " -m immediate -w stop") + " > /dev/null 2>&1");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // A new, empty database owned by `raciflow`; its URI for that role.
  std::string fresh_database() {
    std::string name = "raciflow_" + std::to_string(++databases_);
    admin("CREATE DATABASE " + name + " OWNER raciflow");
    return uri(name, "raciflow");
  }
  std::string uri(const std::string& database, const std::string& role) const {
    return "postgresql:///" + database + "?host=" + dir_.string() + "&user=" + role;
  }
  std::string admin_uri(const std::string& database) const { return uri(database, "admin"); }

  // Runs SQL as the superuser; throws with the server's message when it fails.
  void admin(const std::string& sql, const std::string& database = "postgres") const {
    PGconn* c = PQconnectdb(admin_uri(database).c_str());
    std::string error;
    if (PQstatus(c) != CONNECTION_OK) {
      error = PQerrorMessage(c);
    } else {
      PGresult* r = PQexec(c, sql.c_str());
      if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) error = PQerrorMessage(c);
      PQclear(r);
    }
    PQfinish(c);
    if (!error.empty()) throw std::runtime_error("PostgreSQL: " + error);
  }

  // Stops the server, and starts it again (an outage, a failover), on the same socket.
  void stop() const {
    if (shell(as_owner(bin("pg_ctl") + " -D " + data() + " -m fast -w stop") + " > /dev/null 2>&1") != 0)
      throw std::runtime_error("the test PostgreSQL server did not stop");
  }
  void start() const {
    std::string options = "-k " + dir_.string() + " -c listen_addresses=''" +
                          (durable_ ? " -c max_connections=300" : " -c fsync=off -c full_page_writes=off");
    if (shell(as_owner(bin("pg_ctl") + " -D " + data() + " -l " + (dir_ / "server.log").string() + " -w -o \"" + options +
                       "\" start") +
              " > /dev/null 2>&1") != 0)
      throw std::runtime_error("the test PostgreSQL server did not start; see " + (dir_ / "server.log").string());
  }
  void restart() const {
    if (shell(as_owner(bin("pg_ctl") + " -D " + data() + " -l " + (dir_ / "server.log").string() + " -m fast -w restart") +
              " > /dev/null 2>&1") != 0)
      throw std::runtime_error("the test PostgreSQL server did not restart");
  }

 private:
  explicit PgCluster(bool durable) : durable_(durable) {
    bin_ = find_bin();
    if (bin_.empty()) throw std::runtime_error("PostgreSQL's server programs (initdb, pg_ctl) are not installed");
    std::string pattern = (std::filesystem::temp_directory_path() / "raciflow-pg-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot make a directory for the test PostgreSQL cluster");
    dir_ = pattern;
    if (getuid() == 0) {
      // The server runs as `postgres`; the directory (and the socket in it) is its.
      if (shell("chown postgres: " + dir_.string()) != 0) throw std::runtime_error("cannot hand the cluster's directory to postgres");
    }
    if (shell(as_owner(bin("initdb") + " -D " + data() + " -U admin --auth=trust --no-sync --locale=C -E UTF8") + " > " +
              (dir_ / "initdb.log").string() + " 2>&1") != 0)
      throw std::runtime_error("initdb failed; see " + (dir_ / "initdb.log").string());
    start();
    admin("CREATE ROLE raciflow LOGIN");
  }

  static std::string find_bin() {
    for (const char* v : {"17", "16", "15", "14", "13"}) {
      std::string dir = std::string("/usr/lib/postgresql/") + v + "/bin";
      if (std::filesystem::exists(dir + "/initdb") && std::filesystem::exists(dir + "/pg_ctl")) return dir;
    }
    return {};
  }
  std::string bin(const std::string& program) const { return bin_ + "/" + program; }
  std::string data() const { return (dir_ / "data").string(); }
  static std::string as_owner(const std::string& command) {
    if (getuid() != 0) return command;
    return "runuser -u postgres -- " + command;
  }
  static int shell(const std::string& command) { return std::system(command.c_str()); }

  bool durable_ = false;
  std::string bin_;
  std::filesystem::path dir_;
  int databases_ = 0;
};

}  // namespace raciflow::testing
