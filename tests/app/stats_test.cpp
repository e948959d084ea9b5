// The statistics: the tallies' building blocks, exact figures of small histories, scope, and
// every figure against a plain SQL recount on random histories, on both backends.
#include "app/stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "app/audit.h"
#include "app/registry.h"
#include "app/stats_internal.h"
#include "app/stats_upkeep.h"
#include "app/workflow.h"
#include "crypto/keyring.h"
#include "support/test_store.h"

namespace muster::app {
namespace {

using store::Backend;
using Kind = StatsScope::Kind;

constexpr const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Date D(const char* s) { return *ParseDate(s, "d"); }
Timestamp T(const char* s) { return *ParseRfc3339(s, "t"); }

// ---- Blocks and sets ----

TEST(StatsBlocks, DecomposeCoversEveryDayOnceWithFewRanges) {
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const std::int64_t from = static_cast<std::int64_t>(rng() % 2000) - 300;
    const std::int64_t to = from + static_cast<std::int64_t>(rng() % (i % 2 ? 400 : 40));
    const auto ranges = stats::Decompose(from, to);
    EXPECT_LE(ranges.size(), 5u);
    std::int64_t next = from;
    for (const stats::BlockRange& r : ranges) {
      for (std::int64_t b = r.first; b <= r.last; ++b) {
        const int shift = stats::kLevelShift[r.level];
        ASSERT_EQ(b << shift, next) << from << ".." << to;  // contiguous, in order
        next = (b + 1) << shift;
      }
    }
    EXPECT_EQ(next, to + 1) << from << ".." << to;
  }
  // A 64-day aligned stretch is one block.
  const auto one = stats::Decompose(64 * 300, 64 * 301 - 1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].level, 2);
}

TEST(StatsSets, EncodingRoundTripsAndStaysPrintable) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 300; ++i) {
    std::vector<std::int64_t> a, b;
    const int n = static_cast<int>(rng() % 200);
    for (int j = 0; j < n; ++j)
      a.push_back(static_cast<std::int64_t>(rng() % (j % 3 ? 1000 : std::uint64_t{1} << 40)));
    for (int j = 0; j < 5; ++j) b.push_back(static_cast<std::int64_t>(rng() % 100));
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::string text = stats::EncodeSet(a);
    stats::AppendSet(text, b);
    for (char c : text) ASSERT_TRUE(c >= '0' && c < 'p') << static_cast<int>(c);
    stats::SetReader reader(text);
    std::vector<std::int64_t> a2, b2;
    ASSERT_TRUE(reader.Next(a2));
    ASSERT_TRUE(reader.Next(b2));
    EXPECT_TRUE(reader.at_end());
    EXPECT_EQ(a2, a);
    EXPECT_EQ(b2, b);
  }
  std::vector<std::int64_t> out;
  EXPECT_FALSE(stats::SetReader("2").Next(out));   // two values announced, none there
  EXPECT_FALSE(stats::SetReader("1 ").Next(out));  // not of the alphabet
}

TEST(StatsSets, BitsCountDistinctIdsOfAnySize) {
  stats::IdBits bits;
  const std::int64_t big = std::int64_t{1} << 40;
  for (std::int64_t id :
       {std::int64_t{5}, std::int64_t{7}, std::int64_t{5}, big, big, std::int64_t{64},
        std::int64_t{0}, std::int64_t{100000}, std::int64_t{-3}}) {
    bits.Add(id);
  }
  EXPECT_EQ(bits.count(), 7);
}

// ---- A small city ----

class StatsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    store_ = testing::NewStore(GetParam());
    registry_ = std::make_unique<Registry>(*store_, keys_, clock_);
    workflow_ = std::make_unique<Workflow>(*store_, keys_, clock_);
    stats_ = std::make_unique<Statistics>(*store_, clock_);
    BuildCity();
  }

  // Three streets of two communities with a site each; four units with two departments and two
  // branches each; six members per unit (one without a branch, two not party members).
  void BuildCity() {
    const Actor city = Actor::System();
    auto district = registry_->CreateDistrict(city, {DistrictId(), "罗湖区"});
    ASSERT_TRUE(district.ok());
    for (int u = 0; u < 4; ++u) {
      auto unit = registry_->CreateUnit(
          city, {UnitId(), "单位" + std::to_string(u), domain::UnitKind::kAgency});
      ASSERT_TRUE(unit.ok());
      units_.push_back(unit->id);
      for (int d = 0; d < 2; ++d) {
        auto dept =
            registry_->CreateDepartment(city, {DepartmentId(), unit->id, "处" + std::to_string(d)});
        ASSERT_TRUE(dept.ok());
        departments_.push_back(dept->id);
        auto branch =
            registry_->CreateBranch(city, {BranchId(), unit->id, "支部" + std::to_string(d)});
        ASSERT_TRUE(branch.ok());
        branches_.push_back(branch->id);
      }
      for (int m = 0; m < 6; ++m) {
        MemberInput in;
        in.name = "成员" + std::to_string(u) + std::to_string(m);
        in.phone = "1381234" + std::to_string(1000 + u * 10 + m);
        in.unit_id = unit->id;
        in.department_id = departments_[departments_.size() - 2 + m % 2];
        if (m != 5) in.branch_id = branches_[branches_.size() - 2 + m % 2];
        in.party_member = m < 4;
        auto member = registry_->CreateMember(city, in);
        ASSERT_TRUE(member.ok()) << member.error().ToString();
        members_.push_back(member->id);
      }
    }
    for (int s = 0; s < 3; ++s) {
      auto street = registry_->CreateStreet(
          city,
          {StreetId(), district->id, "街道" + std::to_string(s), domain::StreetKind::kStreet});
      ASSERT_TRUE(street.ok());
      streets_.push_back(street->id);
      ASSERT_TRUE(registry_->PairStreet(city, street->id, units_[s], D("2022-01-01")).ok());
      for (int c = 0; c < 2; ++c) {
        auto community = registry_->CreateCommunity(
            city, {CommunityId(), street->id, "社区" + std::to_string(s) + std::to_string(c),
                   domain::CommunityKind::kCommunity});
        ASSERT_TRUE(community.ok());
        communities_.push_back(community->id);
        ASSERT_TRUE(registry_
                        ->PairCommunity(city, community->id,
                                        {departments_[(2 * s + c) % departments_.size()]},
                                        D("2022-01-01"))
                        .ok());
        auto site = registry_->CreateSite(city, {SiteId(), community->id, "点" + std::to_string(c),
                                                 "checkpoint", 22.5, 114.1, domain::Risk::kNormal});
        ASSERT_TRUE(site.ok());
        sites_.push_back(site->id);
      }
    }
  }

  Actor Coordinator(std::size_t street) const {
    return Actor{UserId(), "street", Role::kStreetCoordinator, streets_[street].value, "test"};
  }

  // Posts a request of one shift at `site` from `start` for `hours` (posted an hour before,
  // unless `posted` says when), escalated so that every member may sign up.
  ShiftId Post(std::size_t site, Timestamp start, int hours, int headcount,
               std::optional<Timestamp> posted = std::nullopt) {
    clock_.Set(posted.value_or(start - std::chrono::hours(1)));
    RequestInput in;
    in.note = "需要支援";
    ShiftInput s;
    s.site_id = sites_[site];
    s.task = domain::ShiftTask::kCheckpoint;
    s.starts_at = start;
    s.ends_at = start + std::chrono::hours(hours);
    s.headcount = headcount;
    in.shifts.push_back(s);
    auto r = workflow_->PostRequest(Coordinator(site / 2), in);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    if (!r.ok()) return ShiftId();
    if (!r->escalated_at) {
      EXPECT_TRUE(workflow_->Escalate(Coordinator(site / 2), r->id, "人手不足").ok());
    }
    return r->shifts.front().id;
  }

  // Every figure of every scope for `p`, tallied and recounted, compared.
  void ExpectRecount(const StatsPeriod& p, const std::string& when) {
    std::vector<StatsScope> scopes = {StatsScope{}};
    for (UnitId u : units_) scopes.push_back({Kind::kUnit, u.value});
    for (BranchId b : branches_) scopes.push_back({Kind::kBranch, b.value});
    for (StreetId s : streets_) scopes.push_back({Kind::kStreet, s.value});
    for (CommunityId c : communities_) scopes.push_back({Kind::kCommunity, c.value});
    for (std::size_t m = 0; m < members_.size(); m += 5)
      scopes.push_back({Kind::kMember, members_[m].value});
    auto checked = store_->Read([&](store::Transaction& tx) -> Result<int> {
      int compared = 0;
      for (const StatsScope& scope : scopes) {
        const std::string where = when + " " + FormatDate(p.from) + ".." + FormatDate(p.to) +
                                  " scope " + std::to_string(static_cast<int>(scope.kind)) + "/" +
                                  std::to_string(scope.id);
        MUSTER_ASSIGN(StatsSummary tallied, TalliedSummary(tx, scope, p));
        MUSTER_ASSIGN(StatsSummary recounted, RecountSummary(tx, scope, p));
        EXPECT_EQ(tallied.attendance, recounted.attendance) << where;
        EXPECT_EQ(tallied.requests, recounted.requests) << where;
        EXPECT_EQ(tallied.scope_name, recounted.scope_name) << where;
        for (Breakdown by : {Breakdown::kUnit, Breakdown::kBranch, Breakdown::kStreet,
                             Breakdown::kCommunity, Breakdown::kDay}) {
          MUSTER_ASSIGN(auto rows, TalliedBreakdown(tx, scope, by, p, {0, 1 << 30}));
          MUSTER_ASSIGN(auto again, RecountBreakdown(tx, scope, by, p));
          EXPECT_EQ(rows.size(), again.size()) << where << " by " << Name(by);
          for (std::size_t i = 0; i < rows.size() && i < again.size(); ++i) {
            EXPECT_EQ(rows[i].id, again[i].id) << where << " by " << Name(by);
            EXPECT_EQ(rows[i].name, again[i].name) << where << " by " << Name(by);
            EXPECT_EQ(rows[i].attendance, again[i].attendance)
                << where << " by " << Name(by) << " row " << rows[i].id;
            EXPECT_EQ(rows[i].requests, again[i].requests)
                << where << " by " << Name(by) << " row " << rows[i].id;
          }
          compared += static_cast<int>(rows.size());
        }
      }
      return compared;
    });
    ASSERT_TRUE(checked.ok()) << checked.error().ToString();
  }

  crypto::Keyring keys_ = *crypto::Keyring::FromHex(kKey);
  FakeClock clock_{T("2022-01-10T08:00:00+08:00")};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Workflow> workflow_;
  std::unique_ptr<Statistics> stats_;
  std::vector<UnitId> units_;
  std::vector<DepartmentId> departments_;
  std::vector<BranchId> branches_;
  std::vector<MemberId> members_;
  std::vector<StreetId> streets_;
  std::vector<CommunityId> communities_;
  std::vector<SiteId> sites_;
};

