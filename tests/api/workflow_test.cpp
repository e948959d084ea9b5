// The emergency workflow over HTTP: the source scenario end to end, routing and escalation,
// sign-up rules, waiting lists, idempotency, check-in codes, attendance, concurrency.
#include <atomic>
#include <thread>

#include "api/api_fixture.h"
#include "app/checkin_code.h"
#include "store/registry_repo.h"

namespace muster::api {
namespace {

using nlohmann::json;

class WorkflowApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    BuildCity();
    AddUser("street0", app::Role::kStreetCoordinator, street_[0]);
    AddUser("unit0", app::Role::kUnitAdmin, unit_[0]);
    AddUser("branch0", app::Role::kBranchSecretary, branch_[0]);
    AddUser("vol0", app::Role::kVolunteer, member_[0]);
    AddUser("vol1", app::Role::kVolunteer, member_[1]);
    street_token_ = Login("street0");
    unit_token_ = Login("unit0");
    branch_token_ = Login("branch0");
    vol0_ = Login("vol0");
    vol1_ = Login("vol1");
  }

  // The clock is 2022-01-12 08:00 +08:00; shifts are on the 13th unless told.
  json Shift(std::int64_t site, const char* start, const char* end, int headcount) {
    return {{"site_id", site}, {"task", "sampling_assistance"}, {"starts_at", start},
            {"ends_at", end},  {"headcount", headcount}};
  }

  std::int64_t AddMember(int unit_half, const std::string& phone) {
    return Create("/api/v1/members", {{"name", "志愿者" + phone.substr(7)},
                                      {"phone", phone},
                                      {"unit_id", unit_[unit_half]},
                                      {"department_id", dept_[unit_half]},
                                      {"branch_id", branch_[unit_half]},
                                      {"party_member", true}});
  }

  Reply SignUp(const std::string& token, std::int64_t shift, std::optional<std::int64_t> member,
               json extra = json::object(), Headers headers = {}) {
    json body = extra;
    if (member) body["member_id"] = *member;
    return Call("POST", "/api/v1/shifts/" + std::to_string(shift) + "/signups", token, body,
                std::move(headers));
  }

  std::int64_t Count(const std::string& table) {
    return store_->Read([&](store::Transaction& tx) {
                    return tx.QueryInt("SELECT COUNT(*) FROM " + table, {});
                  })
        ->value_or(-1);
  }

  // Moves the clock and signs everyone in again (sessions end after 30 idle minutes).
  void Jump(const char* at) {
    clock_.Set(*ParseRfc3339(at, "t"));
    admin_ = Login("admin");
    street_token_ = Login("street0");
    unit_token_ = Login("unit0");
    branch_token_ = Login("branch0");
    vol0_ = Login("vol0");
    vol1_ = Login("vol1");
  }

  std::string street_token_, unit_token_, branch_token_, vol0_, vol1_;
};

