#include "core/time_zone.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mltrack {
namespace {

std::string Tz(std::string_view name) {
  Result<std::shared_ptr<const TimeZone>> zone = TimeZone::Load(name);
  return zone.ok() ? "ok" : zone.status().details().at(0).field + ": " + zone.status().details().at(0).reason;
}

// Offsets at instants next to DST changes, in the POSIX-rule future (2100), in half- and
// quarter-hour zones and in history. The expected offsets were computed independently with
// Python's zoneinfo (datetime.fromtimestamp(ms // 1000, ZoneInfo(zone)).utcoffset()), run by hand
// and pasted here.
TEST(TimeZoneTest, OffsetsMatchPythonZoneinfo) {
  struct Case {
    const char* zone;
    int64_t epoch_ms;
    int32_t offset_s;
  };
  const Case cases[] = {
      {"Europe/Berlin", 1774745999999, 3600},      {"Europe/Berlin", 1774746000000, 7200},
      {"Europe/Berlin", 1792889999999, 7200},      {"Europe/Berlin", 1792890000000, 3600},
      {"America/New_York", 1772953199999, -18000}, {"America/New_York", 1772953200000, -14400},
      {"America/New_York", 1793512800000, -18000}, {"Asia/Kolkata", 1767225600000, 19800},
      {"Asia/Kolkata", -1000000000000, 19800},     {"Asia/Kathmandu", 1767225600000, 20700},
      {"Asia/Kathmandu", 490000000000, 19800},     {"Europe/Berlin", 4117996800000, 7200},
      {"America/New_York", 4117996800000, -14400}, {"Australia/Lord_Howe", 4102444800000, 39600},
      {"Australia/Lord_Howe", 4117996800000, 37800}, {"America/Sao_Paulo", 1767225600000, -10800},
      {"Europe/Dublin", 1767225600000, 0},         {"Europe/Dublin", 1783000000000, 3600},
      {"Pacific/Chatham", 1767225600000, 49500},
  };
  for (const Case& item : cases) {
    Result<std::shared_ptr<const TimeZone>> zone = TimeZone::Load(item.zone);
    ASSERT_TRUE(zone.ok()) << item.zone << ": " << zone.status().ToString();
    EXPECT_EQ((*zone)->OffsetAt(item.epoch_ms), item.offset_s) << item.zone << " at " << item.epoch_ms;
  }
}

// Offset changes of a year, from the file's transitions (2026) and from its TZ rule (2100); the
// change instants are Python's too.
TEST(TimeZoneTest, SpansListTheChangesOfARange) {
  auto spans = [](const char* name, int64_t from, int64_t to) {
    std::string out;
    for (const TimeZone::Span& span : (*TimeZone::Load(name))->Spans(from, to)) {
      out += std::to_string(span.start_ms) + ":" + std::to_string(span.offset_s) + " ";
    }
    return out;
  };
  EXPECT_EQ(spans("Europe/Berlin", 1767225600000, 1798761600000),
            "1767225600000:3600 1774746000000:7200 1792890000000:3600 ");
  EXPECT_EQ(spans("America/New_York", 1767225600000, 1798761600000),
            "1767225600000:-18000 1772953200000:-14400 1793512800000:-18000 ");
  EXPECT_EQ(spans("Europe/Berlin", 4102444800000, 4133980800000),
            "4102444800000:3600 4109878800000:7200 4128627600000:3600 ");
  EXPECT_EQ(spans("Australia/Lord_Howe", 4102444800000, 4133980800000),
            "4102444800000:39600 4110447600000:37800 4126174200000:39600 ");
  EXPECT_EQ(spans("Asia/Kolkata", 0, 4000000000000), "0:19800 ");
  // A change exactly at `from` belongs to the first span; one at `to` is left out.
  EXPECT_EQ(spans("Europe/Berlin", 1774746000000, 1792890000000), "1774746000000:7200 ");
  EXPECT_TRUE((*TimeZone::Load("Etc/UTC"))->IsUtc());
  EXPECT_FALSE((*TimeZone::Load("Europe/London"))->IsUtc());  // UTC in winter only
}

TEST(TimeZoneTest, NamesNeverLeaveTheZoneinfoDirectory) {
  EXPECT_EQ(Tz("Asia/Kathmandu"), "ok");
  EXPECT_EQ(Tz("Etc/GMT+5"), "ok");
  for (const char* name : {"../etc/passwd", "/etc/passwd", "Europe/../../etc/passwd", "Europe/./Berlin",
                           "Europe//Berlin", "Europe/Berlin/", "", "Europe/Ber lin", "Europe\\Berlin",
                           "localtime", "posixrules"}) {
    const std::string got = Tz(name);
    EXPECT_EQ(got.rfind("tz: ", 0), 0u) << name << " → " << got;
    EXPECT_NE(got.find("expected an IANA zone name"), std::string::npos) << name << " → " << got;
  }
  EXPECT_NE(Tz("Mars/Olympus_Mons").find("no such zone"), std::string::npos);
  EXPECT_NE(Tz("America").find("no such zone"), std::string::npos);  // a directory
  EXPECT_NE(Tz("zone.tab").find("not a TZif file"), std::string::npos);
  EXPECT_NE(Tz("right/UTC").find("leap-second"), std::string::npos);
}

// A TZif file built by hand (RFC 8536): `version` '\0' writes only the 32-bit block.
struct TzifBuilder {
  char version = '2';
  std::vector<int64_t> times;
  std::vector<uint8_t> type_of;
  std::vector<int32_t> offsets = {0};
  std::string footer;

