// Oversight on both backends: supervision figures recounted by hand from a small history made
// through the real workflow (post, sign up, escalate, call, check in), inspections, funds that
// never overdraw (also under many concurrent writers on two stores), supplies and exports.
#include "app/oversight.h"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "app/registry.h"
#include "app/workflow.h"
#include "support/test_store.h"

namespace muster::app {
namespace {

using namespace std::chrono_literals;

const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Date D(const char* s) { return *ParseDate(s, "d"); }
Timestamp At(const char* date, int hour, int minute = 0) {
  return ShanghaiMidnight(D(date)) + std::chrono::hours(hour) + std::chrono::minutes(minute);
}

Actor As(Role role, std::int64_t scope, const char* name) {
  return Actor{UserId(), name, role, scope, "test"};
}

class OversightTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  // Two streets; street 0 is paired with unit 0, street 1 with unit 1. Street 0 has two
  // communities: c0 paired with unit 0's department, c1 with a department of unit 1, so a request
  // with a shift in c1 is routed to both units. Unit 2 is paired with nothing.
  void SetUp() override {
    store_ = muster::testing::NewStore(GetParam());
    registry_ = std::make_unique<Registry>(*store_, keys_, clock_);
    workflow_ = std::make_unique<Workflow>(*store_, keys_, clock_);
    oversight_ = std::make_unique<Oversight>(*store_, clock_);
    auto district = registry_->CreateDistrict(admin_, {{}, "罗湖区"})->id;
    for (int i = 0; i < 2; ++i) {
      std::string n = std::to_string(i);
      street_[i] = registry_->CreateStreet(admin_, {{}, district, "街道" + n, domain::StreetKind::kStreet})->id;
      unit_[i] = registry_->CreateUnit(admin_, {{}, "单位" + n, domain::UnitKind::kAgency})->id;
      dept_[i] = registry_->CreateDepartment(admin_, {{}, unit_[i], "处室" + n})->id;
      branch_[i] = registry_->CreateBranch(admin_, {{}, unit_[i], "支部" + n})->id;
      community_[i] = registry_->CreateCommunity(admin_, {{}, street_[0], "社区" + n, domain::CommunityKind::kCommunity})->id;
      site_[i] = registry_->CreateSite(admin_, {{}, community_[i], "采样点" + n, "sampling", 22.55, 114.12, domain::Risk::kNormal})->id;
      EXPECT_TRUE(registry_->PairStreet(admin_, street_[i], unit_[i], std::nullopt).ok());
      EXPECT_TRUE(registry_->PairCommunity(admin_, community_[i], {dept_[i]}, std::nullopt).ok());
    }
    other_community_ = registry_->CreateCommunity(admin_, {{}, street_[1], "社区9", domain::CommunityKind::kCommunity})->id;
    unit_[2] = registry_->CreateUnit(admin_, {{}, "单位2", domain::UnitKind::kCompany})->id;
    branch_b_ = registry_->CreateBranch(admin_, {{}, unit_[1], "支部1b"})->id;
    for (int i = 0; i < 4; ++i) m_[i] = Member(unit_[0], dept_[0], branch_[0], i);
    n_[0] = Member(unit_[1], std::nullopt, branch_b_, 10);
    n_[1] = Member(unit_[1], dept_[1], branch_[1], 11);
  }

  MemberId Member(UnitId unit, std::optional<DepartmentId> dept, BranchId branch, int i) {
    MemberInput in;
    in.name = "成员" + std::to_string(i);
    in.phone = "1381234" + std::to_string(5000 + i);
    in.unit_id = unit;
    in.department_id = dept;
    in.branch_id = branch;
    in.party_member = true;
    auto m = registry_->CreateMember(admin_, in);
    EXPECT_TRUE(m.ok()) << m.error().ToString();
    return m->id;
  }