SignupInput Signup(ShiftId shift, MemberId member) {
  SignupInput in;
  in.shift_id = shift;
  in.member_id = member;
  return in;
}

// Checks `member` in at `site` by its code at the current time.
Result<CheckinResult> CheckInByCode(Workflow& w, const Actor& coordinator, SiteId site,
                                    MemberId member) {
  MUSTER_ASSIGN(CheckinCodeView code, w.CheckinCode(coordinator, site));
  return w.CheckIn(Actor::System(), code.token, member);
}

TEST_P(StatsTest, CountsASmallHistoryExactly) {
  const Timestamp start = T("2022-01-12T08:00:00+08:00");
  const ShiftId shift = Post(0, start, 4, 3);
  const Actor city = Actor::System();
  // Two members of unit 0 (party members, branches 0 and 1) and one of unit 1 (not a party
  // member, no branch).
  for (MemberId m : {members_[0], members_[1], members_[11]}) {
    ASSERT_TRUE(workflow_->SignUp(city, Signup(shift, m)).ok());
  }
  clock_.Set(start + std::chrono::minutes(5));
  std::vector<AttendanceId> ids;
  for (MemberId m : {members_[0], members_[1], members_[11]}) {
    auto in = CheckInByCode(*workflow_, Coordinator(0), sites_[0], m);
    ASSERT_TRUE(in.ok()) << in.error().ToString();
    ids.push_back(in->attendance_id);
  }
  clock_.Set(start + std::chrono::minutes(5 + 80));  // 1 h 20 min: record 1.5 h
  ASSERT_TRUE(workflow_->CheckOut(city, ids[0]).ok());
  clock_.Set(start + std::chrono::minutes(5 + 60 + 10));  // 1 h 10 min: record 1 h
  ASSERT_TRUE(workflow_->CheckOut(city, ids[1]).ok());

  const StatsPeriod day{D("2022-01-12"), D("2022-01-12")};
  auto s = stats_->Summary(city, day);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->attendance.units, 2);
  EXPECT_EQ(s->attendance.branches, 2);
  EXPECT_EQ(s->attendance.members, 3);
  EXPECT_EQ(s->attendance.person_times, 3);
  EXPECT_EQ(s->attendance.party_member_person_times, 2);
  EXPECT_EQ(s->attendance.seconds, 150 * 60);  // the open turn counts no hours
  EXPECT_DOUBLE_EQ(s->attendance.hours(), 2.5);
  EXPECT_EQ(s->attendance.record_half_hours, 5);
  EXPECT_EQ(s->attendance.streets, 1);
  EXPECT_EQ(s->attendance.communities, 1);
  ASSERT_TRUE(s->requests);
  EXPECT_EQ(s->requests->shifts, 1);
  EXPECT_EQ(s->requests->headcount, 3);
  EXPECT_EQ(s->requests->filled, 3);
  EXPECT_EQ(s->requests->median_minutes_to_fill, 0);  // filled within the minute it was posted
  EXPECT_DOUBLE_EQ(*s->requests->fill_rate(), 1.0);

  // A correction moves the hours; the sweep closes the open turn at the shift's end.
  clock_.Set(start + std::chrono::hours(3));
  auto fixed = workflow_->RecordAttendance(
      Coordinator(0),
      {shift, members_[1], start, start + std::chrono::minutes(100), "签退时间有误"});
  ASSERT_TRUE(fixed.ok()) << fixed.error().ToString();
  clock_.Set(start + std::chrono::hours(5));
  ASSERT_TRUE(workflow_->Sweep().ok());
  s = stats_->Summary(city, day);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->attendance.seconds, 80 * 60 + 100 * 60 + (4 * 60 - 5) * 60);
  EXPECT_EQ(s->attendance.record_half_hours, 3 + 3 + 8);  // 1:20, 1:40 -> 1.5 h; 3:55 -> 4 h
  ExpectRecount(day, "after the sweep");

  // The other days of a longer period add nothing; a period without records answers zeros.
  auto week = stats_->Summary(city, {D("2022-01-10"), D("2022-01-16")});
  ASSERT_TRUE(week.ok());
  EXPECT_EQ(week->attendance, s->attendance);
  auto empty = stats_->Summary(city, {D("2022-02-01"), D("2022-02-28")});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->attendance, AttendanceFigures());
  EXPECT_EQ(empty->requests, RequestFigures());
}

