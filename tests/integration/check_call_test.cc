// `sipsentry check --call` (spec.md §6, §9) as an operator runs it: the
// binary against two real Kamailio servers that relay calls (-A WITH_CALLS)
// to a SIPp callee. Answered through the primary: OK, and the callee got
// INVITE, ACK and BYE before the check's un-REGISTER; the primary stopped:
// WARNING, the call answered through the backup; a callee that only rings:
// CRITICAL, the call cancelled by the ring timeout. Every process started
// here (Kamailio, SIPp) is stopped when its object goes; the check ends by
// itself within its --timeout.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/kamailio.h"
#include "support/process.h"
#include "support/sipp.h"

namespace sipsentry::testing {
namespace {

/// The methods the callee received, in order: "INVITE ACK BYE".
std::string methods_of(const std::vector<ReceivedMessage>& messages) {
  std::string methods;
  for (const ReceivedMessage& message : messages)
    if (!message.start_line.starts_with("SIP/2.0"))
      methods +=
          (methods.empty() ? "" : " ") + message.start_line.substr(0, message.start_line.find(' '));
  return methods;
}

class CheckCallTest : public ::testing::Test {
 protected:
  /// The callee runs `scenario`; both servers relay calls to it.
  void start(const std::string& scenario) {
    callee_ = std::make_unique<Sipp>(scratch_, "callee", scenario);
    KamailioOptions options{.uas_port = callee_->port()};
    primary_ = std::make_unique<Kamailio>(scratch_, "primary", options);
    backup_ = std::make_unique<Kamailio>(scratch_, "backup", options);
    write_file(config_, config_text(/*with_call=*/true));
  }

  std::string config_text(bool with_call) const {
    std::string text =
        "sip: {bind: \"127.0.0.1:0\"}\n"
        "defaults:\n  timers: {t1: 100ms}\n"
        "lines:\n"
        "  - name: desk\n    user: \"1001\"\n    password: s3cret\n    servers:\n"
        "      - {name: primary, address: 127.0.0.1, port: " +
        std::to_string(primary_ ? primary_->port() : 5999) +
        ", expires: 60}\n"
        "      - {name: backup, address: 127.0.0.1, port: " +
        std::to_string(backup_ ? backup_->port() : 5998) + ", expires: 60}\n";
    if (with_call)
      text +=
          "    test_call: {target: \"sip:echo@127.0.0.1\", duration: 1s, ring_timeout: 1500ms}\n";
    return text;
  }

  /// Runs `sipsentry check -c CONFIG --call ARGS…`; its exit status, with
  /// stdout in output_ and stderr in errors_.
  int check(const std::string& config, const std::string& args) {
    std::string out = scratch_.file("check.out"), err = scratch_.file("check.err");
    int status =
        run_to_end({"sh", "-c",
                    std::string("exec '") + SIPSENTRY_BINARY + "' check -c '" + config +
                        "' --call --timeout 20s " + args + " >'" + out + "' 2>'" + err + "'"},
                   scratch_.file("sh.log"));
    output_ = read_file(out);
    errors_ = read_file(err);
    return status;
  }

  /// check() with --format json; the line's JSON.
  nlohmann::json checked_line(int expected_status) {
    EXPECT_EQ(check(config_, "--format json"), expected_status) << what_was_seen();
    nlohmann::json doc = nlohmann::json::parse(output_, nullptr, false);
    if (doc.is_discarded() || doc["lines"].size() != 1) {
      ADD_FAILURE() << "not one line of JSON: " << what_was_seen();
      return {};
    }
    EXPECT_EQ(doc["schema"], 1);
    EXPECT_EQ(doc["exit_code"], expected_status);
    return doc["lines"][0];
  }

  std::string what_was_seen() const {
    return "\nstdout:\n" + output_ + "\nstderr:\n" + errors_ + "\nprimary:\n" +
           (primary_ ? primary_->log() : "") + "\nbackup:\n" + (backup_ ? backup_->log() : "") +
           "\ncallee:\n" + (callee_ ? callee_->log() : "");
  }

