// The browser packages the web app loads besides its own files, installed by npm from
// adapters/web/package-lock.json: bpmn-js (the Model screen and the case diagrams),
// form-js (the forms of steps: the editor in the Model screen, the viewer in the task
// screen and the case view) and dmn-js (the decision table editor in the Model screen).
// The server reads a fixed list of files of each package's dist folder once, when it
// starts, and serves them under /vendor/bpmn-js/, /vendor/form-js/ and /vendor/dmn-js/
// with their dist-relative names; nothing else of the disk is reachable.
// Without a package the server works and the screen that needs it says why.
#pragma once

#include <map>
#include <string>

namespace raciflow::http {

struct VendorFile {
  std::string content_type;
  std::string data;
};

enum class VendorPackage { bpmn_js, form_js, dmn_js };

class VendorAssets {
 public:
  // Where an npm install of the source tree puts bpmn-js's dist folder.
  static std::string default_bpmn_js_dir();
  // form-js's dist folder in the same node_modules as bpmn-js's dist folder `bpmn_js_dist`.
  static std::string form_js_dir_beside(const std::string& bpmn_js_dist);
  // dmn-js's dist folder in the same node_modules.
  static std::string dmn_js_dir_beside(const std::string& bpmn_js_dist);
  // Reads every listed file of `package` under `dist`; when one is missing, none is served.
  static VendorAssets load(const std::string& dist, VendorPackage package = VendorPackage::bpmn_js);

  bool available() const { return missing_.empty(); }
  // Why not, for people: which file is missing and how to install it.
  const std::string& missing() const { return missing_; }
  // `name` is the path after /vendor/<package>/ ("bpmn-modeler.production.min.js").
  const VendorFile* find(const std::string& name) const;

 private:
  std::map<std::string, VendorFile> files_;
  std::string missing_ = "the package was not loaded";
};

}  // namespace raciflow::http
