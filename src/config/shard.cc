// Splitting one file's lines among N instances (`--shard K/N`), as
// Prometheus's hashmod splits targets: every line in exactly one shard,
// whichever machine computes it.
#include "config/shard.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace sipsentry::config {
namespace {

constexpr uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

/// MurmurHash3's fmix64: every input bit flips about half the output bits.
/// FNV-1a alone leaves its low bits, the ones `mod N` reads, poorly mixed
/// for names that differ only in their last characters ("line-0001").
uint64_t finalize(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

/// The whole of `text` as a decimal number without sign, or nothing.
std::optional<int> whole_number(std::string_view text) {
  int value = 0;
  if (text.empty() || text.front() == '+' || text.front() == '-') return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::variant<Shard, std::string> parse_shard(std::string_view text) {
  std::string quoted = "invalid shard '" + std::string(text) + "': ";
  size_t slash = text.find('/');
  std::optional<int> number, count;
  if (slash != std::string_view::npos) {
    number = whole_number(text.substr(0, slash));
    count = whole_number(text.substr(slash + 1));
  }
  if (!number || !count) return quoted + "write K/N, shard K of N counted from 1, as in 2/3";
  if (*count < 1) return quoted + "N, the number of shards, must be 1 or more";
  if (*number < 1 || *number > *count)
    return quoted + "K must be from 1 to " + std::to_string(*count) + ", as in 1/" +
           std::to_string(*count);
  return Shard{*number, *count};
}

std::string to_string(const Shard& shard) {
  return std::to_string(shard.number) + "/" + std::to_string(shard.count);
}

uint64_t line_name_hash(std::string_view name) {
  uint64_t h = kFnvOffsetBasis;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnvPrime;
  }
  return finalize(h);
}

int shard_number_of(std::string_view name, int count) {
  return static_cast<int>(line_name_hash(name) % static_cast<uint64_t>(count)) + 1;
}

std::string ShardSelection::to_string() const {
  return "shard " + config::to_string(shard) + ": " + std::to_string(kept) + " of " +
         std::to_string(total) + " lines";
}

ShardSelection select_shard(std::vector<LineConfig>& lines, const Shard& shard) {
  size_t total = lines.size();
  std::erase_if(lines, [&](const LineConfig& line) {
    return shard_number_of(line.settings.name, shard.count) != shard.number;
  });
  return {shard, lines.size(), total};
}

}  // namespace sipsentry::config
