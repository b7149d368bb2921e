#pragma once

#include <string>
#include <vector>

namespace mltrack::cli {

// Each returns the process exit code: 0 success, 1 run-time failure, 2 bad usage.
int RunServe(const std::vector<std::string>& args);
int RunDemo(const std::vector<std::string>& args);
int RunImport(const std::vector<std::string>& args);
int RunBackup(const std::vector<std::string>& args);   // backup_command.cc
int RunRestore(const std::vector<std::string>& args);
int RunKeys(const std::vector<std::string>& args);
int RunInspect(const std::vector<std::string>& args);  // inspect_command.cc

}  // namespace mltrack::cli