TEST_P(StatsTest, EachCallerCountsTheRecordsOfHisScopeOnly) {
  const Timestamp start = T("2022-01-12T08:00:00+08:00");
  const ShiftId street0 = Post(0, start, 4, 5);  // street 0, paired with unit 0
  const ShiftId street1 = Post(2, start, 4, 5);  // street 1, paired with unit 1
  const Actor city = Actor::System();
  for (auto [shift, m] : {std::pair{street0, members_[0]}, std::pair{street0, members_[6]},
                          std::pair{street1, members_[1]}}) {
    ASSERT_TRUE(workflow_->SignUp(city, Signup(shift, m)).ok());
  }
  clock_.Set(start + std::chrono::minutes(1));
  ASSERT_TRUE(CheckInByCode(*workflow_, Coordinator(0), sites_[0], members_[0]).ok());
  ASSERT_TRUE(CheckInByCode(*workflow_, Coordinator(0), sites_[0], members_[6]).ok());
  ASSERT_TRUE(CheckInByCode(*workflow_, Coordinator(1), sites_[2], members_[1]).ok());
  const StatsPeriod p{D("2022-01-12"), D("2022-01-12")};

  auto unit0 = stats_->Summary({UserId(), "u", Role::kUnitAdmin, units_[0].value, ""}, p);
  ASSERT_TRUE(unit0.ok());
  EXPECT_EQ(unit0->attendance.person_times, 2);  // members 0 and 1, in two streets
  EXPECT_EQ(unit0->attendance.streets, 2);
  EXPECT_EQ(unit0->scope_name, "单位0");
  ASSERT_TRUE(unit0->requests);
  EXPECT_EQ(unit0->requests->shifts, 1);  // the request routed to unit 0 by its street
  auto street =
      stats_->Summary({UserId(), "s", Role::kStreetCoordinator, streets_[0].value, ""}, p);
  ASSERT_TRUE(street.ok());
  EXPECT_EQ(street->attendance.person_times, 2);  // members 0 and 6, of units 0 and 1
  EXPECT_EQ(street->attendance.units, 2);
  EXPECT_EQ(street->requests->shifts, 1);
  auto by_unit = stats_->By({UserId(), "s", Role::kStreetCoordinator, streets_[0].value, ""},
                            Breakdown::kUnit, p, {0, 100});
  ASSERT_TRUE(by_unit.ok());
  ASSERT_EQ(by_unit->size(), 2u);
  EXPECT_EQ((*by_unit)[0].attendance.person_times, 1);
  auto volunteer = stats_->Summary({UserId(), "v", Role::kVolunteer, members_[6].value, ""}, p);
  ASSERT_TRUE(volunteer.ok());
  EXPECT_EQ(volunteer->attendance.person_times, 1);
  EXPECT_FALSE(volunteer->requests);
  auto sentence = stats_->Sentence({UserId(), "v", Role::kVolunteer, members_[6].value, ""}, p,
                                   domain::Language::kZhCn);
  ASSERT_TRUE(sentence.ok());
  EXPECT_EQ(*sentence, "2022年1月12日，成员10参加服务1人次、0小时。");
  auto other = stats_->Summary({UserId(), "b", Role::kBranchSecretary, branches_[7].value, ""}, p);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->attendance, AttendanceFigures());
  ExpectRecount(p, "scopes");
}

