#include "tls/chain_dates.h"

#include <cstdio>
#include <ctime>

namespace sipsentry::tls {

const char* to_string(CertificateState state) {
  switch (state) {
    case CertificateState::kUnread:
      return "unread";
    case CertificateState::kValid:
      return "valid";
    case CertificateState::kExpiring:
      return "expiring";
    case CertificateState::kExpired:
      return "expired";
    case CertificateState::kNotYetValid:
      return "not_yet_valid";
  }
  return "unread";
}

CertificateState certificate_state(const ChainDates& dates, WallTime now,
                                   std::chrono::milliseconds warning) {
  if (now >= dates.earliest_not_after) return CertificateState::kExpired;
  if (now < dates.latest_not_before) return CertificateState::kNotYetValid;
  if (dates.earliest_not_after - now <= warning) return CertificateState::kExpiring;
  return CertificateState::kValid;
}

double days_left(const ChainDates& dates, WallTime now) {
  return std::chrono::duration<double, std::ratio<86400>>(dates.earliest_not_after - now).count();
}

std::string expiry_in_words(const ChainDates& dates, WallTime now) {
  auto left = std::chrono::duration_cast<std::chrono::seconds>(dates.earliest_not_after - now);
  bool past = left.count() < 0;
  long long seconds = past ? -left.count() : left.count();
  long long days = seconds / 86400, hours = seconds / 3600;
  std::string amount;
  if (days > 0)
    amount = std::to_string(days) + (days == 1 ? " day" : " days");
  else if (hours > 0)
    amount = std::to_string(hours) + (hours == 1 ? " hour" : " hours");
  else
    return past ? "just now" : "within the hour";
  return past ? amount + " ago" : "in " + amount;
}

std::string utc_text(WallTime time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%SZ", &utc);
  return text;
}

CertificateState CertificateReading::state_at(WallTime now) const {
  return dates ? certificate_state(*dates, now, warning) : CertificateState::kUnread;
}

}  // namespace sipsentry::tls
