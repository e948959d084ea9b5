// Dispatch plans without HTTP, over both backends: the instance respects existing sign-ups and
// routing, the commit re-checks every rule, and plans stay within their planner's scope.
#include "app/dispatch_plans.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <map>
#include <set>

#include "app/registry.h"
#include "app/workflow.h"
#include "support/test_store.h"

namespace muster::app {
namespace {

const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Timestamp At(const char* rfc3339) { return *ParseRfc3339(rfc3339, "t"); }
Date Day(const char* text) { return *ParseDate(text, "d"); }

class DispatchPlansTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  // Two halves: street i paired with unit i, its community with the unit's department, a site
  // in it; the members a0, b0 in unit 0 and a1 in unit 1. Now is 2022-01-12 08:00 (+08:00).
  void SetUp() override {
    store_ = muster::testing::NewStore(GetParam());
    registry_ = std::make_unique<Registry>(*store_, keys_, clock_);
    workflow_ = std::make_unique<Workflow>(*store_, keys_, clock_);
    plans_ = std::make_unique<DispatchPlans>(*store_, clock_);
    auto district = registry_->CreateDistrict(city_, {DistrictId(), "罗湖区"});
    ASSERT_TRUE(district.ok());
    for (int i = 0; i < 2; ++i) {
      std::string n = std::to_string(i);
      street_[i] = registry_->CreateStreet(city_, {StreetId(), district->id, "街道" + n})->id;
      community_[i] =
          registry_->CreateCommunity(city_, {CommunityId(), street_[i], "社区" + n})->id;
      site_[i] = registry_
                     ->CreateSite(city_, {SiteId(), community_[i], "采样点" + n, "sampling",
                                          22.55 + 0.01 * i, 114.12, domain::Risk::kNormal})
                     ->id;
      unit_[i] = registry_->CreateUnit(city_, {UnitId(), "单位" + n})->id;
      dept_[i] = registry_->CreateDepartment(city_, {DepartmentId(), unit_[i], "办公室"})->id;
      ASSERT_TRUE(registry_->PairStreet(city_, street_[i], unit_[i], std::nullopt).ok());
      ASSERT_TRUE(registry_->PairCommunity(city_, community_[i], {dept_[i]}, std::nullopt).ok());
      unit_admin_[i] = Actor{UserId(), "unit" + n, Role::kUnitAdmin, unit_[i].value, "test"};
    }
    a0_ = AddMember("甲", "13800000001", 0);
    b0_ = AddMember("乙", "13800000002", 0);
    a1_ = AddMember("丙", "13800000003", 1);
  }

  MemberId AddMember(const std::string& name, const std::string& phone, int half) {
    MemberInput in;
    in.name = name;
    in.phone = phone;
    in.unit_id = unit_[half];
    in.department_id = dept_[half];
    in.home_lat = 22.54;
    in.home_lon = 114.10;
    auto m = registry_->CreateMember(city_, in);
    EXPECT_TRUE(m.ok()) << m.error().ToString();
    return m.ok() ? m->id : MemberId();
  }

  // Declares `member` free all of 2022-01-13 and 2022-01-14 with the daily cap `hours`.
  void Available(MemberId member, int hours) {
    Availability av{
        {{At("2022-01-13T00:00:00+08:00"), At("2022-01-15T00:00:00+08:00")}}, hours, false};
    ASSERT_TRUE(workflow_->SetAvailability(city_, member, av).ok());
  }

  // Posts a request in street `half` with one shift per (start, end, headcount); returns the
  // shift ids in that order.
  std::vector<ShiftId> Post(int half,
                            std::vector<std::tuple<const char*, const char*, int>> shifts) {
    RequestInput in;
    in.note = "支援";
    for (auto [starts, ends, headcount] : shifts) {
      ShiftInput s;
      s.site_id = site_[half];
      s.starts_at = At(starts);
      s.ends_at = At(ends);
      s.headcount = headcount;
      in.shifts.push_back(s);
    }
    Actor coordinator{UserId(), "street", Role::kStreetCoordinator, street_[half].value, "test"};
    auto r = workflow_->PostRequest(coordinator, in);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    std::vector<ShiftId> ids;
    if (!r.ok()) return ids;
    last_request_ = r->id;
    // The request answers its shifts in start order; map them back to the order given.
    for (auto [starts, ends, headcount] : shifts) {
      for (const ShiftView& s : r->shifts) {
        if (s.starts_at == At(starts) && s.ends_at == At(ends)) ids.push_back(s.id);
      }
    }
    return ids;
  }