TEST_F(WorkflowApiTest, TheSourceScenario) {
  ASSERT_EQ(Call("PUT", "/api/v1/mode", admin_, json{{"mode", "emergency"}, {"reason", "疫情"}}).status, 200);
  EXPECT_EQ(Count("events WHERE kind = 'mode_changed'"), 1);  // on every live page
  // Three more communities of street 0, each paired with the unit's department, with a site.
  std::vector<std::int64_t> sites = {site_[0]};
  for (int i = 1; i <= 3; ++i) {
    std::int64_t c = Create("/api/v1/communities", {{"street_id", street_[0]},
                                                    {"name", "社区0-" + std::to_string(i)},
                                                    {"kind", "community"}});
    ASSERT_EQ(Call("PUT", "/api/v1/communities/" + std::to_string(c) + "/pairing", admin_,
                   json{{"department_ids", {dept_[0]}}}).status, 200);
    sites.push_back(Create("/api/v1/sites", {{"community_id", c}, {"name", "检测点" + std::to_string(i)},
                                             {"kind", "checkpoint"}, {"lat", 22.5}, {"lon", 114.1},
                                             {"risk", "normal"}}));
  }
  // 22:00: the street asks for 34 people at four communities tomorrow morning.
  Jump("2022-01-12T22:00:00+08:00");
  json shifts = json::array();
  const int heads[] = {10, 8, 8, 8};
  for (int i = 0; i < 4; ++i) {
    shifts.push_back(Shift(sites[i], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", heads[i]));
  }
  Reply posted = Call("POST", "/api/v1/requests", street_token_,
                      json{{"note", "核酸检测缺人手"}, {"urgent", false}, {"shifts", shifts}});
  ASSERT_EQ(posted.status, 201) << posted.raw.body;
  const std::int64_t request = posted.body["id"];
  EXPECT_EQ(posted.body["routed_to"]["unit_id"], unit_[0]);
  EXPECT_EQ(posted.body["routed_to"]["department_ids"], json::array({dept_[0]}));
  EXPECT_EQ(posted.body["escalates_at"], "2022-01-13T06:00:00+08:00");
  ASSERT_EQ(posted.body["shifts"].size(), 4u);

  // Volunteers of the other unit cannot see it until it escalates.
  EXPECT_EQ(Call("GET", "/api/v1/requests/" + std::to_string(request), vol1_).status, 404);
  EXPECT_TRUE(Call("GET", "/api/v1/shifts?open_to_me=true", vol1_).body["items"].empty());
  const std::int64_t first_shift = posted.body["shifts"][0]["id"];
  EXPECT_EQ(SignUp(vol1_, first_shift, std::nullopt).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/shifts?open_to_me=true", vol0_).body["items"].size(), 4u);

  // The unit calls its branches; each member of the branch is a recipient.
  std::vector<std::int64_t> members = {member_[0]};
  for (int i = 0; i < 40; ++i) members.push_back(AddMember(0, "139000001" + std::to_string(10 + i)));
  Reply call = Call("POST", "/api/v1/calls", unit_token_,
                    json{{"request_id", request}, {"message", "明早8点，四个社区"}});
  ASSERT_EQ(call.status, 201) << call.raw.body;
  EXPECT_EQ(call.body["recipients"], 41);

  // Overnight sign-ups: one volunteer himself, the others by their branch secretary.
  int member_at = 0;
  for (int i = 0; i < 4; ++i) {
    const std::int64_t shift = posted.body["shifts"][i]["id"];
    for (int k = 0; k < heads[i]; ++k) {
      clock_.Advance(std::chrono::seconds(20));
      Reply r = member_at == 0 ? SignUp(vol0_, shift, std::nullopt)
                               : SignUp(branch_token_, shift, members[member_at]);
      ASSERT_EQ(r.status, 201) << r.raw.body;
      EXPECT_EQ(r.body["status"], "confirmed");
      ++member_at;
    }
  }
  EXPECT_EQ(member_at, 34);
  Reply after_call = Call("GET", "/api/v1/calls/" + std::to_string(call.body["id"].get<std::int64_t>()), unit_token_);
  EXPECT_EQ(after_call.body["signed_up_by_branch"][0]["count"], 34);
  EXPECT_EQ(Call("GET", "/api/v1/requests/" + std::to_string(request), street_token_).body["status"], "filled");

  // 34 confirmed are grouped into 3 batches of at most 12.
  Reply proposals = Call("POST", "/api/v1/batches/proposals", unit_token_,
                         json{{"street_id", street_[0]}, {"date", "2022-01-13"}, {"capacity", 12},
                              {"vehicle", "大巴"}, {"depart_from", "市民中心"}});
  ASSERT_EQ(proposals.status, 200) << proposals.raw.body;
  ASSERT_EQ(proposals.body["items"].size(), 3u);
  for (const json& p : proposals.body["items"]) {
    Reply b = Call("POST", "/api/v1/batches", unit_token_, p);
    ASSERT_EQ(b.status, 201) << b.raw.body;
    EXPECT_EQ(b.body["departs_at"], "2022-01-13T07:00:00+08:00");
  }
  EXPECT_EQ(Count("batch_members"), 34);

  // The next morning they check in by the sites' codes.
  Jump("2022-01-13T07:45:00+08:00");
  member_at = 0;
  for (int i = 0; i < 4; ++i) {
    Reply code = Call("GET", "/api/v1/sites/" + std::to_string(sites[i]) + "/checkin-code", street_token_);
    ASSERT_EQ(code.status, 200) << code.raw.body;
    const std::string token = code.body["token"];
    for (int k = 0; k < heads[i]; ++k) {
      Reply r = member_at == 0
                    ? Call("POST", "/api/v1/checkins", vol0_, json{{"token", token}})
                    : Call("POST", "/api/v1/checkins", branch_token_,
                           json{{"token", token}, {"member_id", members[member_at]}});
      ASSERT_EQ(r.status, 201) << r.raw.body;
      EXPECT_FALSE(r.body["flagged"].get<bool>());
      ++member_at;
    }
  }
  EXPECT_EQ(Count("attendance"), 34);
  std::optional<std::int64_t> that_day = *store_->Read([&](store::Transaction& tx) {
    return tx.QueryInt("SELECT COUNT(*) FROM attendance WHERE day = ?",
                       {std::int64_t{DayNumber(*ParseDate("2022-01-13", "d"))}});
  });
  EXPECT_EQ(that_day, std::optional<std::int64_t>(34));
}

TEST_F(WorkflowApiTest, EscalationOpensTheRequestToEveryUnitOnTheClock) {
  Reply posted = Call("POST", "/api/v1/requests", street_token_,
                      json{{"shifts", {Shift(site_[0], "2022-01-12T14:00:00+08:00", "2022-01-12T18:00:00+08:00", 2)}}});
  ASSERT_EQ(posted.status, 201) << posted.raw.body;
  EXPECT_EQ(posted.body["escalates_at"], "2022-01-12T12:00:00+08:00");
  const std::int64_t shift = posted.body["shifts"][0]["id"];
  ASSERT_TRUE(workflow_->Sweep().ok());
  EXPECT_EQ(SignUp(vol1_, shift, std::nullopt).status, 404);
  Jump("2022-01-12T12:00:00+08:00");
  auto report = workflow_->Sweep();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->escalated, 1);
  EXPECT_EQ(workflow_->Sweep()->escalated, 0);  // once
  Reply r = SignUp(vol1_, shift, std::nullopt);
  EXPECT_EQ(r.status, 201) << r.raw.body;
  Reply seen = Call("GET", "/api/v1/requests/" + std::to_string(posted.body["id"].get<std::int64_t>()), vol1_);
  EXPECT_EQ(seen.status, 200);
  EXPECT_TRUE(seen.body["escalated"].get<bool>());
}

TEST_F(WorkflowApiTest, CoordinatorsEscalateByHandAndOnlyInTheirArea) {
  Reply posted = Call("POST", "/api/v1/requests", street_token_,
                      json{{"shifts", {Shift(site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 2)}}});
  const std::string path = "/api/v1/requests/" + std::to_string(posted.body["id"].get<std::int64_t>()) + "/escalate";
  EXPECT_EQ(Call("POST", path, unit_token_, json{{"reason", "x"}}).status, 403);
  EXPECT_EQ(Call("POST", path, street_token_, json::object()).status, 422);
  Reply r = Call("POST", path, street_token_, json{{"reason", "人手严重不足"}});
  EXPECT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(Call("POST", path, street_token_, json{{"reason", "again"}}).status, 409);
  // A coordinator cannot post for a site of another street.
  Reply other = Call("POST", "/api/v1/requests", street_token_,
                     json{{"shifts", {Shift(site_[1], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 2)}}});
  EXPECT_EQ(other.status, 403);
}

TEST_F(WorkflowApiTest, BadRequestsNameTheFieldAndChangeNothing) {
  auto before = TableCounts();
  struct Case {
    json body;
    const char* field;
  };
  const Case cases[] = {
      {json{{"shifts", json::array()}}, "shifts"},
      {json{{"shifts", {Shift(site_[0], "2022-01-13T12:00:00+08:00", "2022-01-13T08:00:00+08:00", 2)}}}, "shifts[0].ends_at"},
      {json{{"shifts", {Shift(site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 0)}}}, "shifts[0].headcount"},
      {json{{"shifts", {Shift(9999, "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 2)}}}, "shifts[0].site_id"},
      {json{{"shifts", {Shift(site_[0], "2022-01-13 08:00", "2022-01-13T12:00:00+08:00", 2)}}}, "shifts[0].starts_at"},
      {json{{"shifts", {Shift(site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 2)}}, {"colour", "red"}}, "colour"},
  };
  for (const Case& c : cases) {
    Reply r = Call("POST", "/api/v1/requests", street_token_, c.body);
    EXPECT_EQ(r.status, 422) << c.body.dump();
    EXPECT_EQ(r.body["error"]["field"], c.field) << r.raw.body;
  }
  json task = Shift(site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 2);
  task["task"] = "dancing";
  EXPECT_EQ(Call("POST", "/api/v1/requests", street_token_, json{{"shifts", {task}}}).body["error"]["field"], "shifts[0].task");
  EXPECT_EQ(TableCounts(), before);
}

TEST_F(WorkflowApiTest, FullShiftsWaitingListsAndPromotion) {
  Reply posted = Call("POST", "/api/v1/requests", street_token_,
                      json{{"shifts", {Shift(site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 1)}}});
  const std::int64_t shift = posted.body["shifts"][0]["id"];
  std::int64_t second = AddMember(0, "13900000201");
  Reply first = SignUp(vol0_, shift, std::nullopt);
  ASSERT_EQ(first.status, 201);
  Reply full = SignUp(branch_token_, shift, second);
  EXPECT_EQ(full.status, 409);
  EXPECT_EQ(full.body["error"]["code"], "shift_full");
  Reply waiting = SignUp(branch_token_, shift, second, json{{"waitlist", true}});
  ASSERT_EQ(waiting.status, 201);
  EXPECT_EQ(waiting.body["status"], "waiting");
  Reply s = Call("GET", "/api/v1/shifts/" + std::to_string(shift), street_token_);
  EXPECT_EQ(s.body["confirmed"], 1);
  EXPECT_EQ(s.body["waiting"], 1);
  // The first cancels: the waiting one is confirmed and told.
  ASSERT_EQ(Call("DELETE", "/api/v1/signups/" + std::to_string(first.body["id"].get<std::int64_t>()), vol0_).status, 200);
  s = Call("GET", "/api/v1/shifts/" + std::to_string(shift), street_token_);
  EXPECT_EQ(s.body["confirmed"], 1);
  EXPECT_EQ(s.body["waiting"], 0);
  auto promoted = *store_->Read([&](store::Transaction& tx) {
    return tx.QueryInt("SELECT COUNT(*) FROM notifications WHERE member_id = ? AND kind = 'promoted'", {second});
  });
  EXPECT_EQ(promoted, std::optional<std::int64_t>(1));
  // A volunteer cannot cancel another's place.
  EXPECT_EQ(Call("DELETE", "/api/v1/signups/" + std::to_string(waiting.body["id"].get<std::int64_t>()), vol0_).status, 404);
}

TEST_F(WorkflowApiTest, SignUpRules) {
  Reply posted = Call("POST", "/api/v1/requests", street_token_,
                      json{{"shifts", {Shift(site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 5),
                                       Shift(site_[0], "2022-01-13T10:00:00+08:00", "2022-01-13T14:00:00+08:00", 5),
                                       Shift(site_[0], "2022-01-13T13:00:00+08:00", "2022-01-13T18:00:00+08:00", 5)}}});
  ASSERT_EQ(posted.status, 201);
  std::int64_t s0 = posted.body["shifts"][0]["id"], s1 = posted.body["shifts"][1]["id"],
               s2 = posted.body["shifts"][2]["id"];
  ASSERT_EQ(SignUp(vol0_, s0, std::nullopt).status, 201);
  Reply overlap = SignUp(vol0_, s1, std::nullopt);
  EXPECT_EQ(overlap.status, 409);
  EXPECT_EQ(overlap.body["error"]["code"], "schedule_conflict");
  // 4 h + 5 h over the default 8 h a day.
  Reply hours = SignUp(vol0_, s2, std::nullopt);
  EXPECT_EQ(hours.body["error"]["code"], "schedule_conflict");
  // Declaring 10 hours a day allows it.
  ASSERT_EQ(Call("PUT", "/api/v1/members/" + std::to_string(member_[0]) + "/availability", vol0_,
                 json{{"windows", json::array({json::array({"2022-01-13T08:00:00+08:00", "2022-01-13T20:00:00+08:00"})})},
                      {"max_hours_per_day", 10}, {"high_risk_ok", false}}).status, 200);
  EXPECT_EQ(SignUp(vol0_, s2, std::nullopt).status, 201);
  EXPECT_EQ(SignUp(vol0_, s2, std::nullopt).status, 409);  // already signed up
  // A volunteer signs up only himself; a secretary only his branch.
  EXPECT_EQ(SignUp(vol0_, s0, member_[1]).status, 403);
  EXPECT_EQ(SignUp(branch_token_, s0, member_[1]).status, 403);
  EXPECT_EQ(Call("PUT", "/api/v1/members/" + std::to_string(member_[0]) + "/availability", vol0_,
                 json{{"windows", json::array({json::array({"2022-01-13T08:00:00+08:00", "2022-01-13T07:00:00+08:00"})})}}).body["error"]["field"], "windows[0]");
}

TEST_F(WorkflowApiTest, HighRiskNeedsConsent) {
  std::int64_t risky = Create("/api/v1/sites", {{"community_id", community_[0]}, {"name", "隔离点"},
                                                {"kind", "checkpoint"}, {"lat", 22.5}, {"lon", 114.1},
                                                {"risk", "high"}});
  Reply posted = Call("POST", "/api/v1/requests", street_token_,
                      json{{"shifts", {Shift(risky, "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 5)}}});
  std::int64_t shift = posted.body["shifts"][0]["id"];
  EXPECT_EQ(posted.body["shifts"][0]["risk"], "high");
  Reply refused = SignUp(vol0_, shift, std::nullopt);
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(refused.body["error"]["field"], "high_risk_ok");
  EXPECT_EQ(SignUp(vol0_, shift, std::nullopt, json{{"high_risk_ok", true}}).status, 201);
}

TEST_F(WorkflowApiTest, IdempotencyKeys) {
  Reply posted = Call("POST", "/api/v1/requests", street_token_,
                      json{{"shifts", {Shift(site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 5),
                                       Shift(site_[0], "2022-01-14T08:00:00+08:00", "2022-01-14T12:00:00+08:00", 5)}}});
  std::int64_t s0 = posted.body["shifts"][0]["id"], s1 = posted.body["shifts"][1]["id"];
  Headers key = {{"Idempotency-Key", "k-1"}};
  Reply first = SignUp(vol0_, s0, std::nullopt, json::object(), key);
  ASSERT_EQ(first.status, 201);
  Reply again = SignUp(vol0_, s0, std::nullopt, json::object(), key);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(Count("signups"), 1);
  Reply other = SignUp(vol0_, s1, std::nullopt, json::object(), key);
  EXPECT_EQ(other.status, 409);
  EXPECT_EQ(other.body["error"]["field"], "Idempotency-Key");
  EXPECT_EQ(Count("signups"), 1);
}

TEST_F(WorkflowApiTest, CheckInCodesAttendanceAndTheSweep) {
  Reply posted = Call("POST", "/api/v1/requests", street_token_,
                      json{{"shifts", {Shift(site_[0], "2022-01-12T09:00:00+08:00", "2022-01-12T12:00:00+08:00", 5)}}});
  ASSERT_EQ(posted.status, 201);
  const std::int64_t shift = posted.body["shifts"][0]["id"];
  ASSERT_EQ(SignUp(vol0_, shift, std::nullopt).status, 201);
  std::int64_t absent = AddMember(0, "13900000301");
  ASSERT_EQ(SignUp(branch_token_, shift, absent).status, 201);
  // Only the site's coordinators show its code; the image is an SVG.
  const std::string code_path = "/api/v1/sites/" + std::to_string(site_[0]) + "/checkin-code";
  EXPECT_EQ(Call("GET", code_path, unit_token_).status, 404);
  Reply svg = Call("GET", code_path + ".svg", street_token_);
  EXPECT_EQ(svg.status, 200);
  EXPECT_NE(svg.raw.body.find("<svg"), std::string::npos);
  // 08:00 is an hour early: not yet open (30 minutes before).
  Reply code = Call("GET", code_path, street_token_);
  std::string token = code.body["token"];
  EXPECT_NE(code.body["url"].get<std::string>().find("/checkin?token="), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/checkins", vol0_, json{{"token", token}}).body["error"]["reason"], "no_shift");
  Jump("2022-01-12T08:35:00+08:00");
  code = Call("GET", code_path, street_token_);
  token = code.body["token"];
  std::string forged = token;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  Reply bad = Call("POST", "/api/v1/checkins", vol0_, json{{"token", forged}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body["error"]["field"], "token");
  Reply in = Call("POST", "/api/v1/checkins", vol0_, json{{"token", token}});
  ASSERT_EQ(in.status, 201) << in.raw.body;
  Reply repeat = Call("POST", "/api/v1/checkins", vol0_, json{{"token", token}});
  EXPECT_EQ(repeat.status, 200);
  EXPECT_EQ(repeat.body["attendance_id"], in.body["attendance_id"]);
  // A member without a sign-up is recorded, flagged, and the coordinator told.
  Reply walk_in = Call("POST", "/api/v1/checkins", unit_token_, json{{"token", token}, {"member_id", AddMember(0, "13900000302")}});
  ASSERT_EQ(walk_in.status, 201);
  EXPECT_TRUE(walk_in.body["flagged"].get<bool>());
  EXPECT_EQ(*store_->Read([&](store::Transaction& tx) {
    return tx.QueryInt("SELECT COUNT(*) FROM notifications WHERE kind = 'checkin_flagged'", {});
  }), std::optional<std::int64_t>(1));
  // The code expires.
  clock_.Advance(std::chrono::minutes(11));
  Reply expired = Call("POST", "/api/v1/checkins", vol0_, json{{"token", token}});
  EXPECT_EQ(expired.status, 422);
  EXPECT_EQ(expired.body["error"]["reason"], "expired");
  // Check-out closes the turn: 08:35 to 11:00 counts 2.41 h.
  Jump("2022-01-12T11:00:00+08:00");
  Reply out = Call("POST", "/api/v1/checkouts", vol0_, json{{"attendance_id", in.body["attendance_id"]}});
  ASSERT_EQ(out.status, 200) << out.raw.body;
  EXPECT_NEAR(out.body["hours"].get<double>(), 2.41, 0.01);
  // After the end plus grace the sweep closes the walk-in's turn and records the no-show.
  Jump("2022-01-12T12:31:00+08:00");
  auto report = workflow_->Sweep();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->closed_turns, 1);
  EXPECT_EQ(report->no_shows, 1);
  Reply roster = Call("GET", "/api/v1/shifts/" + std::to_string(shift) + "/roster", street_token_);
  ASSERT_EQ(roster.status, 200);
  EXPECT_EQ(roster.body["items"].size(), 3u);
  EXPECT_EQ(roster.raw.body.find("13900000301"), std::string::npos);  // phones masked
  // A coordinator corrects attendance with a reason, audited.
  json correction = {{"shift_id", shift}, {"member_id", absent},
                     {"checked_in_at", "2022-01-12T09:10:00+08:00"},
                     {"checked_out_at", "2022-01-12T12:00:00+08:00"}};
  Reply recorded = Call("POST", "/api/v1/attendance", street_token_, correction);
  ASSERT_EQ(recorded.status, 201) << recorded.raw.body;
  EXPECT_EQ(Call("POST", "/api/v1/attendance", street_token_, correction).body["error"]["field"], "reason");
  correction["reason"] = "补录：签到时手机没电";
  EXPECT_EQ(Call("POST", "/api/v1/attendance", street_token_, correction).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/attendance", unit_token_, correction).status, 403);
  EXPECT_EQ(*store_->Read([&](store::Transaction& tx) {
    return tx.QueryInt("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'attendance_%'", {});
  }), std::optional<std::int64_t>(2));
}

TEST_F(WorkflowApiTest, CalendarFeed) {
  Reply posted = Call("POST", "/api/v1/requests", street_token_,
                      json{{"shifts", {Shift(site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 5)}}});
  ASSERT_EQ(SignUp(vol0_, posted.body["shifts"][0]["id"], std::nullopt).status, 201);
  Reply link = Call("GET", "/api/v1/members/" + std::to_string(member_[0]) + "/calendar-link", vol0_);
  ASSERT_EQ(link.status, 200);
  std::string url = link.body["url"];
  std::string path = url.substr(url.find("/api/v1/calendar/"));
  Reply feed = Call("GET", path, "");
  ASSERT_EQ(feed.status, 200);
  EXPECT_NE(feed.raw.body.find("BEGIN:VEVENT"), std::string::npos);
  EXPECT_NE(feed.raw.body.find("DTSTART:20220113T000000Z"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/calendar/forged.ics", "").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/members/" + std::to_string(member_[0]) + "/calendar-link", vol1_).status, 404);
}

// 2,000 concurrent sign-ups for a 50-place shift confirm exactly 50, and no answer is a 5xx.
TEST_F(WorkflowApiTest, ConcurrentSignUpsNeverOverbook) {
  Reply posted = Call("POST", "/api/v1/requests", street_token_,
                      json{{"urgent", true}, {"shifts", {Shift(site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 50)}}});
  const std::int64_t shift = posted.body["shifts"][0]["id"];
  std::vector<std::int64_t> members;
  ASSERT_TRUE(store_->Write([&](store::Transaction& tx) -> Status {
    for (int i = 0; i < 2000; ++i) {
      domain::Member m;
      m.name = "志愿者";
      m.phone = "137" + std::to_string(10000000 + i);
      m.unit_id = UnitId(unit_[0]);
      m.branch_id = BranchId(branch_[0]);
      MUSTER_ASSIGN(MemberId id, store::RegistryRepo(tx).InsertMember(m, std::nullopt, clock_.Now()));
      members.push_back(id.value);
    }
    return Ok();
  }).ok());
  std::atomic<int> confirmed{0}, full{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = t; i < members.size(); i += 16) {
        Reply r = SignUp(unit_token_, shift, members[i]);
        if (r.status == 201) {
          ++confirmed;
        } else if (r.status == 409 && r.body["error"]["code"] == "shift_full") {
          ++full;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(confirmed.load(), 50);
  EXPECT_EQ(full.load(), 1950);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(*store_->Read([&](store::Transaction& tx) {
    return tx.QueryInt("SELECT COUNT(*) FROM signups WHERE shift_id = ? AND status = 'confirmed'", {shift});
  }), std::optional<std::int64_t>(50));
}

}  // namespace
}  // namespace muster::api
