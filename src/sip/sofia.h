#pragma once
// Internal to sip/: the one header through which sip/ includes Sofia-SIP,
// with the typed context pointers its callbacks hand back.

namespace sipsentry::sip {
class EventLoop;
class SofiaRequest;
}  // namespace sipsentry::sip

#define SU_ROOT_MAGIC_T sipsentry::sip::EventLoop
#define SU_TIMER_ARG_T void
#define NTA_OUTGOING_MAGIC_T sipsentry::sip::SofiaRequest

#include <sofia-sip/auth_client.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nta_tport.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/sresolv.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/tport.h>
#include <sofia-sip/tport_tag.h>
