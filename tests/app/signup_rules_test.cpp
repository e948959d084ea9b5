// Sign-up rules without HTTP, over both backends. A sign-up reads what its rules need of the
// member and the shift in one statement (workflow::LoadPlaceFacts); these tests pin each fact it
// carries: skills in any stored order, routing by unit or by department, declared and given
// consent, age limits, the daily cap, an earlier active sign-up, and the errors for a member or
// shift that does not exist or may not be acted for.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "app/registry.h"
#include "app/workflow.h"
#include "support/test_store.h"

namespace muster::app {
namespace {

const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Timestamp At(const char* rfc3339) { return *ParseRfc3339(rfc3339, "t"); }

class SignupRulesTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  // Street i is paired with unit i, and its community with unit i's department; community 1 is
  // also paired with unit 0's department, so unit 0's department members reach street 1 by
  // department alone. Now is 2022-01-12 08:00 (+08:00).
  void SetUp() override {
    store_ = muster::testing::NewStore(GetParam());
    registry_ = std::make_unique<Registry>(*store_, keys_, clock_);
    workflow_ = std::make_unique<Workflow>(*store_, keys_, clock_);
    auto district = registry_->CreateDistrict(city_, {DistrictId(), "南山区"});
    ASSERT_TRUE(district.ok());
    for (int i = 0; i < 2; ++i) {
      std::string n = std::to_string(i);
      street_[i] = registry_->CreateStreet(city_, {StreetId(), district->id, "街道" + n})->id;
      community_[i] =
          registry_->CreateCommunity(city_, {CommunityId(), street_[i], "社区" + n})->id;
      site_[i] = registry_
                     ->CreateSite(city_, {SiteId(), community_[i], "卡口" + n, "checkpoint",
                                          22.52 + 0.01 * i, 113.93, domain::Risk::kNormal})
                     ->id;
      unit_[i] = registry_->CreateUnit(city_, {UnitId(), "单位" + n})->id;
      dept_[i] = registry_->CreateDepartment(city_, {DepartmentId(), unit_[i], "办公室"})->id;
      ASSERT_TRUE(registry_->PairStreet(city_, street_[i], unit_[i], std::nullopt).ok());
    }
    ASSERT_TRUE(registry_->PairCommunity(city_, community_[0], {dept_[0]}, std::nullopt).ok());
    ASSERT_TRUE(
        registry_->PairCommunity(city_, community_[1], {dept_[1], dept_[0]}, std::nullopt).ok());
    risky_site_ = registry_
                      ->CreateSite(city_, {SiteId(), community_[0], "隔离酒店", "quarantine",
                                           22.53, 113.94, domain::Risk::kHigh})
                      ->id;
  }

  MemberId AddMember(const std::string& phone, int unit, bool with_department,
                     std::vector<std::string> skills = {},
                     std::optional<Date> birth_date = std::nullopt) {
    MemberInput in;
    in.name = "志愿者" + phone.substr(7);
    in.phone = phone;
    in.unit_id = unit_[unit];
    if (with_department) in.department_id = dept_[unit];
    in.skills = std::move(skills);
    in.birth_date = birth_date;
    auto m = registry_->CreateMember(city_, in);
    EXPECT_TRUE(m.ok()) << m.error().ToString();
    return m.ok() ? m->id : MemberId();
  }

  // Posts one shift on 2022-01-13 in street `street`'s community at `site`; returns its id.
  ShiftId Post(int street, SiteId site, const char* starts, const char* ends,
               std::vector<std::string> skills = {}, std::optional<int> min_age = std::nullopt,
               std::optional<int> max_age = std::nullopt) {
    ShiftInput s;
    s.site_id = site;
    s.starts_at = At(starts);
    s.ends_at = At(ends);
    s.headcount = 5;
    s.skills = std::move(skills);
    s.min_age = min_age;
    s.max_age = max_age;
    RequestInput in;
    in.shifts.push_back(s);
    Actor coordinator{UserId(), "street", Role::kStreetCoordinator, street_[street].value, "test"};
    auto r = workflow_->PostRequest(coordinator, in);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    if (!r.ok()) return ShiftId();
    last_request_ = r->id;
    return r->shifts.front().id;
  }

