#pragma once
// Internal to sip/: Sofia-SIP's C handles as RAII types, so that every
// handle the adapter creates is released exactly once, on every path.

#include <memory>

#include "sip/sofia.h"

namespace sipsentry::sip {

template <typename T, void (*release)(T*)>
struct SofiaRelease {
  void operator()(T* handle) const {
    if (handle) release(handle);
  }
};

inline void release_home(su_home_t* home) {
  su_home_unref(home);
}
inline void release_root(su_root_t* root) {
  su_root_destroy(root);
}
inline void release_agent(nta_agent_t* agent) {
  nta_agent_destroy(agent);
}
inline void release_leg(nta_leg_t* leg) {
  nta_leg_destroy(leg);
}
inline void release_outgoing(nta_outgoing_t* transaction) {
  nta_outgoing_destroy(transaction);
}
inline void release_tport(tport_t* transport) {
  tport_unref(transport);
}
inline void release_msg(msg_t* message) {
  msg_destroy(message);
}

using HomePtr = std::unique_ptr<su_home_t, SofiaRelease<su_home_t, release_home>>;
using RootPtr = std::unique_ptr<su_root_t, SofiaRelease<su_root_t, release_root>>;
using AgentPtr = std::unique_ptr<nta_agent_t, SofiaRelease<nta_agent_t, release_agent>>;
using LegPtr = std::unique_ptr<nta_leg_t, SofiaRelease<nta_leg_t, release_leg>>;
using OutgoingPtr = std::unique_ptr<nta_outgoing_t, SofiaRelease<nta_outgoing_t, release_outgoing>>;
/// A reference to a transport, as nta_outgoing_transport() hands out.
using TportRef = std::unique_ptr<tport_t, SofiaRelease<tport_t, release_tport>>;
/// A reference to a message, as nta_outgoing_getrequest() hands out.
using MsgRef = std::unique_ptr<msg_t, SofiaRelease<msg_t, release_msg>>;

/// A fresh memory home; everything allocated in it goes with it.
inline HomePtr new_home() {
  return HomePtr(static_cast<su_home_t*>(su_home_new(sizeof(su_home_t))));
}

}  // namespace sipsentry::sip
