#include "store/dictionary_log.h"

#include <zstd.h>

#include "store/local_strings.h"
#include "store/segment_format.h"
#include "store/wal_reader.h"

namespace mltrack::store {
namespace {

// Version 1: the body follows as is. Version 2: varint body size, then the body as one zstd
// frame (what Persist writes; dictionary strings such as trace ids compress well).
constexpr uint8_t kRecordVersion = 1;
constexpr uint8_t kCompressedVersion = 2;
constexpr size_t kMaxBodyBytes = 1u << 30;

enum class Group : uint8_t { kField = 1, kTagKeys = 2, kTagValues = 3, kScoreNames = 4 };

void PutGroup(std::string* out, Group group, uint64_t index, const Dictionary& dictionary, uint64_t from,
              uint64_t to, size_t* groups) {
  if (to <= from) return;
  out->push_back(static_cast<char>(group));
  segment::PutVarint(out, index);
  segment::PutVarint(out, from + 1);
  segment::PutVarint(out, to - from);
  for (uint64_t id = from + 1; id <= to; ++id) {
    std::string_view value = dictionary.Get(static_cast<uint32_t>(id));
    segment::PutVarint(out, value.size());
    out->append(value);
  }
  ++*groups;
}

// Applies one record; kCorruption (with the byte offset inside the payload) when it does not
// decode or does not line up with what the dictionaries already hold.
Status ApplyRecord(std::string_view payload, DictionarySet* dictionaries);

Status ApplyCompressedRecord(std::string_view payload, DictionarySet* dictionaries) {
  segment::FooterReader header(payload.substr(1));
  uint64_t size = 0;
  if (!header.GetVarint(&size) || size > kMaxBodyBytes) return Status::Corruption("dictionary record: bad body size");
  std::string body(size + 1, '\0');
  body[0] = static_cast<char>(kRecordVersion);
  std::string_view frame = payload.substr(1 + header.position());
  const size_t got = ZSTD_decompress(body.data() + 1, size, frame.data(), frame.size());
  if (ZSTD_isError(got) || got != size) return Status::Corruption("dictionary record: body does not decompress");
  return ApplyRecord(body, dictionaries);
}

Status ApplyRecord(std::string_view payload, DictionarySet* dictionaries) {
  if (!payload.empty() && static_cast<uint8_t>(payload[0]) == kCompressedVersion) {
    return ApplyCompressedRecord(payload, dictionaries);
  }
  segment::FooterReader reader(payload);
  auto bad = [&](const std::string& what) {
    return Status::Corruption("dictionary record at payload byte " + std::to_string(reader.position()) + ": " + what);
  };
  uint8_t version = 0;
  uint64_t groups = 0;
  if (!reader.GetByte(&version) || version != kRecordVersion) return bad("unknown version");
  if (!reader.GetVarint(&groups)) return bad("truncated");
  for (uint64_t group_idx = 0; group_idx < groups; ++group_idx) {
    uint8_t group = 0;
    uint64_t index = 0;
    uint64_t first = 0;
    uint64_t count = 0;
    if (!reader.GetByte(&group) || !reader.GetVarint(&index) || !reader.GetVarint(&first) ||
        !reader.GetVarint(&count)) {
      return bad("truncated");
    }
    Dictionary* dictionary = nullptr;
    switch (static_cast<Group>(group)) {
      case Group::kField:
        dictionary = index < kFieldIdCount ? dictionaries->field(static_cast<FieldId>(index)) : nullptr;
        break;
      case Group::kTagKeys: dictionary = &dictionaries->tag_keys(); break;
      case Group::kTagValues:
        if (index < dictionaries->tag_keys().size()) dictionary = &dictionaries->TagValues(index);
        break;
      case Group::kScoreNames: dictionary = &dictionaries->score_names(); break;
    }
    if (dictionary == nullptr) return bad("unknown dictionary");
    if (first == 0 || first > dictionary->size() + 1) return bad("entries do not follow the dictionary");
    std::vector<std::string_view> values;
    std::vector<uint64_t> wanted;
    for (uint64_t entry = 0; entry < count; ++entry) {
      uint64_t size = 0;
      if (!reader.GetVarint(&size) || size > payload.size() - reader.position()) return bad("truncated");
      std::string_view value = payload.substr(reader.position(), size);
      reader.Skip(size);
      const uint64_t id = first + entry;
      if (id <= dictionary->size()) {
        if (dictionary->Get(static_cast<uint32_t>(id)) != value) return bad("entry differs from an earlier record");
        continue;
      }
      if (value.empty()) return bad("empty entry");
      values.push_back(value);
      wanted.push_back(id);
    }
    std::vector<uint32_t> ids;
    dictionary->GetOrAddMany(values, &ids);
    for (size_t idx = 0; idx < ids.size(); ++idx) {
      if (ids[idx] != wanted[idx]) return bad("entry repeats another id");
    }
  }
  if (!reader.at_end()) return bad("trailing bytes");
  return Status::OK();
}

}  // namespace

DictionarySizes DictionarySizes::Of(const DictionarySet& dictionaries) {
  DictionarySizes sizes;
  for (size_t field = 0; field < kFieldIdCount; ++field) {
    const Dictionary* dictionary = dictionaries.field(static_cast<FieldId>(field));
    if (dictionary != nullptr) sizes.fields[field] = dictionary->size();
  }
  // Tag keys before their values: a value dictionary never exists without its key.
  sizes.tag_keys = dictionaries.tag_keys().size();
  const size_t tag_value_count = std::min<size_t>(dictionaries.tag_value_count(), sizes.tag_keys);
  for (size_t key_index = 0; key_index < tag_value_count; ++key_index) {
    sizes.tag_values.push_back(dictionaries.FindTagValues(key_index)->size());
  }
  sizes.score_names = dictionaries.score_names().size();
  return sizes;
}

Result<std::unique_ptr<DictionaryLog>> DictionaryLog::Open(const std::filesystem::path& dir,
                                                           DictionarySet* dictionaries,
                                                           std::vector<StoreProblem>* problems,
                                                           std::function<int(size_t)> fault_hook) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return ErrnoToStatus(ec.value(), "create " + dir.string());
  std::unique_ptr<DictionaryLog> log(new DictionaryLog(dictionaries));
  Result<std::vector<WalFile>> files = ListWalFiles(dir);
  if (!files.ok()) return files.status();
  bool damaged = false;
  uint64_t last_bytes = 0;
  for (size_t file_idx = 0; file_idx < files->size(); ++file_idx) {
    const WalFile& file = (*files)[file_idx];
    const bool newest = file_idx + 1 == files->size();
    Result<std::unique_ptr<WalReader>> reader = WalReader::Open(file.path, newest);
    if (!reader.ok()) return reader.status();
    WalRecord record;
    while (!damaged) {
      Result<bool> more = (*reader)->Next(&record);
      if (!more.ok()) {
        problems->push_back({file.path.string(), (*reader)->corruption_offset(), more.status().message()});
        damaged = true;
        break;
      }
      if (!*more) break;
      Status applied = ApplyRecord(record.payload, dictionaries);
      if (!applied.ok()) {
        problems->push_back({file.path.string(), record.offset, applied.message()});
        damaged = true;
      }
    }
    uint64_t bytes = (*reader)->file_bytes();
    if (newest && !damaged && (*reader)->torn_tail()) {
      bytes = (*reader)->valid_bytes();
      reader->reset();
      MLTRACK_RETURN_IF_ERROR(TruncateWalFile(file.path, bytes));
    }
    if (newest) last_bytes = bytes;
    else log->base_bytes_ += bytes;
    // After damage, later records may not line up: stop replaying (their segments will fail
    // validation and be quarantined rather than resolve to wrong strings).
    if (damaged) {
      if (!newest) {
        for (size_t rest = file_idx + 1; rest < files->size(); ++rest) log->base_bytes_ += (*files)[rest].bytes;
      }
      break;
    }
  }
  uint64_t seq = files->empty() ? 1 : files->back().seq;
  if (damaged || last_bytes >= wal::kDefaultFileBytes) {
    log->base_bytes_ += last_bytes;
    seq += files->empty() ? 0 : 1;
  }
  WalWriterOptions options;
  options.fault_hook = std::move(fault_hook);
  Result<std::unique_ptr<WalWriter>> writer = WalWriter::Open(dir, seq, options);
  if (!writer.ok()) return writer.status();
  log->writer_ = std::move(writer).value();
  log->persisted_ = DictionarySizes::Of(*dictionaries);
  return log;
}

