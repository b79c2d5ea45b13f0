#include "resolve/records.h"

namespace sipsentry::resolve {

std::string_view to_string(Failure failure) {
  switch (failure) {
    case Failure::kNoSuchName:
      return "no such name";
    case Failure::kNoRecords:
      return "no records of that type";
    case Failure::kNoResponse:
      return "no DNS server answered in time";
    case Failure::kServerFailure:
      return "the DNS server failed to answer";
    case Failure::kMalformed:
      return "malformed DNS answer";
  }
  return "unknown";
}

}  // namespace sipsentry::resolve
