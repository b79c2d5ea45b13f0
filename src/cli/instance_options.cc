// The options with which several instances share one configuration file.
#include "cli/instance_options.h"

#include <variant>

#include "config/host_port.h"

namespace sipsentry::cli {

void add_shard_option(CLI::App& command, std::optional<config::Shard>& shard) {
  CLI::Validator valid_shard(
      [](std::string& text) {
        auto parsed = config::parse_shard(text);
        auto* message = std::get_if<std::string>(&parsed);
        return message ? *message : std::string();
      },
      "");
  command
      .add_option_function<std::string>(
          "--shard",
          [&shard](const std::string& text) {
            shard = std::get<config::Shard>(config::parse_shard(text));
          },
          "Only the lines whose name hashes to shard K of N (1/3, 2/3, 3/3): N instances with "
          "one file share its lines, each line in exactly one")
      ->check(valid_shard)
      ->type_name("K/N");
}

std::string line_not_in_shard(const std::string& line, const config::Shard& shard) {
  config::Shard its{config::shard_number_of(line, shard.count), shard.count};
  return "line '" + line + "' is in shard " + config::to_string(its) + ", not in " +
         config::to_string(shard);
}

CLI::Validator host_port_check() {
  return CLI::Validator(
      [](std::string& text) {
        return config::is_host_port(text) ? std::string()
                                          : "expected HOST:PORT, got '" + text + "'";
      },
      "");
}

}  // namespace sipsentry::cli
