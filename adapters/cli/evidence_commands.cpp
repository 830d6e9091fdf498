// The commands for what people add to a case beside its steps: attach, attachments,
// attachment get, comment.
#include <fstream>
#include <ostream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "adapters/cli/cli.h"
#include "adapters/cli/command.h"
#include "adapters/cli/session.h"
#include "runtime/runtime.h"

namespace raciflow::cli {

using nlohmann::json;

namespace {

std::int64_t number(const std::string& text, const char* what) {
  static const std::regex digits("[1-9][0-9]{0,17}");
  if (!std::regex_match(text, digits)) throw std::runtime_error("'" + text + "' is not " + what + " (a number)");
  return std::stoll(text);
}

std::int64_t task_option(const po::variables_map& vm) {
  return vm.count("task") ? number(vm["task"].as<std::string>(), "a task id") : 0;
}

// The media type of common evidence files by their extension; anything else is bytes.
std::string media_type_of(const std::string& name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".pdf", "application/pdf"}, {".png", "image/png"},   {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
      {".txt", "text/plain"},      {".log", "text/plain"},  {".csv", "text/csv"},   {".json", "application/json"},
      {".xml", "application/xml"}, {".zip", "application/zip"},
      {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}};
  for (const auto& [ext, type] : kTypes) {
    std::string e = ext;
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) return type;
  }
  return "application/octet-stream";
}

int cmd_attach(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  auto args = vm["args"].as<std::vector<std::string>>();
  if (args.size() != 2) throw UsageError{"give the case and the file"};
  const std::string& path = args[1];
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::string type = vm.count("type") ? vm["type"].as<std::string>() : media_type_of(path);
  Session s(g, false);
  auto id = s.runtime->attach(args[0], task_option(vm), path, type, bytes.str(), vm["as"].as<std::string>());
  out << id << "\n";
  return kExitOk;
}

int cmd_attachments(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  Session s(g, false);
  const auto& id = vm["case"].as<std::string>();
  if (!s.store->find_case(id)) throw std::runtime_error("no case " + id);
  auto list = s.store->attachments(id);
  if (vm.count("json")) {
    json a = json::array();
    for (const auto& x : list)
      a.push_back({{"id", x.id}, {"case", x.case_id}, {"task", x.task == 0 ? json(nullptr) : json(x.task)}, {"name", x.name},
                   {"type", x.type}, {"size", x.size}, {"sha256", x.sha256}, {"added_at", x.added_at}, {"added_by", x.added_by}});
    out << a.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& x : list)
    out << x.id << "  " << x.name << "  " << x.type << "  " << x.size << " bytes  " << x.added_by << "  " << x.added_at
        << (x.task ? "  task " + std::to_string(x.task) : std::string()) << "  sha256:" << x.sha256 << "\n";
  return kExitOk;
}

int cmd_attachment(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  auto args = vm["args"].as<std::vector<std::string>>();
  if (args.size() != 2 || args[0] != "get") throw UsageError{"the verb is 'get ID'"};
  auto id = number(args[1], "an attachment id");
  Session s(g, false);
  auto bytes = s.store->attachment_bytes(id);
  if (!bytes) throw std::runtime_error("no attachment " + args[1]);
  out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  return kExitOk;
}

int cmd_comment(const po::variables_map& vm, const Globals& g, std::ostream& out, std::ostream&) {
  auto args = vm["args"].as<std::vector<std::string>>();
  if (args.size() != 2) throw UsageError{"give the case and the comment's text"};
  Session s(g, false);
  s.runtime->comment(args[0], vm["as"].as<std::string>(), args[1], task_option(vm));
  out << "case " << args[0] << ": comment recorded from " << vm["as"].as<std::string>() << "\n";
  return kExitOk;
}

}  // namespace

void add_evidence_commands(std::map<std::string, Command>& t) {
  auto as = [](po::options_description& o) { o.add_options()("as", po::value<std::string>()->required(), "who acts"); };
  t["attach"] = {"attach a file to a case, or to one of its tasks; prints the attachment's id",
                 "raciflow attach CASE FILE [--task TASK] [--type MEDIA/TYPE] --as PERSON",
                 [as](po::options_description& o) {
                   as(o);
                   o.add_options()("task", po::value<std::string>(), "the task it belongs to")(
                       "type", po::value<std::string>(), "its media type (default: by the file's extension)")(
                       "args", po::value<std::vector<std::string>>()->required(), "CASE FILE");
                 },
                 cmd_attach, "args", "CASE FILE"};
  t["attachments"] = {"list a case's attachments: id, name, type, size, who added it, SHA-256",
                      "raciflow attachments CASE [--json]",
                      [](po::options_description& o) {
                        o.add_options()("json", "print a JSON array")("case", po::value<std::string>()->required(), "case id");
                      },
                      cmd_attachments, "case", "CASE"};
  t["attachment"] = {"write an attachment's bytes to standard output", "raciflow attachment get ID > FILE",
                     [](po::options_description& o) {
                       o.add_options()("args", po::value<std::vector<std::string>>()->required(), "get ID");
                     },
                     cmd_attachment, "args", "'get ID'"};
  t["comment"] = {"comment on a case, or on one of its tasks; the comment is a record in the trail",
                  "raciflow comment CASE TEXT [--task TASK] --as PERSON",
                  [as](po::options_description& o) {
                    as(o);
                    o.add_options()("task", po::value<std::string>(), "the task it is about")(
                        "args", po::value<std::vector<std::string>>()->required(), "CASE TEXT");
                  },
                  cmd_comment, "args", "CASE TEXT"};
}

}  // namespace raciflow::cli
