// Runs every data file under tests/dispatch/cases: {"instance": {...}, "expected": {...}}, where
// expected holds "coverage" and "cost" of the optimum (and optionally "method" and
// "unfilled_codes"), or "error_field" for an instance that must be refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "dispatch/engine.h"
#include "dispatch/oracle.h"

namespace muster::dispatch {
namespace {

std::vector<std::filesystem::path> CaseFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator("tests/dispatch/cases")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(Cases, EveryCaseFileHoldsItsExpectation) {
  std::vector<std::filesystem::path> files = CaseFiles();
  ASSERT_FALSE(files.empty());
  for (const auto& path : files) {
    SCOPED_TRACE(path.filename().string());
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    nlohmann::json test = nlohmann::json::parse(text.str());
    const nlohmann::json& expected = test.at("expected");
    Result<Instance> instance = ParseInstance(test.at("instance").dump());
    if (expected.contains("error_field")) {
      ASSERT_FALSE(instance.ok());
      EXPECT_EQ(instance.error().field, expected["error_field"].get<std::string>());
      continue;
    }
    ASSERT_TRUE(instance.ok()) << instance.error().ToString();
    Plan plan = Solve(*instance);
    EXPECT_EQ(oracle::CheckPlan(*instance, plan), "");
    EXPECT_EQ(plan.coverage, expected.at("coverage").get<std::int64_t>());
    EXPECT_EQ(plan.cost, expected.at("cost").get<std::int64_t>());
    EXPECT_TRUE(plan.ProvenOptimal());
    if (expected.contains("method")) {
      EXPECT_EQ(plan.method, expected["method"].get<std::string>());
    }
    if (expected.contains("unfilled_codes")) {
      std::vector<std::string> codes;
      for (const Unfilled& u : plan.unfilled) codes.push_back(u.code);
      EXPECT_EQ(codes, expected["unfilled_codes"].get<std::vector<std::string>>());
    }
  }
}

}  // namespace
}  // namespace muster::dispatch
