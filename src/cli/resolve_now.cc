#include "cli/resolve_now.h"

#include <memory>

namespace sipsentry::cli {

std::vector<resolve::Resolution> resolve_now(sip::SipAgent& agent,
                                             const std::vector<resolve::ServerName>& servers,
                                             engine::Millis deadline) {
  // Shared with the callbacks: one that came after the wait below (it
  // should not) writes into this, not into a gone stack frame.
  struct Answers {
    std::vector<std::optional<resolve::Resolution>> got;
    size_t awaited;
  };
  auto answers = std::make_shared<Answers>(
      Answers{std::vector<std::optional<resolve::Resolution>>(servers.size()), servers.size()});
  for (size_t i = 0; i < servers.size(); ++i)
    agent.directory().resolve_once(servers[i], deadline,
                                   [answers, i](const resolve::Resolution& got) {
                                     answers->got[i] = got;
                                     --answers->awaited;
                                   });
  // The directory ends each lookup by its deadline; the margin only keeps
  // a lost answer from hanging the command.
  agent.run_until([&] { return answers->awaited == 0; },
                  agent.now() + deadline + engine::Millis(1000));
  std::vector<resolve::Resolution> resolutions;
  for (auto& answer : answers->got)
    resolutions.push_back(answer.value_or(
        resolve::Resolution{.failed = true, .error = "no answer from the resolver"}));
  return resolutions;
}

std::string describe_target(const resolve::ServiceTarget& target) {
  return target.host + ":" + std::to_string(target.port) + " " +
         engine::to_string(target.transport);
}

std::optional<resolve::SrvRecord> srv_record_of(const resolve::Resolution& resolution,
                                                const resolve::ServiceTarget& target) {
  for (const resolve::ServiceName& name : resolution.names) {
    if (name.transport != target.transport) continue;
    auto found = resolution.srv.find(name.name);
    if (found == resolution.srv.end()) continue;
    for (const resolve::SrvRecord& record : found->second)
      if (record.target == target.host && record.port == target.port) return record;
  }
  return std::nullopt;
}

}  // namespace sipsentry::cli
