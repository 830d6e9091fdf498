// The web app's files and the OpenAPI document, compiled into the binary (CMake
// generates web_assets.cpp from adapters/web/ and adapters/http/openapi.json), so the
// server serves exactly these names and nothing from the disk.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace raciflow::http {

struct WebAsset {
  const char* name;  // "app.js"
  const char* content_type;
  const char* data;
  std::size_t size;
};

const WebAsset* find_web_asset(const std::string& name);
std::string_view openapi_document();
// The samples' flows (samples/*.bpmn), which the Model screen offers as templates.
std::vector<const WebAsset*> flow_templates();

}  // namespace raciflow::http