  RequestView Post(SiteId site, Timestamp starts, int headcount, bool urgent) {
    RequestInput in;
    in.note = "需要人手";
    in.urgent = urgent;
    ShiftInput shift;
    shift.site_id = site;
    shift.task = domain::ShiftTask::kSamplingAssistance;
    shift.starts_at = starts;
    shift.ends_at = starts + 4h;
    shift.headcount = headcount;
    in.shifts.push_back(shift);
    auto r = workflow_->PostRequest(As(Role::kStreetCoordinator, street_[0].value, "street0"), in);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return *r;
  }

  void SignUp(const RequestView& r, MemberId m) {
    SignupInput in;
    in.shift_id = r.shifts.front().id;
    in.member_id = m;
    auto s = workflow_->SignUp(admin_, in);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    EXPECT_EQ(s->status, SignupStatus::kConfirmed);
  }

  void CheckIn(SiteId site, std::initializer_list<MemberId> members) {
    auto code = workflow_->CheckinCode(admin_, site);
    ASSERT_TRUE(code.ok());
    for (MemberId m : members) {
      auto c = workflow_->CheckIn(admin_, code->token, m);
      ASSERT_TRUE(c.ok()) << c.error().ToString();
      EXPECT_FALSE(c->flagged);
    }
  }

  // The history every supervision test reads (times in Asia/Shanghai):
  //   2022-01-11 22:00  r1 (urgent) posted: site 0 (community 0), 2022-01-12 08:00, 3 places;
  //                     routed to unit 0 by its street and by its department (counted once).
  //                     r2 posted: site 1 (community 1), 2022-01-13 08:00, 2 places; routed to
  //                     unit 0 (street) and unit 1 (department of community 1).
  //   22:20             unit 0 calls branch 0 for r1; unit 1 calls branch 1b for r2.
  //   22:30             m0, m1 (unit 0) sign up for r1.
  //   22:31             the sweep escalates r1 (urgent: 30 minutes), 2 of 3 places filled.
  //   23:00             n0 (unit 1) signs up for r1: filled 60 minutes after posting.
  //   23:30             n1 (unit 1) signs up for r2.
  //   2022-01-12 00:00  m2 (unit 0) signs up for r2: filled 120 minutes after posting.
  //   01-12 07:45       m0, m1, n0 check in at site 0; 01-13 07:45 n1, m2 at site 1.
  void MakeHistory() {
    clock_.Set(At("2022-01-11", 22));
    r1_ = Post(site_[0], At("2022-01-12", 8), 3, true);
    r2_ = Post(site_[1], At("2022-01-13", 8), 2, false);
    clock_.Set(At("2022-01-11", 22, 20));
    auto c1 = workflow_->SendCall(As(Role::kUnitAdmin, unit_[0].value, "unit0"),
                                  {r1_.id, std::vector<BranchId>{branch_[0]}, "支援黄贝"});
    ASSERT_TRUE(c1.ok()) << c1.error().ToString();
    auto c2 = workflow_->SendCall(As(Role::kUnitAdmin, unit_[1].value, "unit1"),
                                  {r2_.id, std::vector<BranchId>{branch_b_}, "支援"});
    ASSERT_TRUE(c2.ok()) << c2.error().ToString();
    unanswered_call_ = c2->id;
    clock_.Set(At("2022-01-11", 22, 30));
    SignUp(r1_, m_[0]);
    SignUp(r1_, m_[1]);
    clock_.Set(At("2022-01-11", 22, 31));
    ASSERT_EQ(workflow_->Sweep()->escalated, 1);
    clock_.Set(At("2022-01-11", 23));
    SignUp(r1_, n_[0]);
    clock_.Set(At("2022-01-11", 23, 30));
    SignUp(r2_, n_[1]);
    clock_.Set(At("2022-01-12", 0));
    SignUp(r2_, m_[2]);
    clock_.Set(At("2022-01-12", 7, 45));
    CheckIn(site_[0], {m_[0], m_[1], n_[0]});
    clock_.Set(At("2022-01-13", 7, 45));
    CheckIn(site_[1], {n_[1], m_[2]});
  }

