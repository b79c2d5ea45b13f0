#include "support/kamailio.h"

#include <signal.h>

#include <filesystem>
#include <regex>
#include <stdexcept>

#include "support/sip_ping.h"

namespace sipsentry::testing {
namespace {

std::string modules_dir() {
  for (const char* dir :
       {"/usr/lib/x86_64-linux-gnu/kamailio/modules", "/usr/lib/aarch64-linux-gnu/kamailio/modules",
        "/usr/lib/kamailio/modules"})
    if (std::filesystem::exists(std::string(dir) + "/registrar.so")) return std::string(dir) + "/";
  throw std::runtime_error("Kamailio's modules are not installed");
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

Kamailio::Kamailio(const ScratchDir& scratch, const std::string& name, KamailioOptions options)
    : name_(name),
      dir_(scratch.file(name)),
      log_path_(dir_ + "/log"),
      port_(free_port(/*pair=*/true)),
      tls_(!options.tls_certificate.empty()),
      calls_(options.uas_port != 0),
      record_route_(calls_ && options.record_route) {
  std::filesystem::create_directories(dir_);
  write_config(options);
  start();
}

void Kamailio::write_config(const KamailioOptions& options) const {
  std::string config = read_file(source_dir() + "/kamailio.cfg.in");
  replace_all(config, "@ADDRESS@", "127.0.0.1");
  replace_all(config, "@PORT@", std::to_string(port_));
  replace_all(config, "@TLS_PORT@", std::to_string(tls_port()));
  replace_all(config, "@PASSWORD@", options.password);
  replace_all(config, "@MODULES@", modules_dir());
  replace_all(config, "@TLS_CONFIG@", dir_ + "/tls.cfg");
  replace_all(config, "@UAS_PORT@", std::to_string(options.uas_port));
  write_file(dir_ + "/kamailio.cfg", config);
  if (!tls_) return;
  write_file(dir_ + "/tls.cfg",
             "[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\n"
             "require_certificate = no\nprivate_key = " +
                 options.tls_key + "\ncertificate = " + options.tls_certificate + "\n");
}

void Kamailio::start() {
  std::vector<std::string> argv = {"kamailio", "-f", dir_ + "/kamailio.cfg", "-DD", "-E", "-Y",
                                   dir_,       "-P", dir_ + "/pid"};
  if (tls_) argv.insert(argv.end(), {"-A", "WITH_TLS"});
  if (calls_) argv.insert(argv.end(), {"-A", "WITH_CALLS"});
  if (record_route_) argv.insert(argv.end(), {"-A", "WITH_RECORD_ROUTE"});
  process_ = std::make_unique<Process>(argv, log_path_);
  // Ready when it answers an OPTIONS (about a second after start).
  bool ready = wait_until([this] { return udp_ping(port_, std::chrono::milliseconds(100)); },
                          std::chrono::seconds(10));
  if (!ready) throw std::runtime_error("kamailio " + name_ + " did not start:\n" + log());
}

void Kamailio::stop() {
  if (process_) process_->stop();
  process_.reset();
}

void Kamailio::pause() {
  process_->signal_group(SIGSTOP);
}

void Kamailio::resume() {
  process_->signal_group(SIGCONT);
}

int Kamailio::received(const std::string& method, const std::string& transport) const {
  std::regex line("received " + method + " from 127\\.0\\.0\\.1:[0-9]+ over " + transport);
  std::string text = log();
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), line), std::sregex_iterator()));
}

}  // namespace sipsentry::testing
