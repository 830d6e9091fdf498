// The house's guard (docs/architecture.md): reads every #include of the product's sources
// and fails, naming file and line, when a lower floor includes a higher one, when one
// adapter includes another adapter's internals, when a floor includes a third-party header
// of a library it does not link, or when the files of a folder include each other in a
// circle. Shown first to catch what is planted in a fixture, then run on the real tree.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// The floors, lowest first, and the third-party libraries each links (CMakeLists.txt).
struct Floor {
  std::string folder;
  std::set<std::string> libraries;
};
const std::vector<Floor>& floors() {
  static const std::vector<Floor> kFloors = {
      {"definitions", {"nlohmann_json", "pugixml", "Boost.Graph", "RE2"}},
      {"engine", {"nlohmann_json"}},
      {"runtime", {"nlohmann_json", "SQLite", "libpq", "OpenSSL"}},
      {"adapters", {"nlohmann_json", "pugixml", "Boost.Asio/Beast", "Boost.Program_options", "curl", "OpenSSL", "spdlog", "libxlsxwriter", "cjose", "libical"}},
  };
  return kFloors;
}

// Which library a third-party header belongs to; "system" for the C library and POSIX.
std::string library_of(const std::string& header) {
  static const std::vector<std::pair<std::string, std::string>> kPrefixes = {
      {"nlohmann/", "nlohmann_json"}, {"pugixml.hpp", "pugixml"},   {"boost/graph/", "Boost.Graph"},
      {"boost/asio", "Boost.Asio/Beast"}, {"boost/beast", "Boost.Asio/Beast"}, {"boost/program_options", "Boost.Program_options"},
      {"SQLiteCpp/", "SQLite"},       {"sqlite3.h", "SQLite"},      {"libpq-fe.h", "libpq"},
      {"openssl/", "OpenSSL"},        {"curl/", "curl"},            {"spdlog/", "spdlog"},
      {"re2/", "RE2"},                {"xlsxwriter.h", "libxlsxwriter"}, {"cjose/", "cjose"}, {"libical/", "libical"},
      {"unistd.h", "system"},         {"sys/", "system"},           {"fcntl.h", "system"},
      {"signal.h", "system"},         {"poll.h", "system"},
  };
  for (const auto& [prefix, library] : kPrefixes)
    if (header.rfind(prefix, 0) == 0) return library;
  if (header.find('.') == std::string::npos && header.find('/') == std::string::npos) return "system";  // <vector>
  return "";  // unknown: a library no floor links
}

// The headers of an adapter that other adapters may include; the rest are its own.
const std::map<std::string, std::set<std::string>>& adapter_interfaces() {
  static const std::map<std::string, std::set<std::string>> kInterfaces = {
      {"cli", {}},
      {"delivery", {"delivery.h"}},
      {"http", {"api.h", "message.h", "server.h", "host_names.h", "tenant_hosts.h", "sso_settings.h"}},
      {"render", {"*"}},  // a library of renderers, for every adapter
      {"web", {}},
  };
  return kInterfaces;
}

int floor_of(const std::string& path) {
  for (std::size_t i = 0; i < floors().size(); ++i)
    if (path.rfind(floors()[i].folder + "/", 0) == 0) return static_cast<int>(i);
  return -1;
}

std::string folder_of(const std::string& path) { return path.substr(0, path.rfind('/')); }
// The component a file belongs to: x.h, x.cpp and x_internal.h (x's private part, shared
// by the files that implement it) are one.
std::string stem_of(const std::string& path) {
  std::string name = path.substr(path.rfind('/') + 1);
  name = name.substr(0, name.rfind('.'));
  const std::string internal = "_internal";
  if (name.size() > internal.size() && name.compare(name.size() - internal.size(), internal.size(), internal) == 0)
    name.resize(name.size() - internal.size());
  return folder_of(path) + "/" + name;
}

struct Include {
  std::string file;  // relative to the root
  int line = 0;
  std::string header;
  bool system = false;  // <...>
};