  std::vector<SupervisionRow> Rows(const Actor& a, const char* from, const char* to) {
    auto rows = oversight_->Supervise(a, {D(from), D(to)}, {0, 100});
    EXPECT_TRUE(rows.ok()) << rows.error().ToString();
    return rows.ok() ? *rows : std::vector<SupervisionRow>();
  }

  std::int64_t Count(std::string_view table) {
    auto n = store_->Read([&](store::Transaction& tx) {
      return tx.QueryInt("SELECT COUNT(*) FROM " + std::string(table), {});
    });
    EXPECT_TRUE(n.ok());
    return n.ok() ? n->value_or(-1) : -1;
  }

  Actor admin_ = Actor::System("admin");
  crypto::Keyring keys_ = *crypto::Keyring::FromHex(kKey);
  FakeClock clock_{At("2022-01-11", 20)};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Workflow> workflow_;
  std::unique_ptr<Oversight> oversight_;
  StreetId street_[2];
  CommunityId community_[2], other_community_;
  SiteId site_[2];
  UnitId unit_[3];
  DepartmentId dept_[2];
  BranchId branch_[2], branch_b_;
  MemberId m_[4], n_[2];
  RequestView r1_, r2_;
  CallId unanswered_call_;
};

TEST_P(OversightTest, SupervisionFiguresMatchAHandCountOfTheHistory) {
  MakeHistory();
  std::vector<SupervisionRow> rows = Rows(admin_, "2022-01-12", "2022-01-13");
  ASSERT_EQ(rows.size(), 3u);

  const SupervisionRow& u0 = rows[0];
  EXPECT_EQ(u0.id, unit_[0]);
  EXPECT_EQ(u0.unit_name, "单位0");
  EXPECT_EQ(u0.routed, 2);                // r1 once (street and department), r2 by street
  EXPECT_EQ(u0.places, 5);                // 3 + 2
  EXPECT_EQ(u0.places_filled_by_own, 3);  // m0, m1 on r1; m2 on r2
  EXPECT_DOUBLE_EQ(*u0.FilledByOwnShare(), 0.6);
  EXPECT_EQ(u0.median_minutes_to_fill, 90);  // 60 and 120
  EXPECT_EQ(u0.person_times, 3);
  EXPECT_EQ(u0.members, 4);
  EXPECT_EQ(u0.members_served, 3);
  EXPECT_DOUBLE_EQ(*u0.ServedShare(), 0.75);
  EXPECT_EQ(u0.unfilled_past_escalation, std::vector<RequestId>{r1_.id});
  EXPECT_TRUE(u0.calls_without_signups.empty());  // branch 0 answered on r1

  const SupervisionRow& u1 = rows[1];
  EXPECT_EQ(u1.routed, 1);  // r2 by its community; r1 only reached it by escalation
  EXPECT_EQ(u1.places, 2);
  EXPECT_EQ(u1.places_filled_by_own, 1);  // n1
  EXPECT_EQ(u1.median_minutes_to_fill, 120);
  EXPECT_EQ(u1.person_times, 2);  // n0 served r1 after it escalated: his person-time counts
  EXPECT_EQ(u1.members, 2);
  EXPECT_EQ(u1.members_served, 2);
  EXPECT_TRUE(u1.unfilled_past_escalation.empty());  // r2 filled before its escalation time
  EXPECT_EQ(u1.calls_without_signups, std::vector<CallId>{unanswered_call_});

  const SupervisionRow& u2 = rows[2];
  EXPECT_EQ(u2.routed, 0);
  EXPECT_EQ(u2.places, 0);
  EXPECT_FALSE(u2.FilledByOwnShare());
  EXPECT_FALSE(u2.ServedShare());
  EXPECT_FALSE(u2.median_minutes_to_fill);
}

TEST_P(OversightTest, ThePeriodCountsTheShiftsStartingOnItsDates) {
  MakeHistory();
  std::vector<SupervisionRow> rows = Rows(admin_, "2022-01-13", "2022-01-13");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].routed, 1);  // r2 only
  EXPECT_EQ(rows[0].places, 2);
  EXPECT_EQ(rows[0].places_filled_by_own, 1);
  EXPECT_EQ(rows[0].median_minutes_to_fill, 120);
  EXPECT_EQ(rows[0].person_times, 1);
  EXPECT_EQ(rows[0].members_served, 1);
  EXPECT_TRUE(rows[0].unfilled_past_escalation.empty());
  EXPECT_EQ(rows[1].person_times, 1);  // n1; n0 served on the 12th
  rows = Rows(admin_, "2022-01-14", "2022-01-20");
  EXPECT_EQ(rows[0].routed, 0);
  EXPECT_EQ(rows[0].person_times, 0);
  EXPECT_EQ(rows[0].members, 4);
  EXPECT_TRUE(rows[1].calls_without_signups.empty());
}

