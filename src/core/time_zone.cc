#include "core/time_zone.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace mltrack {
namespace {

constexpr size_t kHeaderBytes = 44;
constexpr size_t kMaxNameBytes = 128;
constexpr size_t kMaxFileBytes = 1 << 20;  // real zones are < 4 KiB
// RFC 8536 §3.2: offsets SHOULD lie in [−89999, 93599] (−25 h … +26 h).
constexpr int32_t kMinOffset = -89'999;
constexpr int32_t kMaxOffset = 93'599;

Status BadZone(std::string_view name, const std::string& reason) {
  std::string text = "unknown or invalid time zone \"" + std::string(name) + "\": " + reason;
  return Status::InvalidArgument(text, {{-1, "tz", text}});
}

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes || name.front() == '/' || name.back() == '/') return false;
  size_t part_begin = 0;
  for (size_t pos = 0; pos <= name.size(); ++pos) {
    if (pos == name.size() || name[pos] == '/') {
      const std::string_view part = name.substr(part_begin, pos - part_begin);
      if (part.empty() || part == "." || part == "..") return false;
      part_begin = pos + 1;
      continue;
    }
    const char c = name[pos];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  // Files of the zoneinfo directory that are not zones, or not the same zone on every host.
  return name != "localtime" && name != "posixrules" && name != "Factory";
}

// Big-endian reads over the file's bytes; every read checks the bounds.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  size_t position() const { return pos_; }
  bool Skip(size_t count) {
    if (bytes_.size() - pos_ < count) return false;
    pos_ += count;
    return true;
  }
  bool Int(size_t width, int64_t* value) {
    if (bytes_.size() - pos_ < width) return false;
    uint64_t bits = 0;
    for (size_t idx = 0; idx < width; ++idx) bits = bits << 8 | static_cast<uint8_t>(bytes_[pos_ + idx]);
    pos_ += width;
    // Sign-extend 4-byte values.
    *value = width == 4 ? static_cast<int64_t>(static_cast<int32_t>(bits)) : static_cast<int64_t>(bits);
    return true;
  }
  bool Byte(uint8_t* value) {
    if (pos_ >= bytes_.size()) return false;
    *value = static_cast<uint8_t>(bytes_[pos_++]);
    return true;
  }
  std::string_view Rest() const { return bytes_.substr(pos_); }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

struct Header {
  char version = 0;
  int64_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
  // Bytes of the data block that follows, with `time_bytes`-byte times.
  size_t DataBytes(size_t time_bytes) const {
    return static_cast<size_t>(timecnt) * (time_bytes + 1) + static_cast<size_t>(typecnt) * 6 +
           static_cast<size_t>(charcnt) + static_cast<size_t>(leapcnt) * (time_bytes + 4) +
           static_cast<size_t>(isstdcnt) + static_cast<size_t>(isutcnt);
  }
};

std::optional<std::string> ReadHeader(ByteReader& reader, Header* header) {
  const std::string_view rest = reader.Rest();
  if (rest.size() < kHeaderBytes || rest.substr(0, 4) != "TZif") return "not a TZif file";
  header->version = rest[4];
  if (header->version != '\0' && header->version != '2' && header->version != '3' && header->version != '4') {
    return "unknown TZif version";
  }
  reader.Skip(20);
  int64_t* counts[] = {&header->isutcnt, &header->isstdcnt, &header->leapcnt,
                       &header->timecnt, &header->typecnt,  &header->charcnt};
  for (int64_t* count : counts) {
    reader.Int(4, count);
    if (*count < 0 || *count > 100'000) return "count out of range";
  }
  if (header->typecnt == 0 || header->charcnt == 0) return "no local time types";
  if ((header->isutcnt != 0 && header->isutcnt != header->typecnt) ||
      (header->isstdcnt != 0 && header->isstdcnt != header->typecnt)) {
    return "indicator counts do not match the types";
  }
  if (header->leapcnt != 0) return "leap-second zones (right/...) are not supported";
  return std::nullopt;
}

}  // namespace