  Result<SignupResult> SignUp(const Actor& a, MemberId member, ShiftId shift,
                              std::optional<bool> consent = std::nullopt) {
    SignupInput in;
    in.shift_id = shift;
    in.member_id = member;
    in.high_risk_ok = consent;
    return workflow_->SignUp(a, in);
  }

  std::int64_t Signups() {
    return store_
        ->Read([&](store::Transaction& tx) {
          return tx.QueryInt("SELECT COUNT(*) FROM signups", {});
        })
        ->value_or(-1);
  }

  static Actor Volunteer(MemberId m) {
    return Actor{UserId(), "vol", Role::kVolunteer, m.value, "test"};
  }
  Actor UnitAdmin(int i) const {
    return Actor{UserId(), "unit", Role::kUnitAdmin, unit_[i].value, "test"};
  }

  crypto::Keyring keys_ = *crypto::Keyring::FromHex(kKey);
  FakeClock clock_{At("2022-01-12T08:00:00+08:00")};
  Actor city_ = Actor::System();
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Workflow> workflow_;
  StreetId street_[2];
  CommunityId community_[2];
  SiteId site_[2];
  SiteId risky_site_;
  UnitId unit_[2];
  DepartmentId dept_[2];
  RequestId last_request_;
};

TEST_P(SignupRulesTest, SkillsCountWhateverOrderTheyWereStoredIn) {
  MemberId nurse = AddMember("13900000001", 0, true, {"medical", "driving", "cooking"});
  ShiftId both = Post(0, site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T10:00:00+08:00",
                      {"driving", "medical"});
  ShiftId forklift = Post(0, site_[0], "2022-01-13T10:00:00+08:00", "2022-01-13T12:00:00+08:00",
                          {"forklift"});
  auto refused = SignUp(city_, nurse, forklift);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, "missing_skill");
  EXPECT_EQ(refused.error().field, "skills");
  auto taken = SignUp(city_, nurse, both);
  ASSERT_TRUE(taken.ok()) << taken.error().ToString();
  EXPECT_EQ(taken->status, SignupStatus::kConfirmed);
  // A member without any skill lacks every one.
  MemberId plain = AddMember("13900000002", 0, true);
  auto lacks = SignUp(city_, plain, both);
  ASSERT_FALSE(lacks.ok());
  EXPECT_EQ(lacks.error().reason, "missing_skill");
  EXPECT_EQ(Signups(), 1);
}

TEST_P(SignupRulesTest, RoutingByUnitOrByDepartmentUntilEscalation) {
  MemberId by_department = AddMember("13900000011", 0, true);   // unit 0, its department
  MemberId unit_only = AddMember("13900000012", 0, false);      // unit 0, no department
  MemberId own = AddMember("13900000013", 1, false);            // unit 1: street 1's pair
  ShiftId far = Post(1, site_[1], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00");
  // Street 1 is routed to unit 1 and, through community 1, to both departments.
  EXPECT_TRUE(SignUp(city_, own, far).ok());
  EXPECT_TRUE(SignUp(city_, by_department, far).ok());
  auto refused = SignUp(city_, unit_only, far);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, "not_routed");
  EXPECT_EQ(refused.error().field, "member_id");
  // Street 0's request is not routed to unit 1 at all: its administrator does not see it.
  MemberId other = AddMember("13900000014", 1, true);
  ShiftId near = Post(0, site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00");
  auto hidden = SignUp(UnitAdmin(1), other, near);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Signups(), 2);
  // Escalation opens it to everyone.
  ASSERT_TRUE(workflow_->Escalate(city_, last_request_, "人手不足").ok());
  EXPECT_TRUE(SignUp(UnitAdmin(1), other, near).ok());
  EXPECT_TRUE(SignUp(city_, unit_only, near).ok());
}

TEST_P(SignupRulesTest, HighRiskConsentDeclaredOrGivenWithTheSignUp) {
  MemberId declared = AddMember("13900000021", 0, true);
  MemberId asks = AddMember("13900000022", 0, true);
  MemberId silent = AddMember("13900000023", 0, true);
  ShiftId shift = Post(0, risky_site_, "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00");
  auto refused = SignUp(city_, silent, shift);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, "risk_consent");
  ASSERT_TRUE(workflow_
                  ->SetAvailability(city_, declared,
                                    {{{At("2022-01-13T00:00:00+08:00"),
                                       At("2022-01-14T00:00:00+08:00")}},
                                     8, true})
                  .ok());
  EXPECT_TRUE(SignUp(city_, declared, shift).ok());
  // Only a volunteer gives consent for himself with the sign-up.
  EXPECT_FALSE(SignUp(city_, asks, shift, true).ok());
  EXPECT_TRUE(SignUp(Volunteer(asks), asks, shift, true).ok());
}

