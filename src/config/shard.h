#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.h"

namespace sipsentry::config {

/// One of N instances that share one configuration file: shard `number` of
/// `count`, counted from 1 as operators count ("shard 1 of 3").
struct Shard {
  int number = 1;
  int count = 1;
  friend bool operator==(const Shard&, const Shard&) = default;
};

/// Parses "K/N" (`--shard 2/3`). Returns the shard, or a one-line message
/// saying what is wrong.
std::variant<Shard, std::string> parse_shard(std::string_view text);

/// "2/3".
std::string to_string(const Shard& shard);

/// The hash that places a line: 64-bit FNV-1a over the name's bytes (UTF-8
/// as written in the file), then MurmurHash3's 64-bit finalizer so that
/// names differing in their last character spread over every shard. The
/// same on every machine and every build: it is part of the interface.
uint64_t line_name_hash(std::string_view name);

/// The shard, 1 to `count`, that holds the line called `name`:
/// line_name_hash(name) mod `count`, plus one.
/// REQUIRES: count >= 1.
int shard_number_of(std::string_view name, int count);

/// What a shard took of a file, for logs and listings.
struct ShardSelection {
  Shard shard;
  size_t kept = 0;   // lines of the shard
  size_t total = 0;  // lines of the file
  /// "shard 1/2: 3 of 6 lines".
  std::string to_string() const;
};

/// Keeps the lines that belong to `shard`, in their order.
ShardSelection select_shard(std::vector<LineConfig>& lines, const Shard& shard);

}  // namespace sipsentry::config