  void SignUp(MemberId member, ShiftId shift) {
    SignupInput in;
    in.shift_id = shift;
    in.member_id = member;
    auto s = workflow_->SignUp(city_, in);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
  }

  static std::set<std::pair<std::int64_t, std::int64_t>> Pairs(const PlanView& plan) {
    std::set<std::pair<std::int64_t, std::int64_t>> out;
    for (const PlannedAssignment& x : plan.assignments) {
      out.insert({x.shift.value, x.volunteer.value});
    }
    return out;
  }

  std::int64_t Count(const std::string& sql) {
    return store_->Read([&](store::Transaction& tx) { return tx.QueryInt(sql, {}); })->value_or(0);
  }

  crypto::Keyring keys_ = *crypto::Keyring::FromHex(kKey);
  FakeClock clock_{At("2022-01-12T08:00:00+08:00")};
  Actor city_ = Actor::System();
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Workflow> workflow_;
  std::unique_ptr<DispatchPlans> plans_;
  StreetId street_[2];
  CommunityId community_[2];
  SiteId site_[2];
  UnitId unit_[2];
  DepartmentId dept_[2];
  Actor unit_admin_[2];
  MemberId a0_, b0_, a1_;
  RequestId last_request_;
};

TEST_P(DispatchPlansTest, ThePlanWorksAroundExistingSignups) {
  Available(a0_, 6);
  // On the 13th a0 already serves 08-12: 10-11 overlaps it, 13-16 would make 7 hours, 13-15
  // makes 6. On the 14th his whole cap is free.
  auto s = Post(0, {{"2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 1},
                    {"2022-01-13T10:00:00+08:00", "2022-01-13T11:00:00+08:00", 1},
                    {"2022-01-13T13:00:00+08:00", "2022-01-13T16:00:00+08:00", 1},
                    {"2022-01-13T13:00:00+08:00", "2022-01-13T15:00:00+08:00", 1},
                    {"2022-01-14T08:00:00+08:00", "2022-01-14T14:00:00+08:00", 1}});
  ASSERT_EQ(s.size(), 5u);
  SignUp(a0_, s[0]);
  auto plan = plans_->Plan(unit_admin_[0], {Day("2022-01-13"), Day("2022-01-14"), std::nullopt});
  ASSERT_TRUE(plan.ok()) << plan.error().ToString();
  EXPECT_EQ(plan->volunteers, 1);
  EXPECT_EQ(plan->shifts, 4) << "the full shift is not planned";
  std::set<std::pair<std::int64_t, std::int64_t>> expected = {{s[3].value, a0_.value},
                                                              {s[4].value, a0_.value}};
  EXPECT_EQ(Pairs(*plan), expected);
  std::map<std::int64_t, std::string> gaps;
  for (const PlannedGap& g : plan->unfilled) gaps[g.shift.value] = g.code;
  EXPECT_EQ(gaps[s[1].value], "availability");
  EXPECT_EQ(gaps[s[2].value], "daily_hours");
  EXPECT_EQ(plan->assignments[0].volunteer_name, "甲");
  EXPECT_EQ(plan->assignments[0].shift_label, "采样点0 01-13 13:00-15:00");

  auto done = plans_->Commit(unit_admin_[0], plan->id);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  EXPECT_EQ(done->confirmed, 2) << "every assignment of the plan holds against the sign-ups";
  EXPECT_TRUE(done->skipped.empty());
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM signups WHERE source = 'dispatch' AND status = 'confirmed'"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'assigned'"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE kind = 'signup'"), 3)
      << "the manual sign-up, then one per shift of the commit";
}

TEST_P(DispatchPlansTest, TheCommitSkipsWhoSignedUpElsewhereMeanwhile) {
  Available(a0_, 8);
  Available(b0_, 8);
  auto s = Post(0, {{"2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 2}});
  auto plan = plans_->Plan(unit_admin_[0], {Day("2022-01-13"), Day("2022-01-13"), std::nullopt});
  ASSERT_TRUE(plan.ok()) << plan.error().ToString();
  ASSERT_EQ(Pairs(*plan), (std::set<std::pair<std::int64_t, std::int64_t>>{
                              {s[0].value, a0_.value}, {s[0].value, b0_.value}}));
  // A shift posted after the plan overlaps it; a0 takes it himself before the commit.
  auto later = Post(0, {{"2022-01-13T09:00:00+08:00", "2022-01-13T10:00:00+08:00", 5}});
  SignUp(a0_, later[0]);
  auto done = plans_->Commit(unit_admin_[0], plan->id);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  EXPECT_EQ(done->confirmed, 1);
  ASSERT_EQ(done->skipped.size(), 1u);
  EXPECT_EQ(done->skipped[0].shift, s[0]);
  EXPECT_EQ(done->skipped[0].volunteer, a0_);
  EXPECT_EQ(done->skipped[0].code, "overlap");
  EXPECT_FALSE(done->skipped[0].reason.empty());
  EXPECT_EQ(workflow_->GetShift(city_, s[0])->confirmed, 1);
}

TEST_P(DispatchPlansTest, TheCommitRespectsAHeadcountFilledMeanwhile) {
  Available(a0_, 8);
  auto s = Post(0, {{"2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 1}});
  auto plan = plans_->Plan(unit_admin_[0], {Day("2022-01-13"), Day("2022-01-13"), std::nullopt});
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->assignments.size(), 1u);
  SignUp(b0_, s[0]);  // no declared availability: signing up says he is free
  auto done = plans_->Commit(unit_admin_[0], plan->id);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  EXPECT_EQ(done->confirmed, 0);
  ASSERT_EQ(done->skipped.size(), 1u);
  EXPECT_EQ(done->skipped[0].code, "full");
  EXPECT_EQ(workflow_->GetShift(city_, s[0])->confirmed, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'assigned'"), 0);
}

TEST_P(DispatchPlansTest, APlanCommitsOnceAndKeepsItsResult) {
  Available(a0_, 8);
  Post(0, {{"2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 1}});
  auto plan = plans_->Plan(unit_admin_[0], {Day("2022-01-13"), Day("2022-01-13"), std::nullopt});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->status, PlanStatus::kProposed);
  ASSERT_TRUE(plans_->Commit(unit_admin_[0], plan->id).ok());
  auto again = plans_->Commit(city_, plan->id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto read = plans_->Get(unit_admin_[0], plan->id);
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  EXPECT_EQ(read->status, PlanStatus::kCommitted);
  ASSERT_TRUE(read->committed_at.has_value());
  ASSERT_TRUE(read->result.has_value());
  EXPECT_EQ(read->result->confirmed, 1);
  EXPECT_EQ(Pairs(*read), Pairs(*plan));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM signups"), 1);
}

TEST_P(DispatchPlansTest, AUnitAdministratorPlansHisMembersOnShiftsOpenToHisUnit) {
  Available(a0_, 8);
  Available(a1_, 8);
  auto left = Post(0, {{"2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 1}});
  auto right = Post(1, {{"2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 1}});
  const PlanInput day{Day("2022-01-13"), Day("2022-01-13"), std::nullopt};

  auto mine = plans_->Plan(unit_admin_[0], day);
  ASSERT_TRUE(mine.ok()) << mine.error().ToString();
  EXPECT_EQ(mine->volunteers, 1);
  EXPECT_EQ(mine->shifts, 1);
  EXPECT_EQ(Pairs(*mine),
            (std::set<std::pair<std::int64_t, std::int64_t>>{{left[0].value, a0_.value}}));
  EXPECT_TRUE(mine->unfilled.empty());

  // The city plans everyone, and each shift goes to its routed unit's member.
  auto all = plans_->Plan(city_, day);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->volunteers, 2);
  EXPECT_EQ(Pairs(*all), (std::set<std::pair<std::int64_t, std::int64_t>>{
                             {left[0].value, a0_.value}, {right[0].value, a1_.value}}));

  // Another unit's administrator neither reads nor commits the plan; other roles do not plan.
  EXPECT_EQ(plans_->Get(unit_admin_[1], mine->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(plans_->Commit(unit_admin_[1], mine->id).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(plans_->Commit(unit_admin_[0], all->id).error().code, ErrorCode::kForbidden)
      << "the city's plan is the city's to commit";
  Actor volunteer{UserId(), "vol", Role::kVolunteer, a0_.value, "test"};
  EXPECT_EQ(plans_->Plan(volunteer, day).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(plans_->Get(volunteer, mine->id).error().code, ErrorCode::kNotFound);
}

TEST_P(DispatchPlansTest, RoutingIsToldApartFromSkillsUntilTheRequestEscalates) {
  Available(a0_, 8);
  auto right = Post(1, {{"2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", 1}});
  const PlanInput day{Day("2022-01-13"), Day("2022-01-13"), street_[1]};
  auto before = plans_->Plan(city_, day);
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->assignments.empty()) << "a0's unit is not paired with street 1";
  ASSERT_EQ(before->unfilled.size(), 1u);
  EXPECT_EQ(before->unfilled[0].code, "routing");

  ASSERT_TRUE(workflow_->Escalate(city_, last_request_, "人手不足").ok());
  auto after = plans_->Plan(unit_admin_[0], day);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(Pairs(*after),
            (std::set<std::pair<std::int64_t, std::int64_t>>{{right[0].value, a0_.value}}));
  auto done = plans_->Commit(unit_admin_[0], after->id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->confirmed, 1);
}

TEST_P(DispatchPlansTest, PlansRefuseBadDaysAndUnknownStreets) {
  EXPECT_EQ(plans_->Plan(city_, {Day("2022-01-14"), Day("2022-01-13"), std::nullopt}).error().field,
            "to");
  EXPECT_EQ(
      plans_->Plan(city_, {Day("2022-01-01"), Day("2022-03-01"), std::nullopt}).error().reason,
      "too_long");
  EXPECT_EQ(
      plans_->Plan(city_, {Day("2022-01-13"), Day("2022-01-13"), StreetId(999)}).error().field,
      "street_id");
  EXPECT_EQ(plans_->Get(city_, PlanId(42)).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(plans_->Commit(city_, PlanId(42)).error().code, ErrorCode::kNotFound);
}

TEST_P(DispatchPlansTest, SolvesTakeTurnsAndABusyPlannerSaysWhenToComeBack) {
  // One solve at a time: eight planners at once all get their plan, one after another.
  DispatchPlans one_at_a_time(*store_, clock_, {.max_concurrent_solves = 1});
  std::vector<std::thread> planners;
  std::atomic<int> planned{0};
  for (int i = 0; i < 8; ++i) {
    planners.emplace_back([&] {
      if (one_at_a_time.Plan(city_, {Day("2022-01-13"), Day("2022-01-13"), std::nullopt}).ok()) {
        ++planned;
      }
    });
  }
  for (auto& t : planners) t.join();
  EXPECT_EQ(planned.load(), 8);
  // A planner without a free turn answers unavailable with Retry-After, and stores nothing.
  auto count = [&] {
    return *store_->Read([](store::Transaction& tx) {
      return tx.QueryInt("SELECT COUNT(*) FROM dispatch_plans", {});
    });
  };
  const auto before = count();
  DispatchPlans busy(*store_, clock_,
                     {.max_concurrent_solves = 0, .solve_wait = std::chrono::seconds(0)});
  auto refused = busy.Plan(city_, {Day("2022-01-13"), Day("2022-01-13"), std::nullopt});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_GT(refused.error().retry_after, 0);
  EXPECT_EQ(count(), before);
}

INSTANTIATE_TEST_SUITE_P(Backends, DispatchPlansTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& param_info) {
                           return muster::testing::BackendName(param_info.param);
                         });

}  // namespace
}  // namespace muster::app
