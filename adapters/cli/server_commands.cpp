// The commands of the HTTP server and its logins: serve, password, token.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include <nlohmann/json.hpp>

#include "adapters/cli/cli.h"
#include "adapters/cli/command.h"
#include "adapters/cli/progress.h"
#include "adapters/cli/sso_config.h"
#include "adapters/delivery/delivery.h"
#include "adapters/http/api.h"
#include "adapters/http/server.h"
#include "adapters/http/tenant_hosts.h"
#include "adapters/render/text_table.h"
#include "runtime/accounts.h"
#include "runtime/pg_store.h"
#include "runtime/service.h"
#include "runtime/sqlite_store.h"

namespace raciflow::cli {

using nlohmann::json;

namespace {

// One organisation's part of a server: its service (the writer, the timers), its API and
// its courier. A server for one store has one; a server with --tenant-domain one per tenant.
class Organisation final : public http::Handler {
 public:
  Organisation(const Globals& g, int tick, const http::ApiOptions& api_options, const delivery::Settings& settings)
      : globals_(g),
        service_([this] { return open_store(globals_, false); }, [this] { return clock_now(globals_); }, std::chrono::seconds(tick),
                 [tenant = g.tenant](const std::string& line) { std::cerr << (tenant.empty() ? "" : tenant + ": ") << line << "\n"; }),
        api_(service_, api_options) {
    // Always: an organisation loaded later may bring webhooks; without any channel a round
    // leaves the outbox as it is.
    courier_ = std::make_unique<delivery::Courier>(service_, settings, std::chrono::seconds(tick),
                                                     [](const std::string& line) { std::cerr << line << "\n"; });
  }
  ~Organisation() override {
    if (courier_) courier_->stop();
    service_.stop();
  }
  void handle_async(const http::HttpRequest& request, std::function<void(http::HttpResponse)> done) override {
    api_.handle_async(request, std::move(done));
  }
  void flush_refusals(bool force) override { api_.flush_refusals(force); }
  http::Api& api() { return api_; }

