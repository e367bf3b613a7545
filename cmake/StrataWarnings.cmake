# strata_set_warnings(<target>): the project's warning set, errors when
# STRATA_WARNINGS_AS_ERRORS is on (the default when strata is top-level).
function(strata_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                         -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
                         -Woverloaded-virtual -Wimplicit-fallthrough)
  # GCC 12 at -O3 reports -Wrestrict inside libstdc++'s std::string operator+
  # (GCC bug 105329, fixed in 13): a false positive in code that is not ours.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(STRATA_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
