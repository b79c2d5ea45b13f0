#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/check_result.h"

namespace sipsentry::cli {

/// Everything `sipsentry check` prints: the lines' results, or the reason
/// nothing could be checked.
struct CheckReport {
  std::vector<LineResult> lines{};
  std::optional<std::string> error{};  // set: UNKNOWN, and `lines` is empty
  engine::Millis timeout{};            // the check's overall bound
  engine::Millis elapsed{};            // how long the check took (without the un-REGISTERs)

  CheckStatus status() const { return error ? CheckStatus::kUnknown : overall_status(lines); }
};

enum class ReportFormat { kText, kJson, kNagios };

/// Writes `report` to `out` in `format`. Never a password: results carry none.
void print_report(std::ostream& out, ReportFormat format, const CheckReport& report);

/// Human summary: one line per line, one per server, then the verdict.
void print_text(std::ostream& out, const CheckReport& report);
/// One JSON document, schema 1 (README, "sipsentry check").
void print_json(std::ostream& out, const CheckReport& report);
/// The Nagios plugin convention: `SIPSENTRY STATUS - summary | perfdata`.
void print_nagios(std::ostream& out, const CheckReport& report);

}  // namespace sipsentry::cli
