// Oversight over HTTP: supervision rows, inspections, funds (409 insufficient_funds, concurrent
// expenses), supplies, exports, and the scope of each.
#include <atomic>
#include <thread>

#include "api/api_fixture.h"

namespace muster::api {
namespace {

using nlohmann::json;

class OversightApiTest : public ApiTest {
 protected:
  // The clock is 2022-01-12 08:00 +08:00.
  void SetUp() override {
    ApiTest::SetUp();
    BuildCity();
    AddUser("unit0", app::Role::kUnitAdmin, unit_[0]);
    AddUser("street0", app::Role::kStreetCoordinator, street_[0]);
    AddUser("community0", app::Role::kCommunityCoordinator, community_[0]);
    AddUser("branch0", app::Role::kBranchSecretary, branch_[0]);
    AddUser("vol0", app::Role::kVolunteer, member_[0]);
    unit0_ = Login("unit0");
    street0_ = Login("street0");
    community0_ = Login("community0");
    branch0_ = Login("branch0");
    vol0_ = Login("vol0");
  }

  std::int64_t Count(const std::string& sql) {
    return store_->Read([&](store::Transaction& tx) { return tx.QueryInt(sql, {}); })->value_or(-1);
  }

  json Expense(std::int64_t unit, std::int64_t fen) {
    return {{"unit_id", unit}, {"amount_fen", fen}, {"purpose", "防疫物资"}, {"date", "2022-01-12"}};
  }

  std::string unit0_, street0_, community0_, branch0_, vol0_;
};

TEST_F(OversightApiTest, SupervisionRowsCarryTheFiguresTheInterfaceReads) {
  Reply posted = Call("POST", "/api/v1/requests", street0_,
                      json{{"note", "人手不足"},
                           {"shifts", {{{"site_id", site_[0]}, {"task", "checkpoint"},
                                        {"starts_at", "2022-01-13T08:00:00+08:00"},
                                        {"ends_at", "2022-01-13T12:00:00+08:00"},
                                        {"headcount", 2}}}}});
  ASSERT_EQ(posted.status, 201) << posted.raw.body;
  const std::int64_t shift = posted.body["shifts"][0]["id"];
  clock_.Advance(std::chrono::minutes(10));  // sessions stay fresh
  Reply signed_up = Call("POST", "/api/v1/shifts/" + std::to_string(shift) + "/signups", unit0_,
                         json{{"member_id", member_[0]}});
  ASSERT_EQ(signed_up.status, 201) << signed_up.raw.body;

  Reply r = Call("GET", "/api/v1/supervision?from=2022-01-13&to=2022-01-13", admin_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  ASSERT_EQ(r.body["items"].size(), 2u);
  const json& row = r.body["items"][0];
  EXPECT_EQ(row["unit_id"], unit_[0]);
  EXPECT_EQ(row["unit_name"], "单位0");
  EXPECT_EQ(row["routed"], 1);
  EXPECT_EQ(row["places"], 2);
  EXPECT_EQ(row["places_filled_by_own"], 1);
  EXPECT_DOUBLE_EQ(row["filled_by_own"].get<double>(), 0.5);  // filled_by_own / routed = share
  EXPECT_DOUBLE_EQ(row["filled_by_own_share"].get<double>(), 0.5);
  EXPECT_TRUE(row["median_minutes_to_fill"].is_null());  // not filled yet
  EXPECT_EQ(row["person_times"], 0);
  EXPECT_EQ(row["members"], 1);
  EXPECT_EQ(row["members_served"], 0);
  EXPECT_EQ(row["served_share"], 0.0);
  EXPECT_EQ(row["flags"], json::array());
  EXPECT_TRUE(row["last_inspection"].is_null());
  EXPECT_TRUE(r.body["next"].is_null());
  EXPECT_TRUE(r.body["items"][1]["filled_by_own_share"].is_null());

  Reply own = Call("GET", "/api/v1/supervision?from=2022-01-13&to=2022-01-13", unit0_);
  ASSERT_EQ(own.status, 200);
  ASSERT_EQ(own.body["items"].size(), 1u);
  EXPECT_EQ(own.body["items"][0]["unit_id"], unit_[0]);
  Reply page = Call("GET", "/api/v1/supervision?from=2022-01-13&to=2022-01-13&limit=1", admin_);
  EXPECT_EQ(page.body["next"], std::to_string(unit_[0]));

  EXPECT_EQ(Call("GET", "/api/v1/supervision?from=2022-01-13&to=2022-01-13", vol0_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/supervision?from=2022-01-13&to=2022-01-13", street0_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/supervision?from=2022-01-13&to=2022-01-13", "").status, 401);
  Reply missing = Call("GET", "/api/v1/supervision?to=2022-01-13", admin_);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body["error"]["field"], "from");
  Reply malformed = Call("GET", "/api/v1/supervision?from=2022-1-3&to=2022-01-13", admin_);
  EXPECT_EQ(malformed.body["error"]["field"], "from");
  Reply backwards = Call("GET", "/api/v1/supervision?from=2022-01-14&to=2022-01-13", admin_);
  EXPECT_EQ(backwards.status, 400);
  EXPECT_EQ(backwards.body["error"]["field"], "to");
}

TEST_F(OversightApiTest, InspectionsAreWrittenByTheCityAndReadInScope) {
  json body = {{"unit_id", unit_[0]}, {"date", "2022-01-11"}, {"inspector", "督查组"},
               {"findings", "下沉人员到岗及时"}, {"rating", "good"}};
  Reply made = Call("POST", "/api/v1/inspections", admin_, body);
  ASSERT_EQ(made.status, 201) << made.raw.body;
  EXPECT_EQ(made.body["unit_name"], "单位0");
  EXPECT_EQ(made.body["rating"], "good");
  EXPECT_EQ(made.body["recorded_by"], "admin");
  EXPECT_EQ(Create("/api/v1/inspections", {{"unit_id", unit_[1]}, {"date", "2022-01-12"},
                                           {"inspector", "督查组"}, {"findings", "呼叫无人响应"},
                                           {"rating", "poor"}}) > 0, true);

  auto counts = TableCounts();
  EXPECT_EQ(Call("POST", "/api/v1/inspections", unit0_, body).status, 403);
  for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
           {"rating", "great"}, {"date", "2022-13-01"}, {"date", "2022-01-13"}, {"unit_id", 999},
           {"findings", ""}, {"inspector", 7}}) {
    json bad = body;
    bad[field] = value;
    Reply r = Call("POST", "/api/v1/inspections", admin_, bad);
    EXPECT_EQ(r.status, 422) << field << ": " << r.raw.body;
    EXPECT_EQ(r.body["error"]["field"], field) << r.raw.body;
  }
  json unknown = body;
  unknown["score"] = 5;
  EXPECT_EQ(Call("POST", "/api/v1/inspections", admin_, unknown).body["error"]["field"], "score");
  EXPECT_EQ(TableCounts(), counts);

