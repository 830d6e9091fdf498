// The repository stands alone: a user's clone has nothing beside it, so no file in it may
// reach for the folder the developers keep next to their checkout.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

// Build trees, installed npm packages and git's own store are not part of the sources.
bool skipped(const fs::path& dir) {
  const std::string name = dir.filename().string();
  return name == ".git" || name == "node_modules" || name == "build" || name.rfind("build-", 0) == 0;
}

}  // namespace

TEST_CASE("no file in the repository refers to a shared folder beside the clone") {
  // Spelled in two parts so that this file does not find itself.
  const std::string needle = std::string("../") + "shared";
  const fs::path root = RACIFLOW_SOURCE_DIR;
  std::vector<std::string> offenders;
  std::size_t scanned = 0;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory()) {
      if (skipped(it->path())) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || it->file_size() > (16u << 20)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    ++scanned;
    if (text.str().find(needle) != std::string::npos) offenders.push_back(fs::relative(it->path(), root).string());
  }
  CHECK(scanned > 100);
  INFO("files naming " << needle << ": " << [&] {
    std::string list;
    for (const auto& f : offenders) list += "\n  " + f;
    return list;
  }());
  CHECK(offenders.empty());
}