TEST_P(OversightTest, SupervisionIsTheCitysAndEachUnitReadsItsOwnRow) {
  MakeHistory();
  std::vector<SupervisionRow> own = Rows(As(Role::kUnitAdmin, unit_[1].value, "unit1"), "2022-01-12", "2022-01-13");
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0].id, unit_[1]);
  EXPECT_EQ(own[0].person_times, 2);
  for (Role r : {Role::kBranchSecretary, Role::kStreetCoordinator, Role::kCommunityCoordinator, Role::kVolunteer}) {
    auto rows = oversight_->Supervise(As(r, 1, "x"), {D("2022-01-12"), D("2022-01-13")}, {0, 100});
    ASSERT_FALSE(rows.ok());
    EXPECT_EQ(rows.error().code, ErrorCode::kForbidden);
  }
  auto backwards = oversight_->Supervise(admin_, {D("2022-01-13"), D("2022-01-12")}, {0, 100});
  EXPECT_EQ(backwards.error().field, "to");
  // Pages follow unit ids.
  auto first = oversight_->Supervise(admin_, {D("2022-01-12"), D("2022-01-13")}, {0, 2});
  ASSERT_EQ(first->size(), 2u);
  auto rest = oversight_->Supervise(admin_, {D("2022-01-12"), D("2022-01-13")}, {first->back().id.value, 2});
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ(rest->front().id, unit_[2]);
}

TEST_P(OversightTest, InspectionsAreRecordedByTheCityAndReadByTheUnit) {
  clock_.Set(At("2022-01-16", 10));
  InspectionInput in{unit_[0], D("2022-01-15"), "市直机关工委督查组", "下沉人员到岗及时，台账完整", Rating::kGood};
  auto made = oversight_->RecordInspection(admin_, in);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  EXPECT_EQ(made->unit_name, "单位0");
  EXPECT_TRUE(oversight_->RecordInspection(admin_, {unit_[1], D("2022-01-14"), "督查组", "有一个呼叫无人响应", Rating::kFair}).ok());

  auto refused = oversight_->RecordInspection(As(Role::kUnitAdmin, unit_[0].value, "unit0"), in);
  EXPECT_EQ(refused.error().code, ErrorCode::kForbidden);
  InspectionInput bad = in;
  bad.unit_id = UnitId(999);
  EXPECT_EQ(oversight_->RecordInspection(admin_, bad).error().field, "unit_id");
  bad = in;
  bad.date = D("2022-01-17");
  EXPECT_EQ(oversight_->RecordInspection(admin_, bad).error().field, "date");
  bad = in;
  bad.findings = "  ";
  EXPECT_EQ(oversight_->RecordInspection(admin_, bad).error().field, "findings");
  EXPECT_EQ(Count("inspections"), 2);

  auto all = oversight_->ListInspections(admin_, {0, 100}, {});
  EXPECT_EQ(all->size(), 2u);
  Actor unit0 = As(Role::kUnitAdmin, unit_[0].value, "unit0");
  auto own = oversight_->ListInspections(unit0, {0, 100}, {});
  ASSERT_EQ(own->size(), 1u);
  EXPECT_EQ(own->front().findings, "下沉人员到岗及时，台账完整");
  EXPECT_TRUE(oversight_->ListInspections(unit0, {0, 100}, {unit_[1], {}, {}})->empty());
  EXPECT_EQ(oversight_->ListInspections(As(Role::kVolunteer, m_[0].value, "v"), {0, 100}, {}).error().code,
            ErrorCode::kForbidden);

  std::vector<SupervisionRow> rows = Rows(admin_, "2022-01-01", "2022-01-16");
  EXPECT_EQ(rows[0].last_inspection, made->id);
  EXPECT_EQ(rows[1].last_inspection_rating, "fair");
  EXPECT_FALSE(Rows(admin_, "2022-01-01", "2022-01-14")[0].last_inspection);
}

