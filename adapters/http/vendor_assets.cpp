#include "adapters/http/vendor_assets.h"

#include <fstream>
#include <sstream>

#ifndef RACIFLOW_BPMN_JS_DIR
#define RACIFLOW_BPMN_JS_DIR "adapters/web/node_modules/bpmn-js/dist"
#endif

namespace raciflow::http {

namespace {

// The files the web app uses, relative to each package's dist folder.
const char* const kBpmnJsFiles[] = {
    "bpmn-modeler.production.min.js",
    "bpmn-navigated-viewer.production.min.js",
    "assets/diagram-js.css",
    "assets/bpmn-js.css",
    "assets/bpmn-font/css/bpmn.css",
    "assets/bpmn-font/font/bpmn.woff2",
    "assets/bpmn-font/font/bpmn.woff",
    "assets/bpmn-font/font/bpmn.ttf",
    "assets/bpmn-font/font/bpmn.eot",
    "assets/bpmn-font/font/bpmn.svg",
};
const char* const kFormJsFiles[] = {
    "form-viewer.umd.js",
    "form-editor.umd.js",
    "assets/form-js.css",
    "assets/form-js-editor.css",
    "assets/properties-panel.css",
};

std::string content_type_of(const std::string& name) {
  auto ends = [&](const char* suffix) {
    std::string s(suffix);
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".woff")) return "font/woff";
  if (ends(".ttf")) return "font/ttf";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

std::string VendorAssets::default_bpmn_js_dir() { return RACIFLOW_BPMN_JS_DIR; }

std::string VendorAssets::form_js_dir_beside(const std::string& bpmn_js_dist) {
  return bpmn_js_dist + "/../../@bpmn-io/form-js/dist";
}

VendorAssets VendorAssets::load(const std::string& dist, VendorPackage package) {
  VendorAssets assets;
  const bool bpmn = package == VendorPackage::bpmn_js;
  auto load_all = [&](const auto& files) {
    for (const char* name : files) {
      std::ifstream in(dist + "/" + name, std::ios::binary);
      if (!in) {
        assets.files_.clear();
        assets.missing_ = std::string(bpmn ? "bpmn-js" : "form-js") + " is not installed on this server (no " + name +
                          "): bash .ci/setup installs it from adapters/web/package-lock.json; then restart raciflow serve";
        return;
      }
      std::ostringstream bytes;
      bytes << in.rdbuf();
      assets.files_[name] = {content_type_of(name), bytes.str()};
    }
    assets.missing_.clear();
  };
  if (bpmn) load_all(kBpmnJsFiles);
  else load_all(kFormJsFiles);
  return assets;
}

const VendorFile* VendorAssets::find(const std::string& name) const {
  auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace raciflow::http