std::vector<Include> includes_under(const fs::path& root) {
  static const std::regex include(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  std::vector<Include> out;
  for (const auto& floor : floors()) {
    if (!fs::exists(root / floor.folder)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / floor.folder)) {
      std::string rel = fs::relative(entry.path(), root).generic_string();
      if (rel.find("node_modules") != std::string::npos || !entry.is_regular_file()) continue;
      std::string ext = entry.path().extension().string();
      if (ext != ".h" && ext != ".cpp") continue;
      std::ifstream in(entry.path());
      std::string text;
      int number = 0;
      for (std::string line; std::getline(in, line);) {
        ++number;
        std::smatch m;
        if (std::regex_search(line, m, include)) out.push_back({rel, number, m[2], m[1] == "<"});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Include& a, const Include& b) { return std::tie(a.file, a.line) < std::tie(b.file, b.line); });
  return out;
}

// Every breach of the house's rules under `root`, one line each: FILE:LINE: what.
std::vector<std::string> violations(const fs::path& root) {
  std::vector<std::string> out;
  auto includes = includes_under(root);
  std::map<std::string, std::set<std::string>> edges;  // within a folder: component -> component
  std::map<std::pair<std::string, std::string>, Include> where;
  for (const auto& inc : includes) {
    std::string at = inc.file + ":" + std::to_string(inc.line) + ": ";
    int mine = floor_of(inc.file);
    if (inc.system) {
      std::string library = library_of(inc.header);
      if (library == "system") continue;
      if (library.empty()) {
        out.push_back(at + "<" + inc.header + "> is of a library no floor links");
      } else if (!floors()[mine].libraries.count(library)) {
        out.push_back(at + floors()[mine].folder + "/ includes <" + inc.header + "> of " + library + ", which it does not link");
      }
      continue;
    }
    int theirs = floor_of(inc.header);
    if (theirs < 0) {
      out.push_back(at + "\"" + inc.header + "\" is no product header (definitions/, engine/, runtime/, adapters/)");
      continue;
    }
    if (theirs > mine) {
      out.push_back(at + floors()[mine].folder + "/ includes \"" + inc.header + "\" of the floor above, " + floors()[theirs].folder + "/");
      continue;
    }
    if (mine == 3 && theirs == 3) {
      std::string from = folder_of(inc.file).substr(std::string("adapters/").size());
      std::string to = folder_of(inc.header).substr(std::string("adapters/").size());
      from = from.substr(0, from.find('/'));
      to = to.substr(0, to.find('/'));
      if (from != to) {
        auto it = adapter_interfaces().find(to);
        std::string name = inc.header.substr(inc.header.rfind('/') + 1);
        bool open = it != adapter_interfaces().end() && (it->second.count("*") || it->second.count(name));
        if (!open) out.push_back(at + "adapters/" + from + "/ includes \"" + inc.header + "\", an internal of adapters/" + to + "/");
      }
    }
    if (folder_of(inc.file) == folder_of(inc.header) && stem_of(inc.file) != stem_of(inc.header)) {
      edges[stem_of(inc.file)].insert(stem_of(inc.header));
      where.emplace(std::make_pair(stem_of(inc.file), stem_of(inc.header)), inc);
    }
  }
  // Circles among the files of a folder (a file and its header count as one).
  std::map<std::string, int> state;  // 0 new, 1 on the path, 2 done
  std::vector<std::string> path;
  std::set<std::string> reported;
  std::function<void(const std::string&)> visit = [&](const std::string& node) {
    state[node] = 1;
    path.push_back(node);
    for (const auto& next : edges[node]) {
      if (state[next] == 1) {
        auto start = std::find(path.begin(), path.end(), next);
        std::vector<std::string> circle(start, path.end());
        std::string key = *std::min_element(circle.begin(), circle.end());
        if (reported.insert(key).second) {
          const Include& inc = where.at({node, next});
          std::string text;
          for (const auto& c : circle) text += c + " -> ";
          out.push_back(inc.file + ":" + std::to_string(inc.line) + ": the files of " + folder_of(node) + "/ include each other: " + text + next);
        }
      } else if (state[next] == 0) {
        visit(next);
      }
    }
    path.pop_back();
    state[node] = 2;
  };
  for (const auto& [node, next] : edges)
    if (state[node] == 0) visit(node);
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

TEST_CASE("the architecture check catches each kind of breach planted in its fixture, with file and line", "[architecture]") {
  auto found = violations(fs::path(RACIFLOW_SOURCE_DIR) / "tests/data/architecture");
  INFO(joined(found));
  CHECK(found == std::vector<std::string>{
                     "adapters/cli/main.cpp:2: adapters/cli/ includes \"adapters/http/work_pool.h\", an internal of adapters/http/",
                     "definitions/model.h:3: definitions/ includes \"runtime/store.h\" of the floor above, runtime/",
                     "engine/run.cpp:2: engine/ includes <sqlite3.h> of SQLite, which it does not link",
                     "engine/run.cpp:3: <zmq.h> is of a library no floor links",
                     "runtime/b.cpp:2: the files of runtime/ include each other: runtime/a -> runtime/b -> runtime/a",
                 });
}

TEST_CASE("the product's sources keep the house: floors point down, adapters use each other's interfaces, each floor its own libraries",
          "[architecture]") {
  auto found = violations(fs::path(RACIFLOW_SOURCE_DIR));
  INFO(joined(found));
  CHECK(found.empty());
}