 private:
  Globals globals_;
  runtime::Service service_;
  http::Api api_;
  std::unique_ptr<delivery::Courier> courier_;
};

// A database with nothing in it (or none at all) has nobody to log in: say what to run.
void refuse_nothing_to_serve(const Globals& g) {
  std::error_code ec;
  bool empty = !runtime::is_postgres_uri(g.db) && !std::filesystem::exists(g.db, ec);
  if (!empty) {
    auto store = open_store(g, false);
    empty = !store->organisation() && store->latest_definitions().empty();
  }
  if (empty)
    throw std::runtime_error(runtime::shown_uri(g.db) +
                             " holds nothing to serve yet: for a demo with sample people and cases, run 'bash .ci/demo --serve' "
                             "in raciflow's folder; for your own, deploy your flows and load your organisation "
                             "('raciflow deploy FILE...', 'raciflow org load FILE', docs/deployment.md)");
}

// "https://isms.example.org" -> "https://kommune-a.isms.example.org": a tenant's own address.
std::string tenant_origin(const std::string& origin, const std::string& tenant) {
  auto at = origin.find("://");
  return at == std::string::npos ? origin : origin.substr(0, at + 3) + tenant + "." + origin.substr(at + 3);
}

// A DNS name: labels of letters, digits and inner hyphens, joined by dots.
constexpr const char* kHostName = R"([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)";

// The names the server answers to: its --listen address (any IP address when that is
// every address), localhost, --base-url's host, the tenant domain and what
// --allowed-host adds. Anything else in a Host header is refused (DNS rebinding).
http::HostNames own_host_names(const po::variables_map& vm, const std::string& address, const std::string& origin,
                               const std::string& domain) {
  http::HostNames hosts;
  auto add = [&](const std::string& name) { hosts.names.push_back(http::host_name_of(name)); };
  if (address == "0.0.0.0" || address == "::" || address.empty())
    hosts.ip_literals = true;
  else
    add(address.find(':') != std::string::npos ? "[" + address + "]" : address);
  for (const char* local : {"localhost", "127.0.0.1", "[::1]"}) add(local);
  std::string base = origin.empty() ? "" : http::host_name_of(origin.substr(origin.find("://") + 3));
  if (!base.empty()) hosts.names.push_back(base);
  if (!domain.empty()) {  // each tenant at ID.DOMAIN, or at ID. and --base-url's host
    add(domain);
    hosts.names.push_back("." + http::host_name_of(domain));
    if (!base.empty()) hosts.names.push_back("." + base);
  }
  if (vm.count("allowed-host"))
    for (const auto& name : vm["allowed-host"].as<std::vector<std::string>>()) {
      static const std::regex host_pattern("\\.?" + std::string(kHostName));
      if (!std::regex_match(name, host_pattern))
        throw UsageError{"--allowed-host '" + name + "' is not a host name (e.g. isms.example.org, or .example.org for every name under it)"};
      if (name.front() == '.') hosts.names.push_back(http::host_name_of(name.substr(1)).insert(0, "."));
      else add(name);
    }
  return hosts;
}

bool is_loopback(const std::string& address) {
  return address == "localhost" || address == "::1" || address.rfind("127.", 0) == 0;
}

int cmd_serve(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  static const std::regex listen_pattern(R"((.+):([0-9]{1,5}))");
  std::smatch m;
  const auto& listen = vm["listen"].as<std::string>();
  if (!std::regex_match(listen, m, listen_pattern) || std::stoi(m[2]) > 65535)
    throw UsageError{"--listen '" + listen + "' is not HOST:PORT (e.g. 127.0.0.1:8080)"};
  http::ServerOptions options;
  options.address = m[1];
  if (options.address.size() > 2 && options.address.front() == '[') options.address = options.address.substr(1, options.address.size() - 2);
  options.port = static_cast<unsigned short>(std::stoi(m[2]));
  options.threads = vm["threads"].as<int>();
  if (options.threads < 1 || options.threads > 64) throw UsageError{"--threads is between 1 and 64"};
  if (vm.count("max-connections")) {
    int cap = vm["max-connections"].as<int>();
    if (cap < 1 || cap > 1000000) throw UsageError{"--max-connections is between 1 and 1000000"};
    options.max_connections = static_cast<std::size_t>(cap);
  }
  int tick = vm["tick"].as<int>();
  if (tick < 1) throw UsageError{"--tick is at least 1 second"};
  std::string domain = vm.count("tenant-domain") ? vm["tenant-domain"].as<std::string>() : "";
  if (!domain.empty()) {
    static const std::regex domain_pattern(kHostName);
    if (!std::regex_match(domain, domain_pattern)) throw UsageError{"--tenant-domain '" + domain + "' is not a host name (e.g. isms.example.org)"};
    if (!runtime::is_postgres_uri(g.db)) throw UsageError{"--tenant-domain serves the tenants of a PostgreSQL database; " + g.db + " is a SQLite file"};
    if (!g.tenant.empty()) throw UsageError{"--tenant-domain serves every tenant; leave out --tenant"};
  }
  clock_now(g);  // a bad --clock fails here
  http::ApiOptions api_options;
  api_options.session_lifetime = std::chrono::hours(vm["session-hours"].as<int>());
  if (vm.count("base-url")) {
    // The app's origin is the scheme, host and port of its address.
    static const std::regex origin_pattern(R"((https?://[^/?#]+)(?:[/?#].*)?)");
    std::smatch o;
    const auto& base = vm["base-url"].as<std::string>();
    if (!std::regex_match(base, o, origin_pattern)) throw UsageError{"--base-url '" + base + "' is not an http:// or https:// address"};
    api_options.public_origin = o[1];
  }
  api_options.sso = sso_from_serve(vm, !domain.empty());
  api_options.passwords = vm.count("no-passwords") == 0;
  if (!api_options.passwords && domain.empty() && !api_options.sso.enabled())
    throw UsageError{"--no-passwords leaves no way to log in to the web app without single sign-on (--oidc-issuer)"};
  if (api_options.sso.enabled() && api_options.public_origin.empty() && !is_loopback(options.address))
    throw UsageError{"single sign-on on " + options.address + " needs --base-url: the address the provider sends the browser back to"};
  if (vm.count("bpmn-js")) api_options.bpmn_js_dir = vm["bpmn-js"].as<std::string>();
  int attachment_mb = vm["attachment-limit"].as<int>();
  if (attachment_mb < 1 || attachment_mb > 1024) throw UsageError{"--attachment-limit is between 1 and 1024 (MB)"};
  api_options.attachment_limit = static_cast<std::size_t>(attachment_mb) * 1024 * 1024;
  options.upload_limit = api_options.attachment_limit;
  api_options.hosts = own_host_names(vm, options.address, api_options.public_origin, domain);
  auto settings = delivery_settings(vm);
  auto log = [](const std::string& line) { std::cerr << line << "\n"; };

  if (domain.empty()) refuse_nothing_to_serve(g);

  // One organisation: the store's. Several: one per tenant, at TENANT.DOMAIN.
  std::unique_ptr<http::Handler> handler;
  std::string what = g.db;
  if (domain.empty()) {
    auto one = std::make_unique<Organisation>(g, tick, api_options, settings);
    if (auto why = one->api().modeler_unavailable(); !why.empty()) std::cerr << "raciflow serve: the Model screen is off: " << why << std::endl;
    handler = std::move(one);
  } else {
    // Supervision reaches another tenant's Api through the router, once it is made.
    auto router = std::make_shared<http::TenantHosts*>(nullptr);
    auto make = [g, tick, api_options, settings, router](const std::string& tenant) -> std::unique_ptr<http::Handler> {
      Globals mine = g;
      mine.tenant = tenant;
      http::ApiOptions o = api_options;
      o.tenant = tenant;
      for (const auto& t : runtime::list_tenants(mine.db))
        if (t.id == tenant) o.sso = sso_from_json(t.sso);
      if (!o.sso.enabled()) o.passwords = true;  // --no-passwords is for the tenants that have single sign-on
      o.other = [router](const std::string& id) -> http::Api* {
        auto* organisation = *router ? dynamic_cast<Organisation*>((*router)->find(id)) : nullptr;
        return organisation ? &organisation->api() : nullptr;
      };
      if (!o.public_origin.empty()) o.public_origin = tenant_origin(o.public_origin, tenant);
      delivery::Settings s = settings;
      if (!s.base_url.empty()) s.base_url = tenant_origin(s.base_url, tenant);
      return std::make_unique<Organisation>(mine, tick, o, s);
    };
    auto list = [db = g.db] {
      std::vector<std::string> ids;
      for (const auto& t : runtime::list_tenants(db)) ids.push_back(t.id);
      return ids;
    };
    auto hosts = std::make_unique<http::TenantHosts>(domain, list, make, log);
    *router = hosts.get();
    what = "the tenants of " + runtime::shown_uri(g.db) + " (" + std::to_string(hosts->served().size()) + " now) at TENANT." + domain;
    handler = std::move(hosts);
  }
  if (runtime::is_postgres_uri(what)) what = runtime::shown_uri(what);
  http::Server server(*handler, options);
  out << "raciflow serving " << what << " on http://" << listen.substr(0, listen.rfind(':')) << ":" << server.port() << "/"
      << " (at most " << server.max_connections() << " connections)" << std::endl;
  server.run();
  handler.reset();
  out << "raciflow stopped" << std::endl;
  return kExitOk;
}

std::string read_password(const po::variables_map& vm) {
  std::string password;
  if (vm.count("password-file")) {
    std::ifstream in(vm["password-file"].as<std::string>());
    if (!in) throw std::runtime_error(vm["password-file"].as<std::string>() + ": cannot read the password file");
    std::getline(in, password);
  } else {
    std::getline(std::cin, password);
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

int cmd_password(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  auto args = vm["args"].as<std::vector<std::string>>();
  if (args.size() != 2 || args[0] != "set") throw UsageError{"password takes 'set PERSON'"};
  std::string password = read_password(vm);
  auto store = open_store(g, false);
  runtime::Accounts accounts(*store, clock_now(g));
  accounts.set_password(args[1], password, operator_name(vm));
  out << "password set for " << args[1] << "\n";
  return kExitOk;
}

int cmd_token(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  auto args = vm["args"].as<std::vector<std::string>>();
  auto store = open_store(g, false);
  runtime::Accounts accounts(*store, clock_now(g));
  if (args[0] == "create" && args.size() == 2) {
    std::optional<definitions::TimePoint> expires;
    if (vm.count("expires")) {
      std::string why;
      expires = definitions::parse_date_time(vm["expires"].as<std::string>(), &why);
      if (!expires) throw UsageError{"--expires is not an ISO 8601 date-time (" + why + ")"};
    }
    auto made = accounts.create_token(args[1], vm.count("name") ? vm["name"].as<std::string>() : "", expires, operator_name(vm));
    out << made.secret << "\n";
    return kExitOk;
  }
  if (args[0] == "list" && args.size() == 1) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : store->tokens())
      rows.push_back({std::to_string(t.id), t.person, t.name, t.created_at, t.expires_at, t.revoked ? "revoked" : "valid"});
    out << (rows.empty() ? "no tokens\n" : render::format_text_table({"ID", "PERSON", "NAME", "CREATED", "EXPIRES", "STATE"}, rows));
    return kExitOk;
  }
  if (args[0] == "revoke" && args.size() == 2) {
    static const std::regex digits("[1-9][0-9]{0,17}");
    if (!std::regex_match(args[1], digits)) throw UsageError{"'" + args[1] + "' is not a token id (see 'raciflow token list')"};
    accounts.revoke_token(std::stoll(args[1]), operator_name(vm));
    out << "token " << args[1] << " revoked\n";
    return kExitOk;
  }
  throw UsageError{"token takes 'create PERSON', 'list' or 'revoke ID'"};
}

// The installation's operator: organisations in a PostgreSQL database. Global --db only.
int cmd_tenant(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  auto args = vm["args"].as<std::vector<std::string>>();
  if (!runtime::is_postgres_uri(g.db))
    throw std::runtime_error(g.db + " is a SQLite file, which holds one organisation; tenants live in a PostgreSQL database "
                 "(--db postgresql://...)");
  if (!g.tenant.empty()) throw UsageError{"tenant works on the whole database: leave out --tenant (and RACIFLOW_TENANT)"};
  if (args[0] == "create" && args.size() == 2) {
    if (!runtime::valid_tenant_id(args[1]))
      throw UsageError{"'" + args[1] + "' cannot name a tenant: 1 to 63 of a-z, 0-9 and '-', not starting with '-'"};
    std::string name = vm.count("name") ? vm["name"].as<std::string>() : args[1];
    runtime::create_tenant(g.db, {args[1], name, definitions::format_date_time(clock_now(g)), {}, ""});
    out << "tenant " << args[1] << " created\n";
    return kExitOk;
  }
  if (args[0] == "list" && args.size() == 1) {
    auto tenants = runtime::list_tenants(g.db);
    if (vm.count("json")) {
      json list = json::array();
      for (const auto& t : tenants)
        list.push_back({{"id", t.id}, {"name", t.name}, {"created", t.created_at}, {"supervises", t.supervises},
                        {"ssoIssuer", sso_from_json(t.sso).issuer}});
      out << list.dump(2) << "\n";
      return kExitOk;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : tenants) {
      std::string supervises;
      for (const auto& id : t.supervises) supervises += (supervises.empty() ? "" : ", ") + id;
      rows.push_back({t.id, t.name, t.created_at, supervises, sso_from_json(t.sso).issuer});
    }
    out << (rows.empty() ? "no tenants\n" : render::format_text_table({"TENANT", "NAME", "CREATED", "SUPERVISES", "SSO"}, rows));
    return kExitOk;
  }
  if (args[0] == "sso" && args.size() == 2) return tenant_sso(vm, args, g, clock_now(g), operator_name(vm), out);
  if ((args[0] == "supervise" || args[0] == "unsupervise") && args.size() == 3) {
    // The grant is the operator's; the supervised organisation's trail says it happened.
    bool granted = args[0] == "supervise";
    auto now = clock_now(g);
    if (granted) {
      runtime::grant_supervision(g.db, args[1], args[2], definitions::format_date_time(now));
    } else {
      runtime::revoke_supervision(g.db, args[1], args[2]);
    }
    Globals supervised = g;
    supervised.tenant = args[2];
    auto store = open_store(supervised, false);
    runtime::Accounts(*store, now).record_supervision(granted, args[1], operator_name(vm));
    out << "tenant " << args[1] << (granted ? " may now read " : " may no longer read ") << args[2] << "\n";
    return kExitOk;
  }
  throw UsageError{"tenant takes 'create ID', 'list', 'sso TENANT', 'supervise SUPERVISOR SUPERVISED' or 'unsupervise SUPERVISOR SUPERVISED'"};
}

// Moving up: a SQLite file copied into a tenant of a PostgreSQL database, chain intact.
int cmd_migrate(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  const auto& from = vm["from"].as<std::string>();
  const auto& to = vm["to"].as<std::string>();
  if (runtime::is_postgres_uri(from)) throw UsageError{"--from is a SQLite file; a PostgreSQL database is the --to"};
  if (!runtime::is_postgres_uri(to)) throw UsageError{"--to is a PostgreSQL database (postgresql://...)"};
  if (g.tenant.empty()) throw UsageError{"migrate needs --tenant ID (or RACIFLOW_TENANT): the organisation to copy into"};
  if (!runtime::valid_tenant_id(g.tenant))
    throw UsageError{"'" + g.tenant + "' cannot name a tenant: 1 to 63 of a-z, 0-9 and '-', not starting with '-'"};
  if (!std::filesystem::exists(from)) throw std::runtime_error(from + ": no such file");
  auto source = runtime::sqlite_table_source(from);
  std::string name = g.tenant;
  if (auto org = runtime::open_sqlite_store(from, {"FULL", 2000, false})->organisation()) name = org->name;
  Progress progress("migrate: rows copied", vm.count("quiet") > 0);
  auto report = runtime::copy_into_tenant(to, {g.tenant, name, definitions::format_date_time(clock_now(g)), {}}, *source,
                                          [&](std::int64_t done, std::int64_t total) { progress(done, total); });
  progress.clear();
  out << "copied " << from << " into tenant " << g.tenant << ": " << report.records << " records, " << report.cases
      << " cases, " << report.tasks << " tasks (" << report.rows << " rows)\n";
  return kExitOk;
}

}  // namespace

void add_server_commands(std::map<std::string, Command>& t) {
  t["migrate"] = {"copy a SQLite database into a tenant of a PostgreSQL database, its audit chain intact",
                  "raciflow migrate --from FILE.db --to postgresql://... --tenant ID [--quiet]",
                  [](po::options_description& o) {
                    o.add_options()("from", po::value<std::string>()->required(), "the SQLite file")(
                        "to", po::value<std::string>()->required(), "the PostgreSQL database (a libpq URI)")(
                        "quiet", "no progress line on a terminal");
                  },
                  cmd_migrate, ""};
  t["tenant"] = {"organisations in a PostgreSQL database: create and list them, let one read others (the installation's operator)",
                 "raciflow --db postgresql://... tenant create ID [--name NAME] | tenant list [--json] | "
                 "tenant sso TENANT --issuer URL --client-id ID [--client-secret-file FILE] [--accept-issuer URL]... [--name NAME] "
                 "[--create-people] | tenant sso TENANT --off | "
                 "tenant supervise SUPERVISOR SUPERVISED [--as PERSON] | tenant unsupervise SUPERVISOR SUPERVISED [--as PERSON]",
                 [](po::options_description& o) {
                   sso_tenant_options(o);
                   o.add_options()("name", po::value<std::string>(), "the organisation's name (tenant create), or the provider's on the login button (tenant sso)")(
                       "json", "print JSON")("as", po::value<std::string>(), "who grants or revokes supervision (default: the login name)")(
                       "args", po::value<std::vector<std::string>>()->required(), "create ID | list | sso TENANT | supervise A B | unsupervise A B");
                 },
                 cmd_tenant, "args", "'create ID', 'list', 'sso TENANT', 'supervise SUPERVISOR SUPERVISED' or 'unsupervise SUPERVISOR SUPERVISED'"};
  t["serve"] = {"serve the HTTP API and the web app until SIGINT or SIGTERM",
                "raciflow serve [--listen HOST:PORT] [--threads N] [--max-connections N] [--tick SECONDS] [--session-hours H] [--log FILE] "
                "[--smtp smtp://HOST:PORT] [--from ADDRESS] [--base-url URL] [--bpmn-js DIR] [--tenant-domain DOMAIN] "
                "[--allowed-host NAME]... [--oidc-issuer URL --oidc-client-id ID [--oidc-client-secret-file FILE] "
                "[--oidc-accept-issuer URL]... [--oidc-name NAME] [--sso-create-people]] [--no-passwords]",
                [](po::options_description& o) {
                  delivery_options(o);
                  sso_serve_options(o);
                  o.add_options()("listen", po::value<std::string>()->default_value("127.0.0.1:8080"), "address and port")(
                      "threads", po::value<int>()->default_value(4), "I/O threads")(
                      "attachment-limit", po::value<int>()->default_value(25), "the largest attachment, in MB")(
                      "max-connections", po::value<int>(),
                      "connections open at once; beyond, a new one gets 503 (default: half the open-file limit, 16 to 4096)")(
                      "tick", po::value<int>()->default_value(30), "seconds between firing due timers and escalations")(
                      "session-hours", po::value<int>()->default_value(8), "how long a login lasts")(
                      "bpmn-js", po::value<std::string>(),
                      "bpmn-js's dist folder for the Model screen and case diagrams (default: the npm install in the source tree)")(
                      "tenant-domain", po::value<std::string>(),
                      "serve every tenant of the PostgreSQL database, tenant ID at ID.DOMAIN (e.g. kommune-a.isms.example.org)")(
                      "allowed-host", po::value<std::vector<std::string>>()->composing(),
                      "a host name the server also answers to (repeatable; besides the --listen address, localhost, "
                      "--base-url's host and the tenant domain)");
                },
                cmd_serve, ""};
  t["password"] = {"set a person's password for the web app (read from the first line of stdin)",
                   "raciflow password set PERSON [--password-file FILE] [--as PERSON]",
                   [](po::options_description& o) {
                     o.add_options()("password-file", po::value<std::string>(), "read the password from this file's first line")(
                         "as", po::value<std::string>(), "who sets it (default: the login name)")(
                         "args", po::value<std::vector<std::string>>()->required(), "set PERSON");
                   },
                   cmd_password, "args", "'set PERSON'"};
  t["token"] = {"API tokens for scripts: create one for a person (printed once), list or revoke them",
                "raciflow token create PERSON [--name NAME] [--expires ISO8601] | token list | token revoke ID",
                [](po::options_description& o) {
                  o.add_options()("name", po::value<std::string>(), "what the token is for")(
                      "expires", po::value<std::string>(), "when it stops working")(
                      "as", po::value<std::string>(), "who creates it (default: the login name)")(
                      "args", po::value<std::vector<std::string>>()->required(), "create PERSON | list | revoke ID");
                },
                cmd_token, "args", "'create PERSON', 'list' or 'revoke ID'"};
}

}  // namespace raciflow::cli