TEST_P(OversightTest, ExpensesNeverExceedTheBalance) {
  Actor unit0 = As(Role::kUnitAdmin, unit_[0].value, "unit0");
  auto allocated = oversight_->Allocate(admin_, {unit_[0], Fen{459'000'00}, "慰问挂点社区党员", D("2022-01-05")});
  ASSERT_TRUE(allocated.ok()) << allocated.error().ToString();
  EXPECT_EQ(allocated->balance, Fen{459'000'00});
  auto spent = oversight_->Spend(unit0, {unit_[0], Fen{2'000'000}, "防疫物资", D("2022-01-11"), community_[0]});
  ASSERT_TRUE(spent.ok()) << spent.error().ToString();
  EXPECT_EQ(spent->balance, Fen{43'900'000});
  EXPECT_EQ(spent->community_name, "社区0");

  auto over = oversight_->Spend(admin_, {unit_[0], Fen{43'900'001}, "超支", D("2022-01-11"), std::nullopt});
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kInsufficientFunds);
  EXPECT_EQ(over.error().field, "amount_fen");
  EXPECT_TRUE(oversight_->Spend(admin_, {unit_[0], Fen{43'900'000}, "用尽", D("2022-01-11"), std::nullopt}).ok());
  EXPECT_EQ(oversight_->Spend(admin_, {unit_[0], Fen{1}, "再花", D("2022-01-11"), std::nullopt}).error().code,
            ErrorCode::kInsufficientFunds);
  // A unit nothing was allocated to has nothing to spend.
  EXPECT_EQ(oversight_->Spend(admin_, {unit_[1], Fen{1}, "无", D("2022-01-11"), std::nullopt}).error().code,
            ErrorCode::kInsufficientFunds);
  EXPECT_EQ(Count("fund_expenses"), 2);

  auto balances = oversight_->Balances(admin_, {0, 100}, std::nullopt);
  ASSERT_EQ(balances->size(), 3u);
  EXPECT_EQ((*balances)[0].allocated, Fen{45'900'000});
  EXPECT_EQ((*balances)[0].spent, Fen{45'900'000});
  EXPECT_EQ((*balances)[0].balance, Fen{0});
  EXPECT_EQ((*balances)[1].allocated, Fen{0});
  EXPECT_EQ(oversight_->Balances(unit0, {0, 100}, std::nullopt)->size(), 1u);
  EXPECT_TRUE(oversight_->Balances(unit0, {0, 100}, unit_[1])->empty());
  EXPECT_EQ(oversight_->ListExpenses(unit0, {0, 100}, {})->size(), 2u);
  EXPECT_EQ(oversight_->ListAllocations(As(Role::kUnitAdmin, unit_[1].value, "u1"), {0, 100}, {})->size(), 0u);
}

