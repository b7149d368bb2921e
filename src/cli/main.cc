#include <cstdio>
#include <string_view>

int main(int argc, char** argv) {
  std::fprintf(stderr, "usage: mltrack serve|demo ...\n");
  return argc > 1 && std::string_view(argv[1]) == "--help" ? 0 : 2;
}