Result<std::shared_ptr<const TimeZone>> TimeZone::FromTzif(std::string name, std::string_view bytes) {
  ByteReader reader(bytes);
  Header header;
  if (auto error = ReadHeader(reader, &header)) return BadZone(name, *error);
  size_t time_bytes = 4;
  if (header.version != '\0') {
    // Skip the version-1 block; the 64-bit block follows with a header of its own.
    if (!reader.Skip(header.DataBytes(4))) return BadZone(name, "truncated");
    if (auto error = ReadHeader(reader, &header)) return BadZone(name, *error);
    time_bytes = 8;
  }
  if (reader.Rest().size() < header.DataBytes(time_bytes)) return BadZone(name, "truncated");

  std::shared_ptr<TimeZone> zone(new TimeZone());
  zone->name_ = std::move(name);
  std::vector<int64_t> times(static_cast<size_t>(header.timecnt));
  for (int64_t& time : times) reader.Int(time_bytes, &time);
  for (size_t idx = 1; idx < times.size(); ++idx) {
    if (times[idx] <= times[idx - 1]) return BadZone(zone->name_, "transitions out of order");
  }
  std::vector<uint8_t> type_of(times.size());
  for (uint8_t& type : type_of) {
    reader.Byte(&type);
    if (type >= header.typecnt) return BadZone(zone->name_, "transition names a missing type");
  }
  std::vector<int32_t> type_offsets(static_cast<size_t>(header.typecnt));
  for (int32_t& offset : type_offsets) {
    int64_t utoff = 0;
    uint8_t is_dst = 0, abbreviation = 0;
    reader.Int(4, &utoff);
    reader.Byte(&is_dst);
    reader.Byte(&abbreviation);
    if (utoff < kMinOffset || utoff > kMaxOffset) return BadZone(zone->name_, "UTC offset out of range");
    if (is_dst > 1 || abbreviation >= header.charcnt) return BadZone(zone->name_, "bad local time type");
    offset = static_cast<int32_t>(utoff);
  }
  reader.Skip(static_cast<size_t>(header.charcnt + header.isstdcnt + header.isutcnt));
  zone->initial_offset_s_ = type_offsets[0];
  for (size_t idx = 0; idx < times.size(); ++idx) {
    // Saturated to ±2^53 ms (zic writes −2^59 s as a "big bang" sentinel).
    constexpr int64_t kLimitS = (int64_t{1} << 53) / 1000;
    zone->transitions_ms_.push_back(std::clamp(times[idx], -kLimitS, kLimitS) * 1000);
    zone->offsets_s_.push_back(type_offsets[type_of[idx]]);
  }
  if (header.version != '\0') {
    const std::string_view rest = reader.Rest();
    const size_t close = rest.find('\n', 1);
    if (rest.empty() || rest[0] != '\n' || close == std::string_view::npos) {
      return BadZone(zone->name_, "missing footer");
    }
    const std::string_view footer = rest.substr(1, close - 1);
    if (!footer.empty()) {
      zone->rule_ = PosixTzRule::Parse(footer);
      if (!zone->rule_) return BadZone(zone->name_, "bad TZ string \"" + std::string(footer) + "\"");
    }
  }
  bool utc = zone->initial_offset_s_ == 0 &&
             std::all_of(zone->offsets_s_.begin(), zone->offsets_s_.end(), [](int32_t offset) { return offset == 0; });
  if (zone->rule_) utc = utc && zone->rule_->std_offset_s == 0 && !zone->rule_->has_dst;
  zone->is_utc_ = utc;
  return std::shared_ptr<const TimeZone>(std::move(zone));
}

Result<std::shared_ptr<const TimeZone>> TimeZone::Load(std::string_view name) {
  if (!IsValidName(name)) return BadZone(name, "expected an IANA zone name such as \"Europe/Berlin\"");
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;
  {
    std::lock_guard lock(mutex);
    if (auto found = cache.find(name); found != cache.end()) return found->second;
  }
  const char* dir = std::getenv("TZDIR");
  const std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + std::string(name);
  std::ifstream file(path, std::ios::binary);
  std::string bytes;
  if (file) {
    bytes.resize(kMaxFileBytes + 1);
    file.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<size_t>(file.gcount()));
  }
  if (bytes.empty()) return BadZone(name, "no such zone");  // missing, a directory, or empty
  if (bytes.size() > kMaxFileBytes) return BadZone(name, "file too large");
  Result<std::shared_ptr<const TimeZone>> zone = FromTzif(std::string(name), bytes);
  if (!zone.ok()) return zone;
  std::lock_guard lock(mutex);
  return cache.emplace(std::string(name), *zone).first->second;
}

int32_t TimeZone::OffsetAt(int64_t epoch_ms) const {
  if (transitions_ms_.empty() || epoch_ms > transitions_ms_.back()) {
    if (rule_) return rule_->OffsetAt(epoch_ms >= 0 ? epoch_ms / 1000 : -((-(epoch_ms + 1)) / 1000) - 1);
    return transitions_ms_.empty() ? initial_offset_s_ : offsets_s_.back();
  }
  const auto after = std::upper_bound(transitions_ms_.begin(), transitions_ms_.end(), epoch_ms);
  if (after == transitions_ms_.begin()) return initial_offset_s_;
  return offsets_s_[static_cast<size_t>(after - transitions_ms_.begin()) - 1];
}

std::vector<TimeZone::Span> TimeZone::Spans(int64_t from_ms, int64_t to_ms) const {
  std::vector<Span> spans{{from_ms, OffsetAt(from_ms)}};
  // Changes arrive in time order; several at one instant (a rule's DST "all year") leave the last.
  auto add = [&](int64_t instant_ms, int32_t offset) {
    if (instant_ms <= from_ms || instant_ms >= to_ms) return;
    if (instant_ms == spans.back().start_ms) {
      spans.back().offset_s = offset;
      if (spans[spans.size() - 2].offset_s == offset) spans.pop_back();
      return;
    }
    if (offset != spans.back().offset_s) spans.push_back({instant_ms, offset});
  };
  for (size_t idx = 0; idx < transitions_ms_.size(); ++idx) {
    if (transitions_ms_[idx] >= to_ms) break;
    add(transitions_ms_[idx], offsets_s_[idx]);
  }
  const int64_t rule_from_ms = transitions_ms_.empty() ? from_ms : std::max(from_ms, transitions_ms_.back() + 1);
  if (rule_ && rule_->has_dst && rule_from_ms < to_ms) {
    // Years 1 … 9999 at most (PosixTzRule's range); a rule's changes of one year may fall into
    // the neighbouring calendar years, so one year more on each side.
    auto year_of = [](int64_t ms) { return ms / 31'556'952'000 + 1970; };  // mean Gregorian year
    const int64_t first_year = std::max<int64_t>(1, year_of(rule_from_ms) - 2);
    const int64_t last_year = std::min<int64_t>(9999, year_of(to_ms) + 2);
    std::vector<std::pair<int64_t, int32_t>> changes;
    for (int64_t year = first_year; year <= last_year; ++year) rule_->AppendYear(year, &changes);
    std::stable_sort(changes.begin(), changes.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [instant_s, offset] : changes) {
      if (instant_s * 1000 >= rule_from_ms) add(instant_s * 1000, offset);
    }
  }
  return spans;
}

}  // namespace mltrack