TEST_P(OversightTest, FundRecordsAreValidatedAndScoped) {
  Actor unit0 = As(Role::kUnitAdmin, unit_[0].value, "unit0");
  AllocationInput a{unit_[0], Fen{100}, "慰问", D("2022-01-05")};
  EXPECT_EQ(oversight_->Allocate(unit0, a).error().code, ErrorCode::kForbidden);
  a.amount = Fen{0};
  EXPECT_EQ(oversight_->Allocate(admin_, a).error().field, "amount_fen");
  a.amount = Fen{-5};
  EXPECT_EQ(oversight_->Allocate(admin_, a).error().field, "amount_fen");
  a.amount = Fen{100};
  a.unit_id = UnitId(999);
  auto missing = oversight_->Allocate(admin_, a);
  EXPECT_EQ(missing.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(missing.error().field, "unit_id");
  a.unit_id = unit_[0];
  a.purpose = "";
  EXPECT_EQ(oversight_->Allocate(admin_, a).error().field, "purpose");
  a.purpose = "慰问";
  ASSERT_TRUE(oversight_->Allocate(admin_, a).ok());

  ExpenseInput e{unit_[1], Fen{10}, "物资", D("2022-01-11"), std::nullopt};
  EXPECT_EQ(oversight_->Spend(unit0, e).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(oversight_->Spend(As(Role::kBranchSecretary, branch_[0].value, "b"), e).error().code,
            ErrorCode::kForbidden);
  e.unit_id = unit_[0];
  e.community_id = CommunityId(999);
  EXPECT_EQ(oversight_->Spend(unit0, e).error().field, "community_id");
  EXPECT_EQ(Count("fund_expenses"), 0);
  auto balance = oversight_->Balances(admin_, {0, 1}, std::nullopt);
  EXPECT_EQ(balance->front().spent, Fen{0});  // the refused expense took nothing
}

// Many writers at once, half of them through a second store on the same database (a second
// server process): allocations and expenses interleave, and the books always balance.
TEST_P(OversightTest, ConcurrentExpensesNeverOverdraw) {
  auto second = muster::testing::ReopenLastStore(GetParam());
  Oversight other(*second, clock_);
  ASSERT_TRUE(oversight_->Allocate(admin_, {unit_[0], Fen{50'000}, "首批", D("2022-01-05")}).ok());
  constexpr int kThreads = 12;
  constexpr int kEach = 25;
  std::atomic<std::int64_t> accepted_fen{0}, allocated_fen{50'000};
  std::atomic<int> refused{0}, other_errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Oversight& ov = t % 2 == 0 ? *oversight_ : other;
      std::mt19937 rng(1000 + t);
      std::uniform_int_distribution<int> amount(100, 900);
      for (int i = 0; i < kEach; ++i) {
        if (t == 0 && i % 5 == 0) {
          if (ov.Allocate(admin_, {unit_[0], Fen{2'000}, "追加", D("2022-01-06")}).ok()) allocated_fen += 2'000;
          continue;
        }
        int fen = amount(rng);
        auto r = ov.Spend(admin_, {unit_[0], Fen{fen}, "支出", D("2022-01-11"), std::nullopt});
        if (r.ok()) {
          accepted_fen += fen;
          EXPECT_GE(r->balance.value, 0);
        } else if (r.error().code == ErrorCode::kInsufficientFunds) {
          ++refused;
        } else {
          ++other_errors;
          ADD_FAILURE() << r.error().ToString();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(other_errors, 0);
  EXPECT_GT(refused, 0);  // the demand was well above the funds
  auto b = oversight_->Balances(admin_, {0, 1}, std::nullopt);
  ASSERT_TRUE(b.ok());
  const Balance& bal = b->front();
  EXPECT_EQ(bal.allocated.value, allocated_fen.load());
  EXPECT_EQ(bal.spent.value, accepted_fen.load());
  EXPECT_GE(bal.balance.value, 0);
  EXPECT_LE(accepted_fen.load(), allocated_fen.load());
  // The ledger agrees with the balance row.
  auto sums = store_->Read([&](store::Transaction& tx) -> Result<std::pair<std::int64_t, std::int64_t>> {
    MUSTER_ASSIGN(auto spent, tx.QueryInt("SELECT COALESCE(SUM(amount_fen), 0) FROM fund_expenses", {}));
    MUSTER_ASSIGN(auto given, tx.QueryInt("SELECT COALESCE(SUM(amount_fen), 0) FROM fund_allocations", {}));
    return std::pair{spent.value_or(-1), given.value_or(-1)};
  });
  ASSERT_TRUE(sums.ok());
  EXPECT_EQ(sums->first, accepted_fen.load());
  EXPECT_EQ(sums->second, allocated_fen.load());
}

TEST_P(OversightTest, SuppliesRecordWhoCoordinatedThemAndAreReadInScope) {
  clock_.Set(At("2022-01-16", 10));
  Actor unit1 = As(Role::kUnitAdmin, unit_[1].value, "unit1");
  Actor street0 = As(Role::kStreetCoordinator, street_[0].value, "street0");
  SupplyInput bought{std::nullopt, community_[0], "单位1", std::nullopt, "口罩、防护服", 200, Fen{2'000'000}, D("2022-01-13")};
  auto s1 = oversight_->RecordSupply(unit1, bought);
  ASSERT_TRUE(s1.ok()) << s1.error().ToString();
  EXPECT_EQ(s1->street_id, street_[0]);  // the community's street
  EXPECT_EQ(s1->coordinated_by_unit_id, unit_[1]);  // his unit, unless named
  SupplyInput donated{street_[1], std::nullopt, "爱心企业", unit_[1], "生活物资", 1, Fen{10'000'000}, D("2022-01-14")};
  ASSERT_TRUE(oversight_->RecordSupply(admin_, donated).ok());
  SupplyInput local{street_[0], std::nullopt, "辖区商户", std::nullopt, "矿泉水", 50, Fen{5'000}, D("2022-01-14")};
  ASSERT_TRUE(oversight_->RecordSupply(street0, local).ok());

  SupplyInput elsewhere = local;
  elsewhere.recipient_street_id = street_[1];
  EXPECT_EQ(oversight_->RecordSupply(street0, elsewhere).error().code, ErrorCode::kForbidden);
  SupplyInput for_other_unit = bought;
  for_other_unit.coordinated_by_unit_id = unit_[0];
  EXPECT_EQ(oversight_->RecordSupply(unit1, for_other_unit).error().code, ErrorCode::kForbidden);
  SupplyInput mismatched{street_[1], community_[0], "x", std::nullopt, "y", 1, Fen{1}, D("2022-01-14")};
  EXPECT_EQ(oversight_->RecordSupply(admin_, mismatched).error().field, "recipient_community_id");
  SupplyInput nowhere{std::nullopt, std::nullopt, "x", std::nullopt, "y", 1, Fen{1}, D("2022-01-14")};
  EXPECT_EQ(oversight_->RecordSupply(admin_, nowhere).error().field, "recipient_street_id");
  SupplyInput no_value = local;
  no_value.value = Fen{0};
  EXPECT_EQ(oversight_->RecordSupply(admin_, no_value).error().field, "value_fen");
  SupplyInput no_quantity = local;
  no_quantity.quantity = 0;
  EXPECT_EQ(oversight_->RecordSupply(admin_, no_quantity).error().field, "quantity");
  SupplyInput unknown_unit = local;
  unknown_unit.coordinated_by_unit_id = UnitId(999);
  EXPECT_EQ(oversight_->RecordSupply(admin_, unknown_unit).error().field, "coordinated_by_unit_id");
  EXPECT_EQ(oversight_->RecordSupply(As(Role::kVolunteer, m_[0].value, "v"), local).error().code,
            ErrorCode::kForbidden);
  EXPECT_EQ(Count("supplies"), 3);

  EXPECT_EQ(oversight_->ListSupplies(admin_, {0, 100}, {})->size(), 3u);
  EXPECT_EQ(oversight_->ListSupplies(unit1, {0, 100}, {})->size(), 2u);
  EXPECT_EQ(oversight_->ListSupplies(street0, {0, 100}, {})->size(), 2u);
  auto community = oversight_->ListSupplies(As(Role::kCommunityCoordinator, community_[0].value, "c0"), {0, 100}, {});
  ASSERT_EQ(community->size(), 1u);
  EXPECT_EQ(community->front().description, "口罩、防护服");
  EXPECT_EQ(oversight_->ListSupplies(As(Role::kBranchSecretary, branch_[0].value, "b"), {0, 100}, {}).error().code,
            ErrorCode::kForbidden);
}

TEST_P(OversightTest, ExportsCarryTheTablesAndAreAudited) {
  MakeHistory();
  clock_.Set(At("2022-01-16", 10));
  ASSERT_TRUE(oversight_->Allocate(admin_, {unit_[0], Fen{459'000'00}, "慰问", D("2022-01-05")}).ok());
  ASSERT_TRUE(oversight_->Spend(admin_, {unit_[0], Fen{12'345}, "物资", D("2022-01-11"), community_[0]}).ok());
  ASSERT_TRUE(oversight_->RecordSupply(admin_, {street_[0], std::nullopt, "爱心企业", unit_[0], "生活物资", 3, Fen{10'000'000}, D("2022-01-14")}).ok());
  auto sup = oversight_->ExportSupervision(admin_, {D("2022-01-12"), D("2022-01-13")});
  ASSERT_TRUE(sup.ok()) << sup.error().ToString();
  ASSERT_EQ(sup->size(), 1u);
  const tabular::Sheet& s = sup->front();
  ASSERT_EQ(s.rows.size(), 4u);
  EXPECT_EQ(s.Cell(0, 4), "routed");
  EXPECT_EQ(s.Cell(1, 1), "单位0");
  EXPECT_EQ(s.Cell(1, 4), "2");
  EXPECT_EQ(s.Cell(1, 7), "0.6000");
  EXPECT_EQ(s.Cell(1, 8), "90");
  EXPECT_EQ(s.Cell(1, 13), std::to_string(r1_.id.value));

  auto funds = oversight_->ExportFunds(As(Role::kUnitAdmin, unit_[0].value, "unit0"), {});
  ASSERT_TRUE(funds.ok()) << funds.error().ToString();
  ASSERT_EQ(funds->size(), 3u);
  const tabular::Sheet& ledger = (*funds)[0];
  ASSERT_EQ(ledger.rows.size(), 3u);
  EXPECT_EQ(ledger.Cell(1, 1), "allocation");
  EXPECT_EQ(ledger.Cell(1, 6), "459000");
  EXPECT_EQ(ledger.Cell(2, 1), "expense");
  EXPECT_EQ(ledger.Cell(2, 6), "123.45");
  EXPECT_EQ(ledger.Cell(2, 8), "社区0");
  const tabular::Sheet& balances = (*funds)[1];
  ASSERT_EQ(balances.rows.size(), 2u);  // his unit only
  EXPECT_EQ(balances.Cell(1, 4), std::to_string(459'000'00 - 12'345));
  EXPECT_EQ((*funds)[2].rows.size(), 2u);
  EXPECT_EQ(oversight_->ExportFunds(As(Role::kStreetCoordinator, street_[0].value, "s"), {}).error().code,
            ErrorCode::kForbidden);

  auto exports = store_->Read([&](store::Transaction& tx) {
    return tx.QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'export'", {});
  });
  EXPECT_EQ(**exports, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, OversightTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& param_info) { return muster::testing::BackendName(param_info.param); });

TEST(YuanNumber, IsAPlainDecimalWithoutTrailingZeros) {
  EXPECT_EQ(YuanNumber(Fen{12345}), "123.45");
  EXPECT_EQ(YuanNumber(Fen{12340}), "123.4");
  EXPECT_EQ(YuanNumber(Fen{12300}), "123");
  EXPECT_EQ(YuanNumber(Fen{5}), "0.05");
  EXPECT_EQ(YuanNumber(Fen{-5}), "-0.05");
  EXPECT_EQ(YuanNumber(Fen{459'000'000}), "4590000");
}

}  // namespace
}  // namespace muster::app