  ScratchDir scratch_;
  std::string config_ = scratch_.file("check.yaml");
  std::unique_ptr<Sipp> callee_;
  std::unique_ptr<Kamailio> primary_, backup_;
  std::string output_, errors_;
};

TEST_F(CheckCallTest, AnsweredThroughThePrimaryIsOkAndUnregistersAfterTheBye) {
  start("call_answer.xml");
  nlohmann::json line = checked_line(0);
  EXPECT_EQ(line["status"], "ok");
  EXPECT_EQ(line["registered_server"], "primary");
  const nlohmann::json& call = line["test_call"];
  EXPECT_EQ(call["placed"], true) << call;
  EXPECT_EQ(call["target"], "sip:echo@127.0.0.1");
  EXPECT_EQ(call["result"], "answered") << call;
  EXPECT_EQ(call["as_expected"], true);
  EXPECT_EQ(call["failed_over"], false);
  EXPECT_EQ(call["cancelled"], false);
  EXPECT_EQ(call["invite_server"], "primary");
  EXPECT_EQ(call["invite_role"], "primary");
  EXPECT_EQ(call["bye_server"], "primary");
  ASSERT_TRUE(call["setup_seconds"].is_number()) << call;
  ASSERT_TRUE(call["post_dial_delay_seconds"].is_number()) << call;
  // The callee rings 300 ms before it answers.
  EXPECT_GE(call["setup_seconds"].get<double>() - call["post_dial_delay_seconds"].get<double>(),
            0.25);

  EXPECT_EQ(methods_of(callee_->received()), "INVITE ACK BYE") << what_was_seen();
  EXPECT_EQ(primary_->received("INVITE", "udp"), 1);
  EXPECT_EQ(backup_->received("INVITE", "udp"), 0);
  // The check's un-REGISTER (Expires: 0) comes after the call's BYE.
  std::string log = primary_->log();
  size_t bye = log.find("received BYE ");
  size_t unregister = log.rfind("received REGISTER ");
  ASSERT_NE(bye, std::string::npos) << log;
  ASSERT_NE(unregister, std::string::npos) << log;
  EXPECT_LT(bye, unregister) << log;
  EXPECT_NE(log.find("expires=0", unregister), std::string::npos) << log;
  EXPECT_EQ(output_.find("s3cret"), std::string::npos);
}

TEST_F(CheckCallTest, TextAndNagiosShowTheAnsweredCall) {
  start("call_answer.xml");
  EXPECT_EQ(check(config_, ""), 0) << what_was_seen();
  EXPECT_NE(output_.find("\n  test call sip:echo@127.0.0.1: answered; INVITE through primary "
                         "primary, BYE through primary primary; post-dial delay "),
            std::string::npos)
      << output_;
  EXPECT_NE(output_.find("1 test call(s): 1 as expected"), std::string::npos) << output_;
  EXPECT_EQ(check(config_, "--format nagios"), 0) << what_was_seen();
  EXPECT_TRUE(
      output_.starts_with("SIPSENTRY OK - 1 line(s) registered on their primary, 2 "
                          "server(s) up, 1 test call(s) as expected | "))
      << output_;
  EXPECT_NE(output_.find("'desk call_setup'="), std::string::npos) << output_;
  EXPECT_NE(output_.find("'desk post_dial_delay'="), std::string::npos) << output_;
  EXPECT_EQ(methods_of(callee_->received()), "INVITE ACK BYE INVITE ACK BYE");
}

TEST_F(CheckCallTest, PrimaryStoppedIsAWarningWithTheCallAnsweredThroughTheBackup) {
  start("call_answer.xml");
  primary_->stop();
  nlohmann::json line = checked_line(1);
  EXPECT_EQ(line["status"], "warning");
  EXPECT_EQ(line["registered_server"], "backup");
  EXPECT_EQ(line["failover"]["reason"], "icmp");
  const nlohmann::json& call = line["test_call"];
  EXPECT_EQ(call["result"], "answered") << call;
  EXPECT_EQ(call["invite_server"], "backup");
  EXPECT_EQ(call["invite_role"], "backup");
  EXPECT_EQ(call["bye_server"], "backup");
  EXPECT_EQ(call["failed_over"], false) << "the call went where the line was registered";
  EXPECT_EQ(backup_->received("INVITE", "udp"), 1);
  EXPECT_EQ(backup_->received("BYE", "udp"), 1);
  EXPECT_EQ(methods_of(callee_->received()), "INVITE ACK BYE") << what_was_seen();
}

TEST_F(CheckCallTest, ACalleeThatOnlyRingsIsCriticalWithTheCallCancelled) {
  start("call_ring.xml");
  nlohmann::json line = checked_line(2);
  EXPECT_EQ(line["status"], "critical");
  EXPECT_EQ(line["state"], "registered");
  const nlohmann::json& call = line["test_call"];
  EXPECT_EQ(call["result"], "487") << call;
  EXPECT_EQ(call["cancelled"], true);
  EXPECT_EQ(call["as_expected"], false);
  EXPECT_EQ(call["invite_server"], "primary");
  EXPECT_TRUE(call["bye_server"].is_null());
  EXPECT_TRUE(call["setup_seconds"].is_null());
  // The ACK for the 487 is the proxy's own (hop by hop): it may come later.
  wait_until([this] { return !callee_->received("ACK").empty(); }, std::chrono::seconds(2));
  EXPECT_EQ(methods_of(callee_->received()), "INVITE CANCEL ACK") << what_was_seen();
  EXPECT_EQ(check(config_, "--format nagios"), 2) << what_was_seen();
  EXPECT_TRUE(
      output_.starts_with("SIPSENTRY CRITICAL - desk: registered on primary primary; "
                          "test call 487 (expected answered), cancelled by the ring "
                          "timeout | "))
      << output_;
}

TEST_F(CheckCallTest, CallWithoutAnyTestCallIsUnknown) {
  write_file(config_, config_text(/*with_call=*/false));
  EXPECT_EQ(check(config_, "--format nagios"), 3) << what_was_seen();
  EXPECT_EQ(output_,
            "SIPSENTRY UNKNOWN - --call: no checked line has a test_call in " + config_ + "\n");
}

}  // namespace
}  // namespace sipsentry::testing
