#include "sip/stack_agent.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace sipsentry::sip {
namespace {

// Larger messages are dropped as malformed: no SIP message sipsentry
// expects comes near, and a hostile peer cannot make it buffer more.
constexpr unsigned kMaxMessageSize = 64 * 1024;

/// "127.0.0.1:0" -> ("127.0.0.1", "*"), the form NTA binds.
std::pair<std::string, std::string> split_bind(const std::string& bind) {
  size_t colon = bind.rfind(':');
  std::string host = bind.substr(0, colon);
  std::string port = colon == std::string::npos ? "0" : bind.substr(colon + 1);
  if (host == "0.0.0.0" || host.empty()) host = "*";
  return {host, port == "0" ? "*" : port};
}

unsigned millis(engine::Millis duration) {
  return static_cast<unsigned>(duration.count());
}

// How long a finished UDP transaction lingers to swallow a duplicate of its
// response (RFC 3261 Timer K, T4) at the most. Nothing on the wire depends
// on it: a duplicate that comes later is dropped as a stray either way. But
// every lingering transaction holds its request and response, and 10,000
// lines starting at 1,000 a second kept 10,000 of them (over 100 MB) with
// T4 = 5 s; a duplicate comes within a round trip, not seconds later.
constexpr engine::Millis kMaxLinger{1000};

}  // namespace

std::unique_ptr<StackAgent> StackAgent::create(su_root_t* root,
                                               const std::vector<std::string>& binds,
                                               const StackProfile& profile,
                                               const AgentOptions& options, std::string& error) {
  if (binds.empty()) return (error = "no address to bind SIP to"), nullptr;
  // IPv6 first: NTA (Sofia-SIP 1.12) sends a UDP request to an IPv6 server
  // from its first UDP transport when that one is IPv4, and fails with
  // EAFNOSUPPORT; with the IPv6 transport first, both families go out right.
  std::vector<std::string> ordered = binds;
  // std::stable_partition, not std::ranges': clang 14 (the fuzz build)
  // cannot compile the subrange that libstdc++ 12's ranges version returns.
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const std::string& b) { return b.starts_with('['); });
  return create_ordered(root, ordered, profile, options, error);
}

std::unique_ptr<StackAgent> StackAgent::create_ordered(su_root_t* root,
                                                       const std::vector<std::string>& binds,
                                                       const StackProfile& profile,
                                                       const AgentOptions& options,
                                                       std::string& error) {
  auto [host, port] = split_bind(binds.front());
  std::string url = "sip:" + host + ":" + port;
  const char* resolv_conf = options.resolv_conf.empty() ? nullptr : options.resolv_conf.c_str();
  std::unique_ptr<StackAgent> stack(new StackAgent());
  stack->agent_.reset(nta_agent_create(
      root, URL_STRING_MAKE(url.c_str()), nullptr, nullptr,
      NTATAG_SIP_T1(millis(profile.timers.t1)), NTATAG_SIP_T2(millis(profile.timers.t2)),
      NTATAG_SIP_T4(millis(std::min(profile.timers.t4, kMaxLinger))),
      NTATAG_SIP_T1X64(millis(profile.lifetime)), NTATAG_UA(1), NTATAG_MAXSIZE(kMaxMessageSize),
      TAG_IF(resolv_conf, SRESTAG_RESOLV_CONF(resolv_conf)), TAG_END()));
  if (!stack->agent_) return (error = "cannot bind SIP to " + binds.front()), nullptr;
  for (size_t i = 1; i < binds.size(); ++i)
    if (!stack->add_transports(binds[i], error)) return nullptr;
  for (const std::string& bind : binds)
    if (profile.tls && !stack->add_tls(*profile.tls, split_bind(bind).first, options, error))
      return nullptr;
  // No dialog, no URL: requests carry exactly the headers the adapter gives.
  stack->leg_.reset(
      nta_leg_tcreate(stack->agent_.get(), nullptr, nullptr, NTATAG_NO_DIALOG(1), TAG_END()));
  if (!stack->leg_) return (error = "cannot create a SIP leg"), nullptr;
  return stack;
}

/// UDP and TCP on a further address, beside the first one's.
bool StackAgent::add_transports(const std::string& bind, std::string& error) {
  auto [host, port] = split_bind(bind);
  std::string url = "sip:" + host + ":" + port;
  if (nta_agent_add_tport(agent_.get(), URL_STRING_MAKE(url.c_str()), TAG_END()) < 0) {
    error = "cannot bind SIP to " + bind;
    return false;
  }
  return true;
}

bool StackAgent::add_tls(const TlsPolicy& policy, const std::string& host,
                         const AgentOptions& options, std::string& error) {
  ca_directory_ =
      policy.ca_file.empty() ? CaDirectory::system() : CaDirectory::for_file(policy.ca_file, error);
  if (!ca_directory_) return false;
  // Verified: the chain up to a trusted CA, and the server's name (or IP
  // address) among the certificate's subjects.
  unsigned verify = policy.verify ? TPTLS_VERIFY_SUBJECTS_OUT : TPTLS_VERIFY_NONE;
  if (!policy.verify && options.log)
    options.log(LogSeverity::kWarning,
                "TLS certificate verification is off (verify: false): any server is trusted");
  std::string url = "sips:" + host + ":*";
  if (nta_agent_add_tport(agent_.get(), URL_STRING_MAKE(url.c_str()),
                          TPTAG_CERTIFICATE(ca_directory_->path().c_str()),
                          TPTAG_TLS_VERIFY_POLICY(verify), TAG_END()) < 0) {
    error = "cannot set up TLS with the CAs in " + ca_directory_->path();
    return false;
  }
  return true;
}

/// The first UDP transport of the family, for the Contact and the SDP.
tp_name_t const* StackAgent::bound(bool ipv6) const {
  for (tport_t* tp = tport_primaries(nta_agent_tports(agent_.get())); tp; tp = tport_next(tp)) {
    su_addrinfo_t const* address = tport_get_address(tp);
    tp_name_t const* name = tport_name(tp);
    if (address && name && name->tpn_proto && std::string_view(name->tpn_proto) == "udp" &&
        (address->ai_family == AF_INET6) == ipv6)
      return name;
  }
  return nullptr;
}

std::string StackAgent::host(bool ipv6) const {
  if (tp_name_t const* name = bound(ipv6); name && name->tpn_host) {
    std::string host = name->tpn_host;
    bool bare_ipv6 = host.find(':') != std::string::npos && !host.starts_with('[');
    return bare_ipv6 ? "[" + host + "]" : host;
  }
  sip_contact_t const* contact = nta_agent_contact(agent_.get());
  return contact && contact->m_url->url_host ? contact->m_url->url_host : "127.0.0.1";
}

uint16_t StackAgent::port(bool ipv6) const {
  if (tp_name_t const* name = bound(ipv6); name && name->tpn_port)
    return static_cast<uint16_t>(std::atoi(name->tpn_port));
  sip_contact_t const* contact = nta_agent_contact(agent_.get());
  const char* port = contact ? contact->m_url->url_port : nullptr;
  return static_cast<uint16_t>(port ? std::atoi(port) : 5060);
}

uint64_t StackAgent::bad_messages() const {
  usize_t bad = 0;
  nta_agent_get_stats(agent_.get(), NTATAG_S_BAD_MESSAGE_REF(bad), TAG_END());
  return bad;
}

}  // namespace sipsentry::sip
