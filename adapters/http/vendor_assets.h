// The browser packages the web app loads besides its own files: bpmn-js (the Model screen
// and the case diagrams), installed by npm from adapters/web/package-lock.json. The server
// reads a fixed list of files of the package's dist folder once, when it starts, and
// serves them under /vendor/bpmn-js/ with their dist-relative names; nothing else of the
// disk is reachable. Without the package the server works and the Model screen says why.
#pragma once

#include <map>
#include <string>

namespace raciflow::http {

struct VendorFile {
  std::string content_type;
  std::string data;
};

class VendorAssets {
 public:
  // Where an npm install of the source tree puts bpmn-js's dist folder.
  static std::string default_bpmn_js_dir();
  // Reads every listed file under `bpmn_js_dist`; when one is missing, none is served.
  static VendorAssets load(const std::string& bpmn_js_dist);

  bool available() const { return missing_.empty(); }
  // Why not, for people: which file is missing and how to install it.
  const std::string& missing() const { return missing_; }
  // `name` is the path after /vendor/bpmn-js/ ("bpmn-modeler.production.min.js").
  const VendorFile* find(const std::string& name) const;

 private:
  std::map<std::string, VendorFile> files_;
  std::string missing_ = "bpmn-js was not loaded";
};

}  // namespace raciflow::http