TEST_P(StatsTest, RefusesAPeriodThatEndsBeforeItStarts) {
  auto s = stats_->Summary(Actor::System(), {D("2022-01-12"), D("2022-01-11")});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(s.error().field, "to");
  EXPECT_FALSE(
      stats_->By(Actor::System(), Breakdown::kDay, {D("2022-01-12"), D("2022-01-11")}, {0, 10})
          .ok());
}

// A random emergency through the workflow: posts, sign-ups, check-ins by code (with and
// without sign-up), check-outs, records and corrections by coordinators, sweeps. After each day
// every figure of every scope must equal the recount.
TEST_P(StatsTest, RandomWorkflowHistoriesMatchTheRecount) {
  struct ClosedTurn {
    std::int64_t shift, member, checked_in_at, site;
  };
  std::mt19937 rng(20220112);
  int corrected = 0;
  const Actor city = Actor::System();
  const Date first = D("2022-01-11");
  const int days = 10;
  for (int day = 0; day < days; ++day) {
    const Timestamp midnight = ShanghaiMidnight(DateFromDayNumber(DayNumber(first) + day));
    std::vector<std::pair<ShiftId, std::size_t>> shifts;  // shift, site
    for (int k = 0; k < 3; ++k) {
      const std::size_t site = rng() % sites_.size();
      const Timestamp start =
          midnight + std::chrono::hours(7 + 5 * k) + std::chrono::minutes(rng() % 60);
      const ShiftId shift = Post(site, start, 2 + static_cast<int>(rng() % 3),
                                 1 + static_cast<int>(rng() % 5), midnight + std::chrono::hours(6));
      shifts.emplace_back(shift, site);
      for (int i = 0; i < 5; ++i) {
        (void)workflow_->SignUp(city, Signup(shift, members_[rng() % members_.size()]));
      }
    }
    std::vector<std::pair<AttendanceId, Timestamp>> open;  // record, shift end
    for (auto [shift, site] : shifts) {
      auto view = workflow_->GetShift(city, shift);
      ASSERT_TRUE(view.ok());
      clock_.Set(view->starts_at + std::chrono::minutes(rng() % 30));
      auto roster = workflow_->Roster(city, shift);
      ASSERT_TRUE(roster.ok());
      for (const RosterEntry& e : *roster) {
        if (e.status != SignupStatus::kConfirmed || rng() % 4 == 0) continue;  // a no-show
        auto in = CheckInByCode(*workflow_, Coordinator(site / 2), sites_[site], e.member_id);
        if (in.ok()) open.emplace_back(in->attendance_id, view->ends_at);
      }
      if (rng() % 2 == 0) {  // someone without a sign-up: flagged, still a person-time
        auto in = CheckInByCode(*workflow_, Coordinator(site / 2), sites_[site],
                                members_[rng() % members_.size()]);
        if (in.ok() && !in->repeated) open.emplace_back(in->attendance_id, view->ends_at);
      }
      if (rng() % 2 == 0) {  // a record by hand, closed or open
        clock_.Set(view->starts_at + std::chrono::minutes(40));
        AttendanceInput rec{shift, members_[rng() % members_.size()],
                            view->starts_at + std::chrono::minutes(rng() % 30), std::nullopt, ""};
        if (rng() % 2 == 0)
          rec.checked_out_at = rec.checked_in_at + std::chrono::minutes(1 + rng() % 200);
        auto done = workflow_->RecordAttendance(Coordinator(site / 2), rec);
        if (!done.ok()) {  // already recorded: correct it instead
          rec.reason = "更正";
          (void)workflow_->RecordAttendance(Coordinator(site / 2), rec);
        }
      }
    }
    // Check-outs of some, at random times up to the shift's end.
    for (auto [id, ends] : open) {
      if (rng() % 3 == 0) continue;
      clock_.Set(std::max(clock_.Now(), ends - std::chrono::minutes(rng() % 90)));
      (void)workflow_->CheckOut(city, id);
    }
    // Coordinators correct some closed turns: their hours move from one closed value to
    // another (record hours must move by the difference of the roundings, not the rounding
    // of the difference).
    clock_.Set(midnight + std::chrono::hours(22) + std::chrono::minutes(50));
    auto closed = store_->Read([&](store::Transaction& tx) -> Result<std::vector<ClosedTurn>> {
      std::vector<ClosedTurn> turns;
      MUSTER_TRY(tx.Query(
          "SELECT a.shift_id, a.member_id, a.checked_in_at, s.site_id FROM attendance a JOIN "
          "shifts s ON s.id = a.shift_id WHERE a.day = ? AND a.checked_out_at IS NOT NULL "
          "ORDER BY a.id",
          {std::int64_t{DayNumber(first) + day}}, [&](const store::Row& r) {
            turns.push_back({r.Int(0), r.Int(1), r.Int(2), r.Int(3)});
            return Ok();
          }));
      return turns;
    });
    ASSERT_TRUE(closed.ok()) << closed.error().ToString();
    for (const ClosedTurn& t : *closed) {
      if (rng() % 2 != 0) continue;
      const auto site = static_cast<std::size_t>(
          std::find(sites_.begin(), sites_.end(), SiteId(t.site)) - sites_.begin());
      const Timestamp in = FromUnixSeconds(t.checked_in_at);
      AttendanceInput fix{ShiftId(t.shift), MemberId(t.member), in,
                          in + std::chrono::minutes(1 + rng() % 240), "更正签退时间"};
      corrected += workflow_->RecordAttendance(Coordinator(site / 2), fix).ok() ? 1 : 0;
    }
    // The sweep closes what is left, except on the last day.
    if (day + 1 < days) {
      clock_.Set(midnight + std::chrono::hours(23));
      ASSERT_TRUE(workflow_->Sweep().ok());
    }
    if (day % 3 == 2 || day + 1 == days) {
      const int a = static_cast<int>(rng() % (day + 1));
      const int b = a + static_cast<int>(rng() % (day + 1 - a + 1));
      ExpectRecount(
          {DateFromDayNumber(DayNumber(first) + a), DateFromDayNumber(DayNumber(first) + b)},
          "day " + std::to_string(day));
      if (HasFailure()) return;
    }
  }
  ExpectRecount({first, DateFromDayNumber(DayNumber(first) + days - 1)}, "whole");
  ExpectRecount({D("2021-12-01"), D("2022-03-01")}, "around");
  // The history was not trivial: many turns, closed and open, in several units and streets.
  auto whole = stats_->Summary(city, {first, DateFromDayNumber(DayNumber(first) + days - 1)});
  ASSERT_TRUE(whole.ok());
  EXPECT_GT(whole->attendance.person_times, 60);
  EXPECT_EQ(whole->attendance.units, 4);
  EXPECT_EQ(whole->requests->shifts, 3 * days);
  EXPECT_GT(corrected, 20);
}

