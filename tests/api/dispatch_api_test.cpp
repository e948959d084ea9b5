// Dispatch plans over HTTP: plan, read, commit, and what each role may do with them.
#include "api/api_fixture.h"

namespace muster::api {
namespace {

using nlohmann::json;

class DispatchApiTest : public ApiTest {
 protected:
  // The city of BuildCity, a unit administrator of each half, member 0 free all of the 13th,
  // and a request in street 0 for two volunteers 08-12 on the 13th (the clock is the 12th).
  void SetUp() override {
    ApiTest::SetUp();
    BuildCity();
    AddUser("unit0", app::Role::kUnitAdmin, unit_[0]);
    AddUser("unit1", app::Role::kUnitAdmin, unit_[1]);
    AddUser("vol0", app::Role::kVolunteer, member_[0]);
    unit0_ = Login("unit0");
    unit1_ = Login("unit1");
    vol0_ = Login("vol0");
    Reply av =
        Call("PUT", "/api/v1/members/" + std::to_string(member_[0]) + "/availability", admin_,
             json{{"windows", json::array({json::array(
                                  {"2022-01-13T00:00:00+08:00", "2022-01-14T00:00:00+08:00"})})},
                  {"max_hours_per_day", 8},
                  {"high_risk_ok", false}});
    ASSERT_EQ(av.status, 200) << av.raw.body;
    Reply request = Call("POST", "/api/v1/requests", admin_,
                         json{{"note", "核酸采样"},
                              {"urgent", false},
                              {"shifts",
                               {{{"site_id", site_[0]},
                                 {"task", "sampling_assistance"},
                                 {"starts_at", "2022-01-13T08:00:00+08:00"},
                                 {"ends_at", "2022-01-13T12:00:00+08:00"},
                                 {"headcount", 2}}}}});
    ASSERT_EQ(request.status, 201) << request.raw.body;
    shift_ = request.body["shifts"][0]["id"].get<std::int64_t>();
  }

  Reply PlanAs(const std::string& token,
               json body = {{"from", "2022-01-13"}, {"to", "2022-01-13"}}) {
    return Call("POST", "/api/v1/dispatch/plans", token, body);
  }

  static std::string PlanPath(std::int64_t id) {
    return "/api/v1/dispatch/plans/" + std::to_string(id);
  }

  std::int64_t Count(const std::string& sql) {
    return store_->Read([&](store::Transaction& tx) { return tx.QueryInt(sql, {}); })->value_or(-1);
  }

  std::string unit0_, unit1_, vol0_;
  std::int64_t shift_ = 0;
};

TEST_F(DispatchApiTest, AUnitAdministratorPlansReadsAndCommits) {
  Reply plan = PlanAs(unit0_);
  ASSERT_EQ(plan.status, 201) << plan.raw.body;
  const std::int64_t id = plan.body["id"].get<std::int64_t>();
  EXPECT_GT(id, 0);
  EXPECT_EQ(plan.body["status"], "proposed");
  EXPECT_EQ(plan.body["unit_id"], unit_[0]);
  ASSERT_EQ(plan.body["assignments"].size(), 1u);
  const json& a = plan.body["assignments"][0];
  EXPECT_EQ(a["shift"], shift_);
  EXPECT_EQ(a["volunteer"], member_[0]);
  EXPECT_EQ(a["volunteer_name"], "成员0");
  EXPECT_EQ(a["shift_label"], "采样点0 01-13 08:00-12:00");
  ASSERT_EQ(plan.body["unfilled"].size(), 1u);
  EXPECT_EQ(plan.body["unfilled"][0]["missing"], 1);
  EXPECT_EQ(plan.body["unfilled"][0]["code"], "all_used");
  EXPECT_EQ(plan.body["unfilled"][0]["shift_label"], "采样点0 01-13 08:00-12:00");
  EXPECT_EQ(plan.body["coverage"], 1);
  EXPECT_TRUE(plan.body.contains("cost"));
  EXPECT_TRUE(plan.body.contains("method"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM signups"), 0) << "a plan is only a proposal";

  Reply read = Call("GET", PlanPath(id), unit0_);
  ASSERT_EQ(read.status, 200) << read.raw.body;
  EXPECT_EQ(read.body["assignments"], plan.body["assignments"]);
  EXPECT_EQ(Call("GET", PlanPath(id), admin_).status, 200);

  Reply done = Call("POST", PlanPath(id) + "/commit", unit0_);
  ASSERT_EQ(done.status, 200) << done.raw.body;
  EXPECT_EQ(done.body["confirmed"], 1);
  EXPECT_EQ(done.body["skipped"], json::array());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM signups WHERE source = 'dispatch' AND status = "
                  "'confirmed'"),
            1);
  Reply mine = Call("GET", "/api/v1/notifications", vol0_);
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.body["items"].size(), 1u);
  EXPECT_EQ(mine.body["items"][0]["kind"], "assigned");

