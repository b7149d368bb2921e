#include "analytics/annotation.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace mltrack::analytics {
namespace {

constexpr int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

std::vector<std::string> Fields(const Status& status) {
  std::vector<std::string> fields;
  for (const ErrorDetail& detail : status.details()) fields.push_back(detail.field);
  return fields;
}

TEST(AnnotationTest, ParsesEveryField) {
  Result<Annotation> parsed = ParseAnnotation(
      R"({"ts": "2025-12-31T23:00:00Z", "end": 1767225000000, "text": "Gateway v2.14",
          "kind": "deploy", "scope": {"field": "provider", "value": "anthropic"}})",
      kNow);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->ts_ms, kNow - 3'600'000);
  EXPECT_EQ(parsed->end_ms, 1767225000000);
  EXPECT_EQ(parsed->text, "Gateway v2.14");
  EXPECT_EQ(parsed->kind, AnnotationKind::kDeploy);
  ASSERT_TRUE(parsed->scope);
  EXPECT_EQ(parsed->scope->field.Name(), "provider");
  EXPECT_EQ(parsed->scope->value, "anthropic");

  Result<Annotation> relative = ParseAnnotation(R"({"ts": "now-1h", "text": "x", "kind": "incident", "scope": null})", kNow);
  ASSERT_TRUE(relative.ok());
  EXPECT_EQ(relative->ts_ms, kNow - 3'600'000);
  EXPECT_FALSE(relative->end_ms);
  EXPECT_FALSE(relative->scope);
  Result<Annotation> tag = ParseAnnotation(
      R"({"ts": 5, "text": "x", "kind": "config", "scope": {"field": "tags.env", "value": "prod"}})", kNow);
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(tag->scope->field.Name(), "tags.env");
}

TEST(AnnotationTest, EveryBadFieldIsNamed) {
  struct Case {
    const char* body;
    std::vector<std::string> fields;
  };
  const Case cases[] = {
      {"{}", {"ts", "text", "kind"}},
      {"[1]", {"body"}},
      {"not json", {"body"}},
      {R"({"ts": "yesterday", "text": "x", "kind": "deploy"})", {"ts"}},
      {R"({"ts": -5, "text": "x", "kind": "deploy"})", {"ts"}},
      {R"({"ts": 10, "end": 5, "text": "x", "kind": "deploy"})", {"end"}},
      {R"({"ts": 10, "end": "soon", "text": "x", "kind": "deploy"})", {"end"}},
      {R"({"ts": 10, "text": "  ", "kind": "deploy"})", {"text"}},
      {R"({"ts": 10, "text": 3, "kind": "deploy"})", {"text"}},
      {R"({"ts": 10, "text": "x", "kind": "outage"})", {"kind"}},
      {R"({"ts": 10, "text": "x", "kind": "deploy", "scope": "anthropic"})", {"scope"}},
      {R"({"ts": 10, "text": "x", "kind": "deploy", "scope": {"field": "latency_ms", "value": "1"}})", {"scope.field"}},
      {R"({"ts": 10, "text": "x", "kind": "deploy", "scope": {"field": "provider"}})", {"scope.value"}},
      {R"({"ts": 10, "text": "x", "kind": "deploy", "scope": {"field": "provider", "value": "", "x": 1}})",
       {"scope.value", "scope.x"}},
      {R"({"ts": 10, "text": "x", "kind": "deploy", "colour": "red"})", {"colour"}},
  };
  for (const Case& test_case : cases) {
    Result<Annotation> parsed = ParseAnnotation(test_case.body, kNow);
    ASSERT_FALSE(parsed.ok()) << test_case.body;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    std::vector<std::string> fields = Fields(parsed.status());
    std::sort(fields.begin(), fields.end());
    std::vector<std::string> expected = test_case.fields;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(fields, expected) << test_case.body;
    const std::string& first = parsed.status().details().front().field;
    EXPECT_NE(parsed.status().message().find(first), std::string::npos) << parsed.status().message();
  }
  std::string long_text(kMaxAnnotationText + 1, 'a');
  Result<Annotation> too_long = ParseAnnotation(R"({"ts": 1, "kind": "deploy", "text": ")" + long_text + "\"}", kNow);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(Fields(too_long.status()), std::vector<std::string>{"text"});
}

TEST(AnnotationTest, RangeOverlapAndScopeAgainstFilters) {
  Annotation moment;
  moment.ts_ms = 100;
  EXPECT_TRUE(AnnotationInRange(moment, 100, 200));
  EXPECT_TRUE(AnnotationInRange(moment, 0, 101));
  EXPECT_FALSE(AnnotationInRange(moment, 0, 100));  // to is exclusive
  EXPECT_FALSE(AnnotationInRange(moment, 101, 200));
  Annotation span = moment;
  span.end_ms = 300;
  EXPECT_TRUE(AnnotationInRange(span, 200, 400));  // started before the range, still running
  EXPECT_TRUE(AnnotationInRange(span, 300, 400));
  EXPECT_FALSE(AnnotationInRange(span, 301, 400));

  Annotation scoped = moment;
  scoped.scope = AnnotationScope{FieldRef{FieldId::kProvider, {}}, "anthropic"};
  auto filter = [](FieldId field, query::FilterOp op, std::vector<std::string> values) {
    query::Filter out;
    out.field = FieldRef{field, {}};
    out.op = op;
    for (auto& value : values) out.values.emplace_back(value);
    return out;
  };
  EXPECT_TRUE(AnnotationConcerns(scoped, {}));
  EXPECT_TRUE(AnnotationConcerns(scoped, {filter(FieldId::kModel, query::FilterOp::kEq, {"gpt-4o"})}));
  EXPECT_TRUE(AnnotationConcerns(scoped, {filter(FieldId::kProvider, query::FilterOp::kIn, {"openai", "anthropic"})}));
  EXPECT_FALSE(AnnotationConcerns(scoped, {filter(FieldId::kProvider, query::FilterOp::kEq, {"openai"})}));
  EXPECT_TRUE(AnnotationConcerns(moment, {filter(FieldId::kProvider, query::FilterOp::kEq, {"openai"})}));
}

}  // namespace
}  // namespace mltrack::analytics
