// The API's routes: a method and a path pattern ("/api/cases/{id}"), who may call it, and
// its handler. The table is one list, in the order the route groups register, so that a
// test (and the OpenAPI document's check) reads every route with its access level.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/message.h"

namespace raciflow::http {

struct Call;

// reader: admin or auditor; modeller: admin or modeller.
enum class Access { open, person, admin, reader, modeller };

struct Route {
  std::string method;
  std::string path;
  Access access;
  std::function<HttpResponse(Call&)> handler;
  // The path's segments after the leading '/'; "{name}" is a parameter that takes one
  // non-empty segment.
  std::vector<std::string> segments;

  // Whether `path` (split into segments) is this route's; fills the parameters when it is.
  bool matches(const std::vector<std::string_view>& parts, std::map<std::string, std::string>* params) const;
};

class Router {
 public:
  // Adds a route; a second route for the same method and pattern is a programming error.
  void add(const std::string& method, const std::string& path, Access access, std::function<HttpResponse(Call&)> handler);

  struct Found {
    const Route* route = nullptr;  // none: no route for this method at this path
    bool path_known = false;       // some route has this path, for another method (405)
  };
  // The route for `method` at `path` (the first added that matches), with the path's
  // parameters put in `params`.
  Found find(const std::string& method, std::string_view path, std::map<std::string, std::string>& params) const;

  const std::vector<Route>& routes() const { return table_; }

 private:
  std::vector<Route> table_;
};

// "/api/cases/12" -> {"api", "cases", "12"} (views into `path`, which starts with '/').
std::vector<std::string_view> path_segments(std::string_view path);

}  // namespace raciflow::http