  Reply again = Call("POST", PlanPath(id) + "/commit", admin_);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body["error"]["code"], "conflict");
  Reply after = Call("GET", PlanPath(id), unit0_);
  EXPECT_EQ(after.body["status"], "committed");
  EXPECT_TRUE(after.body["committed_at"].is_string());
}

TEST_F(DispatchApiTest, TheCommitAnswersWhatItSkipped) {
  Reply plan = PlanAs(admin_);
  ASSERT_EQ(plan.status, 201) << plan.raw.body;
  // Member 0 signs up himself meanwhile: the plan's assignment is now a second sign-up.
  Reply own = Call("POST", "/api/v1/shifts/" + std::to_string(shift_) + "/signups", vol0_,
                   json{{"member_id", member_[0]}});
  ASSERT_EQ(own.status, 201) << own.raw.body;
  Reply done = Call("POST", PlanPath(plan.body["id"].get<std::int64_t>()) + "/commit", admin_);
  ASSERT_EQ(done.status, 200) << done.raw.body;
  EXPECT_EQ(done.body["confirmed"], 0);
  ASSERT_EQ(done.body["skipped"].size(), 1u);
  EXPECT_EQ(done.body["skipped"][0]["shift"], shift_);
  EXPECT_EQ(done.body["skipped"][0]["volunteer"], member_[0]);
  EXPECT_EQ(done.body["skipped"][0]["code"], "conflict");
  EXPECT_TRUE(done.body["skipped"][0]["reason"].is_string());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM signups"), 1);
}

TEST_F(DispatchApiTest, PlansBelongToUnitAdministratorsAndTheCity) {
  Reply plan = PlanAs(unit0_);
  ASSERT_EQ(plan.status, 201);
  const std::string path = PlanPath(plan.body["id"].get<std::int64_t>());
  EXPECT_EQ(PlanAs(vol0_).status, 403);
  EXPECT_EQ(PlanAs("").status, 401);
  EXPECT_EQ(Call("GET", path, unit1_).status, 404);
  EXPECT_EQ(Call("GET", path, vol0_).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/dispatch/plans/999", admin_).status, 404);
  auto before = TableCounts();
  EXPECT_EQ(Call("POST", path + "/commit", unit1_).status, 403);
  EXPECT_EQ(Call("POST", path + "/commit", vol0_).status, 403);
  EXPECT_EQ(TableCounts(), before);
  // Unit 1's plan holds none of unit 0's members or requests.
  Reply other = PlanAs(unit1_);
  ASSERT_EQ(other.status, 201);
  EXPECT_EQ(other.body["volunteers"], 0);
  EXPECT_EQ(other.body["shifts"], 0);
}

TEST_F(DispatchApiTest, ABadBodyIsRefusedAndChangesNothing) {
  auto before = TableCounts();
  Reply order = PlanAs(admin_, {{"from", "2022-01-14"}, {"to", "2022-01-13"}});
  EXPECT_EQ(order.status, 422);
  EXPECT_EQ(order.body["error"]["field"], "to");
  Reply date = PlanAs(admin_, {{"from", "13/01/2022"}, {"to", "2022-01-13"}});
  EXPECT_EQ(date.status, 422);
  EXPECT_EQ(date.body["error"]["field"], "from");
  Reply unknown = PlanAs(admin_, {{"from", "2022-01-13"}, {"to", "2022-01-13"}, {"unit", 1}});
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(unknown.body["error"]["field"], "unit");
  Reply street = PlanAs(admin_, {{"from", "2022-01-13"}, {"to", "2022-01-13"}, {"street_id", 999}});
  EXPECT_EQ(street.status, 422);
  EXPECT_EQ(street.body["error"]["field"], "street_id");
  EXPECT_EQ(TableCounts(), before);
}

TEST_F(DispatchApiTest, PlanningAndCommittingRunOffTheEventLoop) {
  for (const char* path : {"/api/v1/dispatch/plans", "/api/v1/dispatch/plans/1/commit"}) {
    http::RouteMatch m = router_.Match(http::Method::kPost, path);
    ASSERT_NE(m.options, nullptr) << path;
    EXPECT_TRUE(m.options->offload) << path;
  }
}

}  // namespace
}  // namespace muster::api
