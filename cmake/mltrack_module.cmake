# mltrack_module(NAME [COROUTINES] DEPS ...) builds src/NAME/**/*.cc (except *_test.cc) into the
# static library mltrack_NAME, and src/NAME/**/*_test.cc into the test binary NAME_tests.
# COROUTINES: the module's sources use C++20 coroutines (Boost.Asio awaitables); it links
# mltrack_coroutines (CMakeLists.txt), and both its targets get MLTRACK_COROUTINE_OPTIONS.
function(mltrack_module name)
  cmake_parse_arguments(ARG "COROUTINES" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${name}/*.cc)
  set(tests ${sources})
  list(FILTER sources EXCLUDE REGEX "_test\\.cc$")
  list(FILTER tests INCLUDE REGEX "_test\\.cc$")
  add_library(mltrack_${name} STATIC ${sources} ${CMAKE_SOURCE_DIR}/cmake/empty.cc)
  target_include_directories(mltrack_${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(mltrack_${name} PUBLIC ${ARG_DEPS})
  if(ARG_COROUTINES)
    target_link_libraries(mltrack_${name} PUBLIC mltrack_coroutines)
    target_compile_options(mltrack_${name} PRIVATE ${MLTRACK_COROUTINE_OPTIONS})
  endif()
  if(MLTRACK_BUILD_TESTS AND tests)
    add_executable(${name}_tests ${tests})
    target_link_libraries(${name}_tests PRIVATE mltrack_${name} GTest::gtest_main GTest::gmock)
    # Only tests know where the source tree is, so library objects stay identical across checkouts
    # (ccache then shares them between worktrees).
    target_compile_definitions(${name}_tests PRIVATE MLTRACK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
    if(ARG_COROUTINES)
      target_compile_options(${name}_tests PRIVATE ${MLTRACK_COROUTINE_OPTIONS})
    endif()
    gtest_discover_tests(${name}_tests DISCOVERY_TIMEOUT 60
      PROPERTIES ENVIRONMENT "MLTRACK_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
  endif()
endfunction()