Status DictionaryLog::Persist(const DictionarySizes& upto) {
  std::string body;
  size_t groups = 0;
  const DictionarySet& set = *dictionaries_;
  for (size_t field = 0; field < kFieldIdCount; ++field) {
    const Dictionary* dictionary = set.field(static_cast<FieldId>(field));
    // A local string field's table dictionary only holds what queries interned (local_strings.h);
    // segments carry its strings. Entries replayed from an older log stay for older segments.
    if (dictionary == nullptr || IsLocalStringField(static_cast<FieldId>(field))) continue;
    PutGroup(&body, Group::kField, field, *dictionary, persisted_.fields[field], upto.fields[field], &groups);
  }
  PutGroup(&body, Group::kTagKeys, 0, set.tag_keys(), persisted_.tag_keys, upto.tag_keys, &groups);
  for (size_t key_index = 0; key_index < upto.tag_values.size(); ++key_index) {
    const uint64_t from = key_index < persisted_.tag_values.size() ? persisted_.tag_values[key_index] : 0;
    PutGroup(&body, Group::kTagValues, key_index, *set.FindTagValues(key_index), from, upto.tag_values[key_index],
             &groups);
  }
  PutGroup(&body, Group::kScoreNames, 0, set.score_names(), persisted_.score_names, upto.score_names, &groups);
  if (groups == 0) return Status::OK();
  std::string plain;
  segment::PutVarint(&plain, groups);
  plain.append(body);
  std::string payload;
  payload.push_back(static_cast<char>(kCompressedVersion));
  segment::PutVarint(&payload, plain.size());
  const size_t header = payload.size();
  payload.resize(header + ZSTD_compressBound(plain.size()));
  const size_t compressed = ZSTD_compress(payload.data() + header, payload.size() - header, plain.data(), plain.size(), 3);
  if (ZSTD_isError(compressed)) return Status::Internal("compressing a dictionary record failed");
  payload.resize(header + compressed);
  MLTRACK_RETURN_IF_ERROR(writer_->Append(payload));
  // Keep the larger of what was persisted and `upto` per dictionary.
  for (size_t field = 0; field < kFieldIdCount; ++field) {
    if (IsLocalStringField(static_cast<FieldId>(field))) continue;
    persisted_.fields[field] = std::max(persisted_.fields[field], upto.fields[field]);
  }
  persisted_.tag_keys = std::max(persisted_.tag_keys, upto.tag_keys);
  if (persisted_.tag_values.size() < upto.tag_values.size()) persisted_.tag_values.resize(upto.tag_values.size(), 0);
  for (size_t key_index = 0; key_index < upto.tag_values.size(); ++key_index) {
    persisted_.tag_values[key_index] = std::max(persisted_.tag_values[key_index], upto.tag_values[key_index]);
  }
  persisted_.score_names = std::max(persisted_.score_names, upto.score_names);
  return Status::OK();
}

}  // namespace mltrack::store