  EXPECT_EQ(Call("GET", "/api/v1/inspections", admin_).body["items"].size(), 2u);
  Reply own = Call("GET", "/api/v1/inspections", unit0_);
  ASSERT_EQ(own.body["items"].size(), 1u);
  EXPECT_EQ(own.body["items"][0]["findings"], "下沉人员到岗及时");
  EXPECT_EQ(Call("GET", "/api/v1/inspections?unit_id=" + std::to_string(unit_[1]), unit0_).body["items"].size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/inspections?from=2022-01-12", admin_).body["items"].size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/inspections", branch0_).status, 403);

  Reply sup = Call("GET", "/api/v1/supervision?from=2022-01-01&to=2022-01-12", admin_);
  EXPECT_EQ(sup.body["items"][0]["last_inspection"]["date"], "2022-01-11");
  EXPECT_EQ(sup.body["items"][1]["last_inspection"]["rating"], "poor");
}

TEST_F(OversightApiTest, ExpensesPastTheBalanceAre409AndChangeNothing) {
  Reply alloc = Call("POST", "/api/v1/funds/allocations", admin_,
                     json{{"unit_id", unit_[0]}, {"amount_fen", 459000000}, {"purpose", "慰问挂点社区党员"},
                          {"date", "2022-01-05"}});
  ASSERT_EQ(alloc.status, 201) << alloc.raw.body;
  EXPECT_EQ(alloc.body["balance_fen"], 459000000);
  EXPECT_EQ(alloc.body["unit_name"], "单位0");
  json spend = Expense(unit_[0], 2000000);
  spend["community_id"] = community_[0];
  Reply spent = Call("POST", "/api/v1/funds/expenses", unit0_, spend);
  ASSERT_EQ(spent.status, 201) << spent.raw.body;
  EXPECT_EQ(spent.body["balance_fen"], 457000000);
  EXPECT_EQ(spent.body["community_name"], "社区0");

  auto counts = TableCounts();
  Reply over = Call("POST", "/api/v1/funds/expenses", admin_, Expense(unit_[0], 457000001));
  EXPECT_EQ(over.status, 409);
  EXPECT_EQ(over.body["error"]["code"], "insufficient_funds");
  EXPECT_EQ(over.body["error"]["field"], "amount_fen");
  EXPECT_EQ(Call("POST", "/api/v1/funds/expenses", admin_, Expense(unit_[1], 1)).status, 409);
  EXPECT_EQ(Call("POST", "/api/v1/funds/expenses", unit0_, Expense(unit_[1], 1)).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/funds/allocations", unit0_,
                 json{{"unit_id", unit_[0]}, {"amount_fen", 1}, {"purpose", "x"}, {"date", "2022-01-05"}})
                .status,
            403);
  for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
           {"amount_fen", 0}, {"amount_fen", -100}, {"amount_fen", 1.5}, {"amount_fen", "100"},
           {"date", "2022/01/12"}, {"unit_id", 999}, {"community_id", 999}, {"purpose", " "}}) {
    json bad = Expense(unit_[0], 100);
    bad[field] = value;
    Reply r = Call("POST", "/api/v1/funds/expenses", admin_, bad);
    EXPECT_EQ(r.status, 422) << field << ": " << r.raw.body;
    EXPECT_EQ(r.body["error"]["field"], field) << r.raw.body;
  }
  EXPECT_EQ(TableCounts(), counts);

  Reply balances = Call("GET", "/api/v1/funds/balances", admin_);
  ASSERT_EQ(balances.body["items"].size(), 2u);
  EXPECT_EQ(balances.body["items"][0]["allocated_fen"], 459000000);
  EXPECT_EQ(balances.body["items"][0]["spent_fen"], 2000000);
  EXPECT_EQ(balances.body["items"][0]["balance_fen"], 457000000);
  EXPECT_EQ(balances.body["items"][1]["balance_fen"], 0);
  EXPECT_EQ(Call("GET", "/api/v1/funds/balances", unit0_).body["items"].size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/funds/allocations", unit0_).body["items"].size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/funds/expenses?unit_id=" + std::to_string(unit_[1]), unit0_).body["items"].size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/funds/expenses?from=2022-01-13", admin_).body["items"].size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/funds/expenses", admin_).body["items"][0]["amount_fen"], 2000000);
  EXPECT_EQ(Call("GET", "/api/v1/funds/balances", street0_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/funds/expenses", vol0_).status, 403);
}

// Many concurrent expenses over HTTP: the accepted ones never add up past the allocation.
TEST_F(OversightApiTest, ConcurrentExpensesNeverOverdraw) {
  ASSERT_EQ(Call("POST", "/api/v1/funds/allocations", admin_,
                 json{{"unit_id", unit_[0]}, {"amount_fen", 10000}, {"purpose", "慰问"}, {"date", "2022-01-05"}})
                .status,
            201);
  std::atomic<int> accepted{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        Reply r = Call("POST", "/api/v1/funds/expenses", unit0_, Expense(unit_[0], 300));
        if (r.status == 201) {
          ++accepted;
        } else if (r.status == 409 && r.body["error"]["code"] == "insufficient_funds") {
          ++refused;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(accepted.load(), 33);  // 33 x 300 = 9,900 of 10,000
  EXPECT_EQ(refused.load(), 160 - 33);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Count("SELECT SUM(amount_fen) FROM fund_expenses"), 9900);
  EXPECT_EQ(Count("SELECT allocated_fen - spent_fen FROM fund_balances"), 100);
}

TEST_F(OversightApiTest, SuppliesNameWhoCoordinatedThemAndAreReadInScope) {
  json bought = {{"recipient_community_id", community_[0]}, {"donor", "单位0"},
                 {"description", "口罩、防护服"}, {"quantity", 200}, {"value_fen", 2000000},
                 {"date", "2022-01-12"}};
  Reply s1 = Call("POST", "/api/v1/supplies", unit0_, bought);
  ASSERT_EQ(s1.status, 201) << s1.raw.body;
  EXPECT_EQ(s1.body["recipient_street_id"], street_[0]);
  EXPECT_EQ(s1.body["coordinated_by_unit_id"], unit_[0]);
  EXPECT_EQ(s1.body["coordinated_by_unit_name"], "单位0");
  json donated = {{"recipient_street_id", street_[1]}, {"donor", "爱心企业"},
                  {"coordinated_by_unit_id", unit_[0]}, {"description", "生活物资"},
                  {"quantity", 1}, {"value_fen", 10000000}, {"date", "2022-01-11"}};
  EXPECT_EQ(Call("POST", "/api/v1/supplies", admin_, donated).status, 201);
  json local = {{"recipient_street_id", street_[0]}, {"donor", "辖区商户"}, {"description", "矿泉水"},
                {"quantity", 50}, {"value_fen", 5000}, {"date", "2022-01-12"}};
  Reply s3 = Call("POST", "/api/v1/supplies", street0_, local);
  ASSERT_EQ(s3.status, 201) << s3.raw.body;
  EXPECT_TRUE(s3.body["coordinated_by_unit_id"].is_null());

  auto counts = TableCounts();
  json elsewhere = local;
  elsewhere["recipient_street_id"] = street_[1];
  EXPECT_EQ(Call("POST", "/api/v1/supplies", street0_, elsewhere).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/supplies", community0_, local).status, 403);
  json mismatched = local;
  mismatched["recipient_street_id"] = street_[1];
  mismatched["recipient_community_id"] = community_[0];
  EXPECT_EQ(Call("POST", "/api/v1/supplies", admin_, mismatched).body["error"]["field"], "recipient_community_id");
  json nowhere = local;
  nowhere.erase("recipient_street_id");
  EXPECT_EQ(Call("POST", "/api/v1/supplies", admin_, nowhere).body["error"]["field"], "recipient_street_id");
  for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
           {"value_fen", 0}, {"quantity", 0}, {"recipient_street_id", 999},
           {"coordinated_by_unit_id", 999}, {"donor", ""}, {"date", "yesterday"}}) {
    json bad = local;
    bad[field] = value;
    Reply r = Call("POST", "/api/v1/supplies", admin_, bad);
    EXPECT_EQ(r.status, 422) << field << ": " << r.raw.body;
    EXPECT_EQ(r.body["error"]["field"], field) << r.raw.body;
  }
  EXPECT_EQ(TableCounts(), counts);

  EXPECT_EQ(Call("GET", "/api/v1/supplies", admin_).body["items"].size(), 3u);
  EXPECT_EQ(Call("GET", "/api/v1/supplies", unit0_).body["items"].size(), 2u);
  EXPECT_EQ(Call("GET", "/api/v1/supplies", street0_).body["items"].size(), 2u);
  EXPECT_EQ(Call("GET", "/api/v1/supplies", community0_).body["items"].size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/supplies?street_id=" + std::to_string(street_[1]), street0_).body["items"].size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/supplies", vol0_).status, 403);
}