// Records written straight into the tables (as an older version would have), spread over
// months so that every level of blocks holds them; counted record by record, changed, closed,
// then rebuilt from scratch. Every figure of many periods must equal the recount throughout.
TEST_P(StatsTest, LongHistoriesAcrossBlocksMatchTheRecountAndTheRebuild) {
  std::mt19937 rng(64);
  const std::int64_t first_day = DayNumber(D("2021-11-20"));
  const int span = 150;
  struct Shift {
    std::int64_t id, day, street, community;
  };
  std::vector<Shift> shifts;
  std::vector<std::int64_t> attendance;
  auto populated = store_->Write([&](store::Transaction& tx) -> Status {
    for (int i = 0; i < 120; ++i) {
      const std::size_t site = rng() % sites_.size();
      const std::int64_t day = first_day + static_cast<std::int64_t>(rng() % span);
      const std::int64_t start =
          UnixSeconds(ShanghaiMidnight(DateFromDayNumber(static_cast<int>(day)))) +
          3600 * (6 + static_cast<std::int64_t>(rng() % 12));
      const std::int64_t street = streets_[site / 2].value, community = communities_[site].value;
      MUSTER_ASSIGN(std::int64_t request,
                    tx.InsertReturningId(
                        "INSERT INTO requests (street_id, note, urgent, posted_at, "
                        "escalates_at) VALUES (?, 'x', 0, ?, ?) RETURNING id",
                        {street, start - 7200 - static_cast<std::int64_t>(rng() % 3600), start}));
      const std::int64_t headcount = 1 + static_cast<std::int64_t>(rng() % 6);
      const std::int64_t confirmed = static_cast<std::int64_t>(rng() % (headcount + 1));
      store::Value filled =
          confirmed == headcount
              ? store::Value(start - 3600 + static_cast<std::int64_t>(rng() % 3000))
              : store::Null();
      MUSTER_ASSIGN(std::int64_t shift,
                    tx.InsertReturningId(
                        "INSERT INTO shifts (request_id, site_id, community_id, street_id, task, "
                        "starts_at, ends_at, day, headcount, confirmed, skills, priority, risk, "
                        "filled_at) VALUES (?, ?, ?, ?, 'checkpoint', ?, ?, ?, ?, ?, '', 0, "
                        "'normal', ?) RETURNING id",
                        {request, sites_[site].value, community, street, start, start + 4 * 3600,
                         day, headcount, confirmed, filled}));
      shifts.push_back({shift, day, street, community});
      std::set<std::size_t> chosen;
      for (int k = 0; k < 4; ++k) chosen.insert(rng() % members_.size());
      for (std::size_t m : chosen) {
        auto member = store::RegistryRepo(tx).FindMember(members_[m]);
        if (!member.ok() || !*member) return Internal("no member");
        const std::int64_t in = start + static_cast<std::int64_t>(rng() % 1800);
        store::Value out = rng() % 3 == 0
                               ? store::Null()
                               : store::Value(in + static_cast<std::int64_t>(rng() % 20000));
        MUSTER_ASSIGN(
            std::int64_t id,
            tx.InsertReturningId(
                "INSERT INTO attendance (shift_id, member_id, checked_in_at, "
                "checked_out_at, source, day, unit_id, branch_id, party_member, street_id, "
                "community_id) VALUES (?, ?, ?, ?, 'coordinator', ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                {shift, members_[m].value, in, out, day, (*member)->unit_id.value,
                 (*member)->branch_id ? store::Value((*member)->branch_id->value) : store::Null(),
                 std::int64_t{(*member)->party_member}, street, community}));
        attendance.push_back(id);
        if (rng() % 5 != 0) MUSTER_TRY(stats::CountAttendance(tx, AttendanceId(id)));
      }
    }
    return Ok();
  });
  ASSERT_TRUE(populated.ok()) << populated.error().ToString();
  // Some records were not counted (as after an upgrade): the first read counts them.
  auto pending = store_->Read([](store::Transaction& tx) { return stats::Pending(tx); });
  ASSERT_TRUE(pending.ok() && *pending);
  ASSERT_TRUE(stats_->Summary(Actor::System(), {D("2022-01-01"), D("2022-01-01")}).ok());
  pending = store_->Read([](store::Transaction& tx) { return stats::Pending(tx); });
  ASSERT_TRUE(pending.ok() && !*pending);

  auto periods = [&](int n) {
    std::vector<StatsPeriod> out;
    for (int i = 0; i < n; ++i) {
      const int a = static_cast<int>(first_day) - 5 + static_cast<int>(rng() % (span + 10));
      const int len = i % 3 == 0 ? static_cast<int>(rng() % 3) : static_cast<int>(rng() % 120);
      out.push_back({DateFromDayNumber(a), DateFromDayNumber(a + len)});
    }
    out.push_back({DateFromDayNumber(static_cast<int>(first_day)),
                   DateFromDayNumber(static_cast<int>(first_day) + span)});
    return out;
  };
  for (const StatsPeriod& p : periods(6)) ExpectRecount(p, "counted");

  // Check-outs change, records close, shifts close: counted as they happen.
  auto changed = store_->Write([&](store::Transaction& tx) -> Status {
    for (int i = 0; i < 150; ++i) {
      const std::int64_t id = attendance[rng() % attendance.size()];
      const std::int64_t out = rng() % 4 == 0 ? 0 : 1 + static_cast<std::int64_t>(rng() % 30000);
      MUSTER_TRY(
          tx.Exec("UPDATE attendance SET checked_out_at = CASE WHEN ? = 0 THEN NULL ELSE "
                  "checked_in_at + ? END WHERE id = ?",
                  {out, out, id}));
      MUSTER_TRY(stats::CountAttendance(tx, AttendanceId(id)));
    }
    for (const Shift& s : shifts) {
      if (rng() % 2 == 0) continue;
      MUSTER_TRY(
          tx.Exec("UPDATE attendance SET checked_out_at = checked_in_at + 60 WHERE "
                  "shift_id = ? AND checked_out_at IS NULL",
                  {s.id}));
      MUSTER_TRY(stats::CountClosedShift(tx, ShiftId(s.id)));
      MUSTER_TRY(tx.Exec("UPDATE shifts SET closed = 1 WHERE id = ?", {s.id}));
      MUSTER_TRY(stats::CountClosedShift(tx, ShiftId(s.id)));  // idempotent
    }
    return Ok();
  });
  ASSERT_TRUE(changed.ok()) << changed.error().ToString();
  for (const StatsPeriod& p : periods(8)) ExpectRecount(p, "changed");

  // A rebuild from the records gives the same figures.
  ASSERT_TRUE(store_->Write([](store::Transaction& tx) { return stats::Rebuild(tx); }).ok());
  for (const StatsPeriod& p : periods(6)) ExpectRecount(p, "rebuilt");
}