  static void Put(std::string& out, int64_t value, int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
  std::string Block(int time_bytes) const {
    std::string out = "TZif";
    out.push_back(version);
    out.append(15, '\0');
    for (int64_t count : {int64_t{0}, int64_t{0}, int64_t{0}, static_cast<int64_t>(times.size()),
                          static_cast<int64_t>(offsets.size()), int64_t{4}}) {
      Put(out, count, 4);
    }
    for (int64_t time : times) Put(out, time, time_bytes);
    for (uint8_t type : type_of) out.push_back(static_cast<char>(type));
    for (int32_t offset : offsets) {
      Put(out, offset, 4);
      out.push_back('\0');  // is-DST
      out.push_back('\0');  // abbreviation index
    }
    out.append("ABC", 4);  // abbreviations, with their NUL
    return out;
  }
  std::string Bytes() const {
    if (version == '\0') return Block(4);
    return Block(4) + Block(8) + "\n" + footer + "\n";
  }
};

TEST(TimeZoneTest, ReadsVersionOneAndTwoFilesAndTheirFooters) {
  TzifBuilder v1;
  v1.version = '\0';
  v1.times = {1000, 2000};
  v1.type_of = {1, 0};
  v1.offsets = {3600, 7200};
  Result<std::shared_ptr<const TimeZone>> zone = TimeZone::FromTzif("Test/One", v1.Bytes());
  ASSERT_TRUE(zone.ok()) << zone.status().ToString();
  EXPECT_EQ((*zone)->OffsetAt(0), 3600);  // before the first transition: type 0
  EXPECT_EQ((*zone)->OffsetAt(1'000'000), 7200);
  EXPECT_EQ((*zone)->OffsetAt(2'000'000), 3600);
  EXPECT_EQ((*zone)->OffsetAt(9'000'000'000'000), 3600);  // no footer: the last type holds

  TzifBuilder v2;
  v2.times = {-(int64_t{1} << 59), 0};  // zic's "big bang" sentinel, saturated
  v2.type_of = {0, 1};
  v2.offsets = {0, -18000};
  v2.footer = "EST5EDT,M3.2.0,M11.1.0";
  zone = TimeZone::FromTzif("Test/Two", v2.Bytes());
  ASSERT_TRUE(zone.ok()) << zone.status().ToString();
  EXPECT_EQ((*zone)->OffsetAt(-1), 0);
  EXPECT_EQ((*zone)->OffsetAt(1000), -18000);
  EXPECT_EQ((*zone)->OffsetAt(1772953199999), -18000);  // the footer rule, 2026 (as New York)
  EXPECT_EQ((*zone)->OffsetAt(1772953200000), -14400);
  EXPECT_FALSE((*zone)->IsUtc());

  v2.footer = "";  // an empty footer: the last type holds
  zone = TimeZone::FromTzif("Test/Three", v2.Bytes());
  ASSERT_TRUE(zone.ok());
  EXPECT_EQ((*zone)->OffsetAt(1772953200000), -18000);
}

TEST(TimeZoneTest, DamagedFilesAreRefusedNamingTz) {
  TzifBuilder good;
  good.times = {0, 100};
  good.type_of = {0, 1};
  good.offsets = {0, 3600};
  good.footer = "<+01>-1";
  ASSERT_TRUE(TimeZone::FromTzif("Good", good.Bytes()).ok());
  auto reason = [](const TzifBuilder& builder) {
    Result<std::shared_ptr<const TimeZone>> zone = TimeZone::FromTzif("Bad", builder.Bytes());
    if (zone.ok()) return std::string("ok");
    EXPECT_EQ(zone.status().details().at(0).field, "tz");
    return zone.status().details().at(0).reason;
  };
  TzifBuilder bad = good;
  bad.times = {100, 0};
  EXPECT_NE(reason(bad).find("out of order"), std::string::npos);
  bad = good;
  bad.type_of = {0, 2};
  EXPECT_NE(reason(bad).find("missing type"), std::string::npos);
  bad = good;
  bad.offsets = {0, 100'000};
  EXPECT_NE(reason(bad).find("offset out of range"), std::string::npos);
  bad = good;
  bad.footer = "CET-1CEST";  // DST without a rule
  EXPECT_NE(reason(bad).find("bad TZ string"), std::string::npos);
  bad = good;
  bad.version = '7';
  EXPECT_NE(reason(bad).find("version"), std::string::npos);
  const std::string bytes = good.Bytes();
  for (size_t cut : {size_t{3}, size_t{40}, size_t{60}, bytes.size() - 2}) {
    EXPECT_FALSE(TimeZone::FromTzif("Cut", bytes.substr(0, cut)).ok()) << cut;
  }
  EXPECT_FALSE(TimeZone::FromTzif("Empty", "").ok());
}

TEST(PosixTzRuleTest, ParsesTheForms) {
  std::optional<PosixTzRule> berlin = PosixTzRule::Parse("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(berlin);
  EXPECT_EQ(berlin->std_offset_s, 3600);
  EXPECT_EQ(berlin->dst_offset_s, 7200);
  EXPECT_EQ(berlin->end.time_s, 3 * 3600);
  EXPECT_EQ(berlin->OffsetAt(1774745999), 3600);  // 2026-03-29T00:59:59Z
  EXPECT_EQ(berlin->OffsetAt(1774746000), 7200);
  std::optional<PosixTzRule> kathmandu = PosixTzRule::Parse("<+0545>-5:45");
  ASSERT_TRUE(kathmandu);
  EXPECT_EQ(kathmandu->OffsetAt(0), 20700);
  EXPECT_FALSE(kathmandu->has_dst);
  // RFC 8536 §3.3.1: negative and > 24 h rule times; DST all year.
  std::optional<PosixTzRule> nuuk = PosixTzRule::Parse("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  ASSERT_TRUE(nuuk);
  EXPECT_EQ(nuuk->start.time_s, -3600);
  std::optional<PosixTzRule> always = PosixTzRule::Parse("EST5EDT,0/0,J365/25");
  ASSERT_TRUE(always);
  for (int64_t instant : {int64_t{0}, int64_t{1767225600}, int64_t{1767225600} - 1, int64_t{1798761600}}) {
    EXPECT_EQ(always->OffsetAt(instant), -14400) << instant;
  }
  // J60 is March 1 also in leap years; 02:00 at UTC−3 is 05:00Z (2026: 1772341200).
  std::optional<PosixTzRule> julian = PosixTzRule::Parse("AAA3BBB,J60/2,J300/2");
  ASSERT_TRUE(julian);
  EXPECT_EQ(julian->OffsetAt(1772341199), -10800);
  EXPECT_EQ(julian->OffsetAt(1772341200), -7200);
  // Zero-based day 59 is March 1 in 2026 but February 29 in 2028 (1835413200 = 2028-02-29T05:00Z).
  std::optional<PosixTzRule> zero_based = PosixTzRule::Parse("AAA3BBB,59/2,300/2");
  ASSERT_TRUE(zero_based);
  EXPECT_EQ(zero_based->OffsetAt(1772341200), -7200);
  EXPECT_EQ(zero_based->OffsetAt(1835413199), -10800);
  EXPECT_EQ(zero_based->OffsetAt(1835413200), -7200);
  for (const char* bad : {"", "C1", "CET", "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.6.0,M10.5.0",
                          "CET-25", "<+01-1", "CET-1CEST,M3.5.0,M10.5.0/168", "CET-1CEST,M3.5.0,M10.5.0x", "CET-1:60"}) {
    EXPECT_FALSE(PosixTzRule::Parse(bad)) << bad;
  }
}

}  // namespace
}  // namespace mltrack
