// A line and a history of events shared by the metrics tests.
#pragma once

#include "engine/event.h"
#include "engine/line_settings.h"
#include "metrics/metrics_recorder.h"

namespace sipsentry::metrics::testing {

/// "reception": pbx-a (primary), pbx-b and pbx-c, failback on, a test call.
engine::LineSettings reception_line();

/// The Unix time 1,700,000,000 s, where the tests' histories start.
MetricsRecorder::WallTime epoch();

/// Records one event of `line` at `offset` after epoch().
void record_at(MetricsRecorder& recorder, const engine::LineSettings& line, engine::Millis offset,
               const decltype(engine::Event::what)& what);

/// Feeds `recorder` a history of `line` that gives every family of spec.md
/// §8 at least one series: a failover, a failed and a good failback probe,
/// a failback, test calls, a failover failure and a rejection, plus a
/// configuration load and dropped SIP messages.
/// REQUIRES: `line` has three servers and a test call, as reception_line().
void record_history(MetricsRecorder& recorder, const engine::LineSettings& line);

}  // namespace sipsentry::metrics::testing
