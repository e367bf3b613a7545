# Sanitizers and coverage apply to every target of the build, so that the
# library, the CLI and the tests are instrumented alike.
set(_strata_sanitizers)
if(STRATA_ASAN)
  list(APPEND _strata_sanitizers address)
endif()
if(STRATA_UBSAN)
  list(APPEND _strata_sanitizers undefined)
endif()
if(_strata_sanitizers)
  list(JOIN _strata_sanitizers "," _strata_sanitize_list)
  # vptr: SOCI's backend classes are used through static_cast on the native
  # handle, and their type info lives in the shared libraries (a dynamic_cast to them does not link).
  add_compile_options(-fsanitize=${_strata_sanitize_list} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_strata_sanitize_list})
  if(STRATA_UBSAN)
    add_compile_options(-fno-sanitize=vptr)
  endif()
endif()

# libFuzzer (make fuzz): every object gets the coverage instrumentation that
# guides the fuzzer, with ASan and UBSan; the fuzz targets themselves link
# -fsanitize=fuzzer (fuzz/CMakeLists.txt), which brings libFuzzer's main().
if(STRATA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "STRATA_FUZZ needs clang, not ${CMAKE_CXX_COMPILER_ID}: configure a "
                        "fresh build directory with CC=clang CXX=clang++ (make fuzz does)")
  endif()
  # _GLIBCXX_ASSERTIONS: libstdc++'s bounds checks (operator[], front, back), which
  # ASan misses inside a string's or vector's capacity; no ABI change.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr
                      -fno-omit-frame-pointer -fno-sanitize-recover=all -D_GLIBCXX_ASSERTIONS)
  add_link_options(-fsanitize=address,undefined)
endif()

if(STRATA_COVERAGE)
  add_compile_options(--coverage -O0 -fno-inline -fprofile-update=atomic)
  add_link_options(--coverage)
endif()