TEST_F(OversightApiTest, ExportsAreFilesAndAreAudited) {
  ASSERT_EQ(Call("POST", "/api/v1/funds/allocations", admin_,
                 json{{"unit_id", unit_[0]}, {"amount_fen", 459000000}, {"purpose", "慰问"}, {"date", "2022-01-05"}})
                .status,
            201);
  ASSERT_EQ(Call("POST", "/api/v1/funds/expenses", admin_, Expense(unit_[0], 12345)).status, 201);

  Reply csv = Call("GET", "/api/v1/exports/supervision.csv?from=2022-01-01&to=2022-01-16", admin_);
  ASSERT_EQ(csv.status, 200) << csv.raw.body;
  EXPECT_EQ(csv.raw.Header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv.raw.Header("Content-Disposition").value_or("").find("supervision-2022-01-01-2022-01-16.csv"),
            std::string::npos);
  EXPECT_EQ(csv.raw.body.rfind("\xEF\xBB\xBFunit_id,unit,from,to,routed", 0), 0u) << csv.raw.body;
  EXPECT_NE(csv.raw.body.find("单位1"), std::string::npos);

  Reply xlsx = Call("GET", "/api/v1/exports/supervision.xlsx?from=2022-01-01&to=2022-01-16", unit0_);
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.raw.Header("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(xlsx.raw.body.rfind("PK", 0), 0u);

  Reply ledger = Call("GET", "/api/v1/exports/funds.csv", unit0_);
  ASSERT_EQ(ledger.status, 200);
  EXPECT_NE(ledger.raw.body.find("allocation"), std::string::npos);
  EXPECT_NE(ledger.raw.body.find("123.45"), std::string::npos);
  Reply book = Call("GET", "/api/v1/exports/funds.xlsx?from=2022-01-01&to=2022-01-31", admin_);
  ASSERT_EQ(book.status, 200);
  EXPECT_EQ(book.raw.body.rfind("PK", 0), 0u);

  EXPECT_EQ(Call("GET", "/api/v1/exports/funds.csv", vol0_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/exports/supervision.csv?from=2022-01-01", admin_).status, 400);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'export'"), 4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND object = 'funds' AND "
                  "username = 'unit0'"),
            1);
}

}  // namespace
}  // namespace muster::api
