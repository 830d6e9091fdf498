#include "adapters/http/router.h"

#include <stdexcept>

namespace raciflow::http {

bool Route::matches(const std::vector<std::string_view>& parts, std::map<std::string, std::string>* params) const {
  if (parts.size() != segments.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& want = segments[i];
    bool param = want.size() > 2 && want.front() == '{' && want.back() == '}';
    if (param ? parts[i].empty() : parts[i] != want) return false;
  }
  if (params)
    for (std::size_t i = 0; i < parts.size(); ++i)
      if (segments[i].front() == '{') (*params)[segments[i].substr(1, segments[i].size() - 2)] = std::string(parts[i]);
  return true;
}

void Router::add(const std::string& method, const std::string& path, Access access, std::function<HttpResponse(Call&)> handler) {
  for (const auto& r : table_)
    if (r.method == method && r.path == path) throw std::logic_error("route " + method + " " + path + " is added twice");
  Route r{method, path, access, std::move(handler), {}};
  for (auto part : path_segments(path)) r.segments.emplace_back(part);
  table_.push_back(std::move(r));
}

Router::Found Router::find(const std::string& method, std::string_view path, std::map<std::string, std::string>& params) const {
  Found found;
  const auto parts = path_segments(path);
  for (const auto& r : table_) {
    if (!r.matches(parts, nullptr)) continue;
    found.path_known = true;
    if (r.method != method) continue;
    found.route = &r;
    r.matches(parts, &params);
    break;
  }
  return found;
}

std::vector<std::string_view> path_segments(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::size_t at = 1;;) {
    std::size_t slash = path.find('/', at);
    parts.push_back(path.substr(at, slash == std::string_view::npos ? std::string_view::npos : slash - at));
    if (slash == std::string_view::npos) return parts;
    at = slash + 1;
  }
}

}  // namespace raciflow::http