TEST_P(SignupRulesTest, AgeLimitsUseTheBirthDate) {
  MemberId unknown = AddMember("13900000031", 0, true);
  MemberId young = AddMember("13900000032", 0, true, {}, *ParseDate("2005-06-01", "d"));
  MemberId adult = AddMember("13900000033", 0, true, {}, *ParseDate("1980-06-01", "d"));
  ShiftId shift = Post(0, site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00", {},
                       18, 60);
  auto no_date = SignUp(city_, unknown, shift);
  ASSERT_FALSE(no_date.ok());
  EXPECT_EQ(no_date.error().reason, "age_unknown");
  auto too_young = SignUp(city_, young, shift);
  ASSERT_FALSE(too_young.ok());
  EXPECT_EQ(too_young.error().reason, "too_young");
  EXPECT_TRUE(SignUp(city_, adult, shift).ok());
}

TEST_P(SignupRulesTest, DailyCapFromAvailabilityAndOneActivePlacePerShift) {
  MemberId m = AddMember("13900000041", 0, true);
  ShiftId morning = Post(0, site_[0], "2022-01-13T06:00:00+08:00", "2022-01-13T12:00:00+08:00");
  ShiftId evening = Post(0, site_[0], "2022-01-13T14:00:00+08:00", "2022-01-13T18:00:00+08:00");
  auto first = SignUp(city_, m, morning);
  ASSERT_TRUE(first.ok());
  auto again = SignUp(city_, m, morning);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().field, "member_id");
  // 6 h + 4 h is over the default 8 h; a declared 10 h allows it.
  auto capped = SignUp(city_, m, evening);
  ASSERT_FALSE(capped.ok());
  EXPECT_EQ(capped.error().reason, "daily_hours");
  ASSERT_TRUE(workflow_
                  ->SetAvailability(city_, m,
                                    {{{At("2022-01-13T00:00:00+08:00"),
                                       At("2022-01-14T00:00:00+08:00")}},
                                     10, false})
                  .ok());
  EXPECT_TRUE(SignUp(city_, m, evening).ok());
  // A cancelled place does not count as active.
  ASSERT_TRUE(workflow_->Cancel(city_, first->id).ok());
  EXPECT_TRUE(SignUp(city_, m, morning).ok());
}

