// The harness's sanitizer-report detection (server_process.h), which `make sanitize` relies on to
// fail a test whose server logged an ASan, LSan or UBSan report.
#include <gtest/gtest.h>

#include "server_process.h"

namespace mltrack::integration {
namespace {

TEST(SanitizerReport, FindsEachKindFromTheStartOfItsLine) {
  EXPECT_EQ(SanitizerReport("ok\n==12==ERROR: AddressSanitizer: heap-use-after-free on 0x1\n#0 f"),
            "==12==ERROR: AddressSanitizer: heap-use-after-free on 0x1\n#0 f");
  EXPECT_EQ(SanitizerReport("==7==ERROR: LeakSanitizer: detected memory leaks"),
            "==7==ERROR: LeakSanitizer: detected memory leaks");
  EXPECT_EQ(SanitizerReport("a\nsrc/store/segment.cc:12:5: runtime error: signed integer overflow\nb"),
            "src/store/segment.cc:12:5: runtime error: signed integer overflow\nb");
}

TEST(SanitizerReport, TheFirstReportWinsAndIsCut) {
  const std::string log = "x: runtime error: shift\n==1==ERROR: AddressSanitizer: SEGV";
  EXPECT_EQ(SanitizerReport(log), log);
  EXPECT_EQ(SanitizerReport(log, 6), "x: run");
}

TEST(SanitizerReport, AnOrdinaryLogHasNone) {
  EXPECT_EQ(SanitizerReport(""), "");
  EXPECT_EQ(SanitizerReport("[info] listening on 127.0.0.1:1234\n[error] bad request: runtime\n"), "");
}

}  // namespace
}  // namespace mltrack::integration