TEST_P(StatsTest, ExportsListEveryPersonTimeMaskedAndAudited) {
  const Timestamp start = T("2022-01-12T08:00:00+08:00");
  const ShiftId shift = Post(0, start, 4, 3);
  const Actor city = Actor::System();
  ASSERT_TRUE(workflow_->SignUp(city, Signup(shift, members_[0])).ok());
  clock_.Set(start + std::chrono::minutes(2));
  auto in = CheckInByCode(*workflow_, Coordinator(0), sites_[0], members_[0]);
  ASSERT_TRUE(in.ok());
  clock_.Set(start + std::chrono::minutes(2 + 50));
  ASSERT_TRUE(workflow_->CheckOut(city, in->attendance_id).ok());
  const StatsPeriod p{D("2022-01-12"), D("2022-01-12")};
  auto sheet = stats_->ExportAttendance(city, p, domain::Language::kEn);
  ASSERT_TRUE(sheet.ok()) << sheet.error().ToString();
  ASSERT_EQ(sheet->rows.size(), 2u);
  EXPECT_EQ(sheet->rows[0][0], "date");
  const std::vector<std::string> expected = {"2022-01-12",
                                             "单位0",
                                             "支部0",
                                             "成员00",
                                             "138****1000",
                                             "街道0",
                                             "社区00",
                                             "点0",
                                             "2022-01-12 08:02:00",
                                             "2022-01-12 08:52:00",
                                             "0.83",
                                             "1"};
  EXPECT_EQ(sheet->rows[1], expected);
  auto zh = stats_->ExportAttendance(city, p, domain::Language::kZhCn);
  ASSERT_TRUE(zh.ok());
  EXPECT_EQ(zh->rows[0][0], "日期");
  // Outside his scope a unit administrator exports nothing.
  auto other = stats_->ExportAttendance({UserId(), "u", Role::kUnitAdmin, units_[1].value, ""}, p,
                                        domain::Language::kEn);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->rows.size(), 1u);

  auto figures = stats_->ExportFigures(city, p, "all", domain::Language::kEn);
  ASSERT_TRUE(figures.ok()) << figures.error().ToString();
  ASSERT_EQ(figures->size(), 6u);
  EXPECT_EQ((*figures)[0].name, "summary");
  EXPECT_EQ((*figures)[1].name, "by-unit");
  EXPECT_EQ((*figures)[1].rows[1][1], "单位0");
  EXPECT_EQ((*figures)[5].rows[0].back(), "median_minutes_to_fill");
  EXPECT_FALSE(stats_->ExportFigures(city, p, "units", domain::Language::kEn).ok());

  auto audit = store_->Read([](store::Transaction& tx) { return ReadAudit(tx, 0, 10); });
  ASSERT_TRUE(audit.ok());
  int exports = 0;
  for (const AuditEntry& e : *audit) exports += e.action == "export" ? 1 : 0;
  EXPECT_EQ(exports, 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, StatsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) {
                           return testing::BackendName(param_info.param);
                         });

}  // namespace
}  // namespace muster::app