TEST_P(SignupRulesTest, MissingMemberOrShiftAndWhoMayAct) {
  MemberId m = AddMember("13900000051", 0, true);
  ShiftId shift = Post(0, site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T12:00:00+08:00");
  auto no_member = SignUp(city_, MemberId(m.value + 1000), shift);
  ASSERT_FALSE(no_member.ok());
  EXPECT_EQ(no_member.error().field, "member_id");
  EXPECT_EQ(no_member.error().reason, "unknown_id");
  auto neither = SignUp(city_, MemberId(m.value + 1000), ShiftId(shift.value + 1000));
  ASSERT_FALSE(neither.ok());
  EXPECT_EQ(neither.error().field, "member_id");
  auto no_shift = SignUp(city_, m, ShiftId(shift.value + 1000));
  ASSERT_FALSE(no_shift.ok());
  EXPECT_EQ(no_shift.error().code, ErrorCode::kNotFound);
  // Another unit's administrator may not act for the member, whether the shift exists or not.
  auto foreign = SignUp(UnitAdmin(1), m, shift);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, ErrorCode::kForbidden);
  auto foreign_no_shift = SignUp(UnitAdmin(1), m, ShiftId(shift.value + 1000));
  ASSERT_FALSE(foreign_no_shift.ok());
  EXPECT_EQ(foreign_no_shift.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(Signups(), 0);
  EXPECT_TRUE(SignUp(UnitAdmin(0), m, shift).ok());
}

// SignUpAsync answers what SignUp answers, with the same rules and the same idempotency: a
// place, a refusal naming its rule, a second place in the same shift, the first answer again
// for a repeated key, a reused key with another body, and a key too long before any work.
TEST_P(SignupRulesTest, SignUpAsyncAnswersAsSignUpDoes) {
  auto wait = [&](const Actor& a, SignupInput in) {
    std::promise<Result<SignupResult>> answered;
    auto future = answered.get_future();
    workflow_->SignUpAsync(a, std::move(in), [&answered](Result<SignupResult> r) {
      answered.set_value(std::move(r));
    });
    EXPECT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return future.get();
  };
  MemberId m = AddMember("13900000061", 0, true, {"medical"});
  ShiftId plain = Post(0, site_[0], "2022-01-13T08:00:00+08:00", "2022-01-13T10:00:00+08:00");
  ShiftId forklift = Post(0, site_[0], "2022-01-13T10:00:00+08:00", "2022-01-13T12:00:00+08:00",
                          {"forklift"});
  SignupInput in;
  in.shift_id = plain;
  in.member_id = m;
  in.idempotency_key = "key-1";
  in.fingerprint = "body-1";
  auto taken = wait(city_, in);
  ASSERT_TRUE(taken.ok()) << taken.error().ToString();
  EXPECT_EQ(taken->status, SignupStatus::kConfirmed);
  EXPECT_FALSE(taken->replayed);
  auto replayed = wait(city_, in);
  ASSERT_TRUE(replayed.ok()) << replayed.error().ToString();
  EXPECT_EQ(replayed->id, taken->id);
  EXPECT_TRUE(replayed->replayed);
  SignupInput other = in;
  other.fingerprint = "body-2";
  auto reused = wait(city_, other);
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(reused.error().field, "Idempotency-Key");
  in.idempotency_key.clear();
  auto twice = wait(city_, in);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(twice.error().field, "member_id");
  in.shift_id = forklift;
  auto refused = wait(city_, in);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, "missing_skill");
  in.idempotency_key = std::string(201, 'k');
  auto too_long = wait(city_, in);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().field, "Idempotency-Key");
  EXPECT_EQ(Signups(), 1);
}

// CheckInAsync answers what CheckIn answers: a check-in with a sign-up, the same again
// (repeated), one without a sign-up (flagged), a volunteer naming another member, a forged code.
TEST_P(SignupRulesTest, CheckInAsyncAnswersAsCheckInDoes) {
  auto wait = [&](const Actor& a, const std::string& token, std::optional<MemberId> m) {
    std::promise<Result<CheckinResult>> answered;
    auto future = answered.get_future();
    workflow_->CheckInAsync(a, token, m, [&answered](Result<CheckinResult> r) {
      answered.set_value(std::move(r));
    });
    EXPECT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return future.get();
  };
  MemberId signed_up = AddMember("13900000071", 0, true);
  MemberId walk_in = AddMember("13900000072", 0, true);
  // Starts in 15 minutes: check-in is open (from 30 minutes before).
  ShiftId shift = Post(0, site_[0], "2022-01-12T08:15:00+08:00", "2022-01-12T10:00:00+08:00");
  ASSERT_TRUE(SignUp(city_, signed_up, shift).ok());
  auto code = workflow_->CheckinCode(city_, site_[0]);
  ASSERT_TRUE(code.ok()) << code.error().ToString();

  auto in = wait(Volunteer(signed_up), code->token, std::nullopt);
  ASSERT_TRUE(in.ok()) << in.error().ToString();
  EXPECT_EQ(in->shift_id, shift);
  EXPECT_FALSE(in->flagged);
  EXPECT_FALSE(in->repeated);
  auto again = wait(Volunteer(signed_up), code->token, std::nullopt);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->repeated);
  EXPECT_EQ(again->attendance_id, in->attendance_id);
  auto flagged = wait(city_, code->token, walk_in);
  ASSERT_TRUE(flagged.ok()) << flagged.error().ToString();
  EXPECT_TRUE(flagged->flagged);
  auto other = wait(Volunteer(signed_up), code->token, walk_in);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kForbidden);
  std::string forged = code->token;
  forged[10] = forged[10] == 'A' ? 'B' : 'A';
  auto refused = wait(Volunteer(signed_up), forged, std::nullopt);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "token");
  auto rows = store_->Read([](store::Transaction& tx) {
    return tx.QueryInt("SELECT COUNT(*) FROM attendance", {});
  });
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->value_or(-1), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, SignupRulesTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& param_info) {
                           return muster::testing::BackendName(param_info.param);
                         });

}  // namespace
}  // namespace muster::app
