#include "resolve/record_lookup.h"

namespace sipsentry::resolve {
namespace {

/// Whether a failed lookup still answered: the name, or its records of the
/// type asked, do not exist. The others leave the records unknown.
bool answered(Failure failure) {
  return failure == Failure::kNoSuchName || failure == Failure::kNoRecords;
}

}  // namespace

RecordLookup::RecordLookup(Resolver& resolver, LoopHooks& loop, const ServerName& server,
                           engine::Millis deadline, Done done)
    : resolver_(resolver),
      loop_(loop),
      server_(server),
      deadline_(deadline),
      done_(std::move(done)) {
  if (!uses_service_records(server_)) {
    // A port or an IP literal: no records to ask for (RFC 3263 §4).
    timer_ = loop_.start_timer(engine::Millis(0), [this] {
      timer_.reset();
      finish();
    });
    return;
  }
  // One deadline for the whole lookup; each query is also given it, so
  // that the resolver stops its retries then too.
  timer_ = loop_.start_timer(deadline_, [this] {
    timer_.reset();
    fail("no DNS server answered within " + std::to_string(deadline_.count()) + " ms");
  });
  if (server_.transport)
    ask_srv();  // a configured transport: its SRV name alone, no NAPTR (§4.1)
  else
    ask_naptr();
}

RecordLookup::~RecordLookup() {
  for (Resolver::LookupId id : asked_) resolver_.cancel(id);
  if (timer_) loop_.cancel_timer(*timer_);
}

void RecordLookup::ask_naptr() {
  asked_.push_back(
      resolver_.naptr(server_.host, deadline_, [this](const Answer<NaptrRecord>& answer) {
        if (!answer.ok() && !answered(*answer.failure))
          return fail("NAPTR " + server_.host + ": " + std::string(to_string(*answer.failure)));
        resolution_.naptr = answer.records;
        ask_srv();
      }));
}

void RecordLookup::ask_srv() {
  resolution_.names = service_names(server_, resolution_.naptr);
  srv_awaited_ = resolution_.names.size();
  if (srv_awaited_ == 0) return finish();  // called from an answer: on the loop already
  for (const ServiceName& name : resolution_.names)
    asked_.push_back(
        resolver_.srv(name.name, deadline_,
                      [this, name](const Answer<SrvRecord>& answer) { on_srv(name, answer); }));
}

void RecordLookup::on_srv(const ServiceName& name, const Answer<SrvRecord>& answer) {
  if (!answer.ok() && !answered(*answer.failure))
    return fail("SRV " + name.name + ": " + std::string(to_string(*answer.failure)));
  if (answer.ok()) resolution_.srv[name.name] = answer.records;
  if (--srv_awaited_ == 0) finish();
}

void RecordLookup::fail(const std::string& why) {
  resolution_ = Resolution{.failed = true, .error = why};
  finish();
}

/// Hands the resolution over; `done` may destroy this lookup, so nothing
/// here is touched after it.
void RecordLookup::finish() {
  for (Resolver::LookupId id : asked_) resolver_.cancel(id);
  asked_.clear();
  if (timer_) loop_.cancel_timer(*timer_);
  timer_.reset();
  Done done = std::move(done_);
  done_ = nullptr;
  Resolution resolution = std::move(resolution_);
  if (done) done(resolution);
}

}  // namespace sipsentry::resolve
