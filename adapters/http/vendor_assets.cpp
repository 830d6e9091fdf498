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

const char* const kDmnJsFiles[] = {
    "dmn-modeler.production.min.js",
    "assets/diagram-js.css",
    "assets/dmn-js-shared.css",
    "assets/dmn-js-drd.css",
    "assets/dmn-js-decision-table.css",
    "assets/dmn-js-decision-table-controls.css",
    "assets/dmn-js-literal-expression.css",
    "assets/dmn-font/css/dmn.css",
    "assets/dmn-font/font/dmn.woff2",
    "assets/dmn-font/font/dmn.woff",
    "assets/dmn-font/font/dmn.ttf",
    "assets/dmn-font/font/dmn.eot",
    "assets/dmn-font/font/dmn.svg",
};

const char* package_name(VendorPackage package) {
  switch (package) {
    case VendorPackage::bpmn_js: return "bpmn-js";
    case VendorPackage::form_js: return "form-js";
    case VendorPackage::dmn_js: return "dmn-js";
  }
  return "";
}

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

std::string VendorAssets::dmn_js_dir_beside(const std::string& bpmn_js_dist) { return bpmn_js_dist + "/../../dmn-js/dist"; }

VendorAssets VendorAssets::load(const std::string& dist, VendorPackage package) {
  VendorAssets assets;
  auto load_all = [&](const auto& files) {
    for (const char* name : files) {
      std::ifstream in(dist + "/" + name, std::ios::binary);
      if (!in) {
        assets.files_.clear();
        assets.missing_ = std::string(package_name(package)) + " is not installed on this server (no " + name +
                          "): bash .ci/setup installs it from adapters/web/package-lock.json; then restart raciflow serve";
        return;
      }
      std::ostringstream bytes;
      bytes << in.rdbuf();
      assets.files_[name] = {content_type_of(name), bytes.str()};
    }
    assets.missing_.clear();
  };
  switch (package) {
    case VendorPackage::bpmn_js: load_all(kBpmnJsFiles); break;
    case VendorPackage::form_js: load_all(kFormJsFiles); break;
    case VendorPackage::dmn_js: load_all(kDmnJsFiles); break;
  }
  return assets;
}

const VendorFile* VendorAssets::find(const std::string& name) const {
  auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace raciflow::http
